import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PolicyAuthorizer } from '../../authz/policy-authorizer.js';
import type { PrincipalPolicySource } from '../../authz/principal-policies.js';
import type { ActionTable } from '../../authz/types.js';
import { Sealer } from '../../crypto/root-key.js';
import { Clock } from '../../server/clock.js';
import type { Principal, RequestContext } from '../../server/context.js';
import { migrate, openSqlite, type Db } from '../../store/database.js';
import { kmsActions } from './actions.js';
import { GrantStore } from './grant-store.js';
import type { KmsDeps } from './key-lookup.js';
import { KeyLocks } from './key-locks.js';
import { KeyMaterials } from './key-material.js';
import { KeyStore } from './key-store.js';
import { KmsProvider } from './provider.js';
import { UsageTracker } from './usage-tracker.js';

const ACCOUNT = '111122223333';
const root: Principal = { type: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT };
const user = (name: string): Principal => ({
  type: 'IAMUser', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, principalId: `AIDA${name.toUpperCase().padEnd(17, 'X')}`, userName: name,
});
const alice = user('alice');
const bob = user('bob');

function ctx(principal: Principal, operation: string, extra: Partial<RequestContext> = {}): RequestContext {
  return {
    requestId: randomBytes(8).toString('hex'), service: 'kms', operation, region: 'us-east-1', accountId: ACCOUNT, principal,
    sourceIp: '127.0.0.1', userAgent: 'test', receivedAt: new Date(), secureTransport: false, ...extra,
  };
}

/** IAM users here have no identity policies: only the key policy and grants can allow them. */
const noPolicies: PrincipalPolicySource = { policiesFor: async () => ({ identity: [], tags: {} }) };

describe('KMS action table: resources, condition keys, grants', () => {
  let dir: string;
  let db: Db;
  let kms: KmsProvider;
  let actions: ActionTable;
  const authz = new PolicyAuthorizer(noPolicies);
  /** Authorizes `op` for `who` with a fresh decoded input, as the gateway does. */
  const allowed = async (who: Principal, op: string, input: Record<string, unknown>) => authz.authorize(ctx(who, op), actions[op]!, { ...input });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-kms-actions-'));
    db = await openSqlite(join(dir, 'coffer.sqlite'));
    await migrate(db);
    await db.insertInto('accounts').values({ id: ACCOUNT, name: 't', canonical_user_id: 'b'.repeat(64), created_at: new Date().toISOString() }).execute();
    const store = new KeyStore(db);
    const sealer = new Sealer(randomBytes(32));
    const clock = new Clock();
    const deps: KmsDeps = {
      store, materials: new KeyMaterials(store, sealer), clock, usage: new UsageTracker(store, () => clock.now()),
      locks: new KeyLocks(), sealer, grants: new GrantStore(db, store.changes),
    };
    kms = new KmsProvider(deps);
    actions = kmsActions(deps);
  });
  after(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('resources: aliases resolve to their key ARN, ciphertexts name their key', async () => {
    const key = (await kms.createKey(ctx(root, 'CreateKey'), { Tags: [{ TagKey: 'team', TagValue: 'blue' }] })).KeyMetadata!;
    await kms.createAlias(ctx(root, 'CreateAlias'), { AliasName: 'alias/app', TargetKeyId: key.KeyId! });
    const c = ctx(root, 'Encrypt');
    assert.deepEqual(await actions.Encrypt!.resources(c, { KeyId: 'alias/app' }), [key.Arn]);
    assert.deepEqual(await actions.Encrypt!.resources(c, { KeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/app` }), [key.Arn]);
    assert.deepEqual(await actions.Encrypt!.resources(c, { KeyId: key.KeyId }), [key.Arn]);
    assert.deepEqual(await actions.Encrypt!.resources(c, { KeyId: 'alias/none' }), [`arn:aws:kms:us-east-1:${ACCOUNT}:alias/none`]);
    assert.deepEqual(await actions.Encrypt!.resources(c, { KeyId: 'not a key' }), ['*']);
    const blob = (await kms.encrypt(c, { KeyId: 'alias/app', Plaintext: Buffer.from('x') })).CiphertextBlob!;
    assert.deepEqual(await actions.Decrypt!.resources(ctx(root, 'Decrypt'), { CiphertextBlob: blob }), [key.Arn]);
    assert.deepEqual(await actions.DeleteAlias!.resources(ctx(root, 'DeleteAlias'), { AliasName: 'alias/app' }),
      [key.Arn, `arn:aws:kms:us-east-1:${ACCOUNT}:alias/app`]);
    assert.deepEqual(await actions.ListKeys!.resources(ctx(root, 'ListKeys'), {}), ['*']);
  });

  it('condition keys: the request\'s and the key\'s', async () => {
    const c = ctx(alice, 'Encrypt', { calledVia: ['s3.amazonaws.com'] });
    const keys = await actions.Encrypt!.conditions!(c, { KeyId: 'alias/app', EncryptionContext: { Dept: 'Finance' }, Plaintext: Buffer.from('x') });
    assert.equal(keys['kms:EncryptionContext:Dept'], 'Finance');
    assert.deepEqual(keys['kms:EncryptionContextKeys'], ['Dept']);
    assert.equal(keys['kms:RequestAlias'], 'alias/app');
    assert.deepEqual([keys['kms:KeySpec'], keys['kms:KeyUsage'], keys['kms:KeyOrigin'], keys['kms:MultiRegion']], ['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', 'AWS_KMS', 'false']);
    assert.deepEqual(keys['kms:ResourceAliases'], ['alias/app']);
    assert.equal(keys['aws:ResourceTag/team'], 'blue');
    assert.equal(keys['kms:CallerAccount'], ACCOUNT);
    const grant = await actions.CreateGrant!.conditions!(c, {
      KeyId: 'alias/app', GranteePrincipal: bob.arn, RetiringPrincipal: alice.arn, Operations: ['Decrypt', 'RetireGrant'],
      Constraints: { EncryptionContextEquals: { Case: 'Kept' } },
    });
    assert.deepEqual(grant['kms:GrantOperations'], ['Decrypt', 'RetireGrant']);
    assert.deepEqual([grant['kms:GranteePrincipal'], grant['kms:RetiringPrincipal'], grant['kms:GrantIsForAWSResource']], [bob.arn, alice.arn, 'true']);
    assert.deepEqual(grant['kms:GrantConstraintType'], ['EncryptionContextEquals']);
    assert.equal(grant['kms:EncryptionContext:Case'], 'Kept');
    const create = await actions.CreateKey!.conditions!(c, { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', Tags: [{ TagKey: 'a', TagValue: 'b' }] });
    assert.deepEqual([create['kms:KeySpec'], create['aws:RequestTag/a'], create['aws:TagKeys']], ['RSA_2048', 'b', ['a']]);
    const dataKey = await actions.GenerateDataKey!.conditions!(c, { KeyId: 'alias/app', KeySpec: 'AES_128' });
    assert.equal(dataKey['kms:KeySpec'], 'SYMMETRIC_DEFAULT', 'a data key spec is not the KMS key spec');
  });

  it('grants allow their grantee their operations, under their constraints; nothing else', async () => {
    const key = (await kms.createKey(ctx(root, 'CreateKey'), {})).KeyMetadata!;
    const encrypt = { KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionContext: { dept: 'finance', extra: '1' } };
    assert.equal(await allowed(alice, 'Encrypt', encrypt), 'deny');
    await kms.createGrant(ctx(root, 'CreateGrant'), {
      KeyId: key.KeyId!, GranteePrincipal: alice.arn, Operations: ['Encrypt', 'DescribeKey'], Constraints: { EncryptionContextSubset: { dept: 'finance' } },
    });
    assert.equal(await allowed(alice, 'Encrypt', encrypt), 'allow');
    assert.equal(await allowed(alice, 'Encrypt', { ...encrypt, EncryptionContext: { dept: 'sales' } }), 'deny');
    assert.equal(await allowed(alice, 'Encrypt', { ...encrypt, EncryptionContext: undefined }), 'deny');
    assert.equal(await allowed(alice, 'DescribeKey', { KeyId: key.KeyId }), 'allow', 'constraints do not apply to DescribeKey');
    assert.equal(await allowed(alice, 'GenerateDataKey', { KeyId: key.KeyId, EncryptionContext: { dept: 'finance' } }), 'deny');
    assert.equal(await allowed(bob, 'Encrypt', encrypt), 'deny');
  });

  it('ReEncrypt needs ReEncryptFrom on the source key and ReEncryptTo on the destination', async () => {
    const source = (await kms.createKey(ctx(root, 'CreateKey'), {})).KeyMetadata!;
    const destination = (await kms.createKey(ctx(root, 'CreateKey'), {})).KeyMetadata!;
    const blob = (await kms.encrypt(ctx(root, 'Encrypt'), { KeyId: source.KeyId!, Plaintext: Buffer.from('x') })).CiphertextBlob!;
    const input = { CiphertextBlob: blob, DestinationKeyId: destination.KeyId };
    await kms.createGrant(ctx(root, 'CreateGrant'), { KeyId: source.KeyId!, GranteePrincipal: alice.arn, Operations: ['ReEncryptFrom'] });
    assert.equal(await allowed(alice, 'ReEncrypt', input), 'deny');
    await kms.createGrant(ctx(root, 'CreateGrant'), { KeyId: destination.KeyId!, GranteePrincipal: alice.arn, Operations: ['ReEncryptTo'] });
    assert.equal(await allowed(alice, 'ReEncrypt', input), 'allow');
    assert.equal(await allowed(bob, 'ReEncrypt', input), 'deny');
  });

  it('RetireGrant: the retiring principal may, by grant token or by key and grant id; others may not', async () => {
    const key = (await kms.createKey(ctx(root, 'CreateKey'), {})).KeyMetadata!;
    const grant = await kms.createGrant(ctx(root, 'CreateGrant'), { KeyId: key.KeyId!, GranteePrincipal: alice.arn, RetiringPrincipal: bob.arn, Operations: ['Decrypt'] });
    assert.deepEqual(await actions.RetireGrant!.resources(ctx(bob, 'RetireGrant'), { GrantToken: grant.GrantToken }), [key.Arn]);
    assert.equal(await allowed(bob, 'RetireGrant', { GrantToken: grant.GrantToken }), 'allow');
    assert.equal(await allowed(bob, 'RetireGrant', { KeyId: key.Arn, GrantId: grant.GrantId }), 'allow');
    assert.equal(await allowed(alice, 'RetireGrant', { GrantToken: grant.GrantToken }), 'deny');
  });
});
