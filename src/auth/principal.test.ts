import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Sealer } from '../crypto/root-key.js';
import { IamChanges, type IamDeps } from '../services/iam/deps.js';
import { mintSession } from '../services/sts/sessions.js';
import { migrate, openSqlite, type Db } from '../store/database.js';
import { Clock } from '../server/clock.js';
import { CredentialResolver, SessionTokenError, SessionTokens, secretAad, sessionTokenError } from './principal.js';

const ACCOUNT = '123456789012';

describe('CredentialResolver', () => {
  let db: Db;
  let sealer: Sealer;
  let clock: Clock;
  let resolver: CredentialResolver;
  let deps: IamDeps;

  before(async () => {
    db = await openSqlite(':memory:');
    await migrate(db);
    sealer = new Sealer(randomBytes(32));
    clock = new Clock();
    resolver = new CredentialResolver(db, sealer, clock);
    deps = { db, sealer, clock, changes: new IamChanges() };
    await db.insertInto('accounts').values({ id: ACCOUNT, name: 't', canonical_user_id: 'c'.repeat(64), created_at: new Date().toISOString() }).execute();
    await db.insertInto('access_keys').values({
      access_key_id: 'AKIAUSERUSERUSERUSER', account_id: ACCOUNT, principal_arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      principal_type: 'IAMUser', principal_id: 'AIDAALICEALICEALICE12', user_name: 'alice', status: 'Active',
      secret_sealed: sealer.seal(secretAad('AKIAUSERUSERUSERUSER'), Buffer.from('s3cr3t')), created_at: new Date().toISOString(),
      last_used_at: null, last_used_service: null, last_used_region: null,
    }).execute();
  });
  after(() => db.destroy());

  const failure = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      if (err instanceof SessionTokenError) return err.failure;
      throw err;
    }
    return 'resolved';
  };

  it('resolves an IAM user key to the user, and refuses a session token with it', async () => {
    const c = await resolver.resolve('AKIAUSERUSERUSERUSER');
    assert.equal(c?.secretAccessKey, 's3cr3t');
    assert.deepEqual(c?.principal, {
      type: 'IAMUser', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, principalId: 'AIDAALICEALICEALICE12',
      accessKeyId: 'AKIAUSERUSERUSERUSER', userName: 'alice',
    });
    assert.equal(await failure(resolver.resolve('AKIAUSERUSERUSERUSER', 'token')), 'invalid');
    assert.equal(await resolver.resolve('AKIANOSUCHKEYNOSUCHK'), undefined);
  });

  it('checks the session token of temporary credentials on every call, then their expiry on service time', async () => {
    const tokens = new SessionTokens(db, sealer);
    const creds = await mintSession(deps, tokens, {
      accountId: ACCOUNT, principalType: 'AssumedRole', principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/r/s`, principalId: 'AROAROLEROLEROLEROLE1:s',
      issuerArn: `arn:aws:iam::${ACCOUNT}:role/path/r`, roleId: 'AROAROLEROLEROLEROLE1', sessionName: 's', sourceIdentity: 'me',
      mfaAuthenticated: false, durationSeconds: 900,
    });
    const c = await resolver.resolve(creds.AccessKeyId, creds.SessionToken);
    assert.equal(c?.secretAccessKey, creds.SecretAccessKey);
    assert.equal(c?.principal.arn, `arn:aws:sts::${ACCOUNT}:assumed-role/r/s`);
    assert.equal(c?.principal.sessionIssuerArn, `arn:aws:iam::${ACCOUNT}:role/path/r`);
    assert.equal(c?.principal.sourceIdentity, 'me');
    assert.equal(await failure(resolver.resolve(creds.AccessKeyId)), 'invalid');
    assert.equal(await failure(resolver.resolve(creds.AccessKeyId, creds.SessionToken + 'x')), 'invalid');
    clock.advance(899_000);
    assert.equal(await failure(resolver.resolve(creds.AccessKeyId, creds.SessionToken)), 'resolved');
    clock.advance(1_000);
    assert.equal(await failure(resolver.resolve(creds.AccessKeyId, creds.SessionToken)), 'expired');
    // Neither the token nor the secret is stored as such.
    const row = await db.selectFrom('sts_sessions').selectAll().where('access_key_id', '=', creds.AccessKeyId).executeTakeFirstOrThrow();
    assert.notEqual(row.token_hmac, creds.SessionToken);
    assert.ok(!Buffer.from(row.secret_sealed).toString('latin1').includes(creds.SecretAccessKey));
    assert.match(row.token_hmac, /^[0-9a-f]{64}$/);
  });

  it('records the first use of a long-term key in each 15-minute span', async () => {
    const read = () => db.selectFrom('access_keys').select(['last_used_at', 'last_used_service', 'last_used_region'])
      .where('access_key_id', '=', 'AKIAUSERUSERUSERUSER').executeTakeFirstOrThrow();
    const t0 = new Date('2030-01-01T00:00:00.000Z');
    await resolver.recordUse('AKIAUSERUSERUSERUSER', 'iam', 'us-east-1', t0);
    await resolver.recordUse('AKIAUSERUSERUSERUSER', 's3', 'eu-west-1', new Date(t0.getTime() + 60_000));
    assert.deepEqual(await read(), { last_used_at: t0.toISOString(), last_used_service: 'iam', last_used_region: 'us-east-1' });
    const t1 = new Date(t0.getTime() + 16 * 60_000);
    await resolver.recordUse('AKIAUSERUSERUSERUSER', 's3', 'eu-west-1', t1);
    assert.deepEqual(await read(), { last_used_at: t1.toISOString(), last_used_service: 's3', last_used_region: 'eu-west-1' });
  });

  it("answers token failures in each protocol's words", () => {
    const shape = (e: { code: string; status?: number; message: string }) => [e.code, e.status, e.message];
    assert.deepEqual(shape(sessionTokenError('expired', 'query')), ['ExpiredToken', 403, 'The security token included in the request is expired']);
    assert.deepEqual(shape(sessionTokenError('expired', 'json')), ['ExpiredTokenException', 400, 'The security token included in the request is expired']);
    assert.deepEqual(shape(sessionTokenError('expired', 'rest-xml')), ['ExpiredToken', 400, 'The provided token has expired.']);
    assert.deepEqual(shape(sessionTokenError('invalid', 'query')), ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.']);
    assert.deepEqual(shape(sessionTokenError('invalid', 'json')), ['UnrecognizedClientException', 400, 'The security token included in the request is invalid.']);
    assert.deepEqual(shape(sessionTokenError('invalid', 'rest-xml')), ['InvalidToken', 400, 'The provided token is malformed or otherwise invalid.']);
  });

  it('reuses a looked-up key row until an IAM write of this process, or its time-to-live, says otherwise', async () => {
    const changes = new IamChanges();
    const cached = new CredentialResolver(db, sealer, clock, { generation: () => changes.total, ttlMs: 60_000 });
    assert.equal((await cached.resolve('AKIAUSERUSERUSERUSER'))!.active, true);
    // Another process deactivates the key: this node sees it within the time-to-live, not before.
    await db.updateTable('access_keys').set({ status: 'Inactive' }).where('access_key_id', '=', 'AKIAUSERUSERUSERUSER').execute();
    try {
      assert.equal((await cached.resolve('AKIAUSERUSERUSERUSER'))!.active, true);
      // Any IAM write made here (UpdateAccessKey bumps the generation) is seen by the next request.
      changes.bump(ACCOUNT);
      assert.equal((await cached.resolve('AKIAUSERUSERUSERUSER'))!.active, false);
      const expiring = new CredentialResolver(db, sealer, clock, { generation: () => 0, ttlMs: 0 });
      assert.equal((await expiring.resolve('AKIAUSERUSERUSERUSER'))!.active, false);
    } finally {
      await db.updateTable('access_keys').set({ status: 'Active' }).where('access_key_id', '=', 'AKIAUSERUSERUSERUSER').execute();
    }
    // Unknown keys are never kept: a key created later (here by another process) is found at once.
    assert.equal(await cached.resolve('AKIANOTYETNOTYETNOTY'), undefined);
    await db.insertInto('access_keys').values({
      access_key_id: 'AKIANOTYETNOTYETNOTY', account_id: ACCOUNT, principal_arn: `arn:aws:iam::${ACCOUNT}:root`,
      principal_type: 'Root', principal_id: null, user_name: null, status: 'Active',
      secret_sealed: sealer.seal(secretAad('AKIANOTYETNOTYETNOTY'), Buffer.from('later')), created_at: new Date().toISOString(),
      last_used_at: null, last_used_service: null, last_used_region: null,
    }).execute();
    assert.equal((await cached.resolve('AKIANOTYETNOTYETNOTY'))!.secretAccessKey, 'later');
  });
});
