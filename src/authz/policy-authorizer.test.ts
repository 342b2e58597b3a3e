import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Principal, RequestContext } from '../server/context.js';
import { buildContextKeys, principalContextKeys, requestContextKeys } from './context-keys.js';
import { A, B, KEY, alice, allow, bucketPolicy, carol, defaultKeyPolicy, deny, fed, keyPolicy, pol, rootA, session } from './decision-table/fixtures.js';
import type { PrincipalPolicies, PrincipalPolicySource } from './principal-policies.js';
import { PolicyAuthorizer } from './policy-authorizer.js';
import type { ActionSpec, GrantView, ResourcePolicy } from './types.js';

/** A PrincipalPolicySource that serves fixed policies and counts its calls. */
class FakeSource implements PrincipalPolicySource {
  calls: Principal[] = [];
  constructor(private readonly byArn: Record<string, Partial<PrincipalPolicies>> = {}) {}
  async policiesFor(p: Principal): Promise<PrincipalPolicies> {
    this.calls.push(p);
    return { identity: [], tags: {}, ...this.byArn[p.arn] };
  }
}

function ctx(principal: Principal | null, extra: Partial<RequestContext> = {}): RequestContext {
  return {
    requestId: 'r1', service: 's3', operation: 'GetObject', region: 'us-east-1', accountId: principal?.accountId ?? '',
    principal, sourceIp: '::ffff:203.0.113.9', userAgent: 'test', receivedAt: new Date('2024-03-01T10:00:00Z'), secureTransport: true, ...extra,
  };
}

function spec(action: string, resources: string[], more: Partial<ActionSpec> = {}): ActionSpec {
  return { action, resources: () => resources, ...more };
}

const OBJ = 'arn:aws:s3:::bucket/key';
const withPolicy = (rp: ResourcePolicy | undefined): Partial<ActionSpec> => ({ resourcePolicy: async () => rp });

describe('PolicyAuthorizer', () => {
  it('noPermissionRequired: allows any signed caller, refuses anonymous', async () => {
    const authz = new PolicyAuthorizer(new FakeSource());
    const s = spec('sts:GetCallerIdentity', ['*'], { noPermissionRequired: true });
    assert.equal(await authz.authorize(ctx(alice), s, {}), 'allow');
    assert.equal(await authz.authorize(ctx(null), s, {}), 'deny');
  });

  it('root: allowed in its own account without asking IAM', async () => {
    const source = new FakeSource();
    const authz = new PolicyAuthorizer(source);
    assert.equal(await authz.authorize(ctx(rootA), spec('s3:GetObject', [OBJ], withPolicy(bucketPolicy(A))), {}), 'allow');
    assert.equal(source.calls.length, 0);
  });

  it('root: refused by a key policy that does not delegate to the account', async () => {
    const authz = new PolicyAuthorizer(new FakeSource());
    const s = spec('kms:Decrypt', [KEY], withPolicy(keyPolicy(A, allow('kms:*', '*', { Principal: { AWS: alice.arn } }))));
    assert.equal(await authz.authorize(ctx(rootA, { service: 'kms' }), s, {}), 'deny');
  });

  it('IAM user: identity policies come from the source', async () => {
    const source = new FakeSource({ [alice.arn]: { identity: [pol(allow('s3:GetObject', OBJ))] } });
    const authz = new PolicyAuthorizer(source);
    assert.equal(await authz.authorize(ctx(alice), spec('s3:GetObject', [OBJ]), {}), 'allow');
    assert.equal(await authz.authorize(ctx(alice), spec('s3:PutObject', [OBJ]), {}), 'deny');
    assert.deepEqual(source.calls.map((p) => p.arn), [alice.arn, alice.arn]);
  });

  it('every resource of the operation must be allowed', async () => {
    const source = new FakeSource({ [alice.arn]: { identity: [pol(allow('s3:GetObject', OBJ))] } });
    const authz = new PolicyAuthorizer(source);
    assert.equal(await authz.authorize(ctx(alice), spec('s3:GetObject', [OBJ, 'arn:aws:s3:::bucket/other']), {}), 'deny');
  });

  it('an operation that names no resource is evaluated against "*"', async () => {
    const authz = new PolicyAuthorizer(new FakeSource({ [alice.arn]: { identity: [pol(allow('s3:GetObject', OBJ))] } }));
    assert.equal(await authz.authorize(ctx(alice), spec('s3:GetObject', []), {}), 'deny');
  });

  it('anonymous: only a public resource policy allows', async () => {
    const source = new FakeSource();
    const authz = new PolicyAuthorizer(source);
    const open = bucketPolicy(A, allow('s3:GetObject', 'arn:aws:s3:::bucket/*', { Principal: '*' }));
    assert.equal(await authz.authorize(ctx(null), spec('s3:GetObject', [OBJ], withPolicy(open)), {}), 'allow');
    assert.equal(await authz.authorize(ctx(null), spec('s3:PutObject', [OBJ], withPolicy(open)), {}), 'deny');
    assert.equal(source.calls.length, 0);
  });

  it('aws:SecureTransport comes from the request: a deny on plain HTTP', async () => {
    const rp = bucketPolicy(A, allow('s3:*', 'arn:aws:s3:::bucket/*', { Principal: '*' }), deny('s3:*', 'arn:aws:s3:::bucket/*', { Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    const authz = new PolicyAuthorizer(new FakeSource());
    assert.equal(await authz.authorize(ctx(alice, { secureTransport: true }), spec('s3:GetObject', [OBJ], withPolicy(rp)), {}), 'allow');
    assert.equal(await authz.authorize(ctx(alice, { secureTransport: false }), spec('s3:GetObject', [OBJ], withPolicy(rp)), {}), 'deny');
  });

  it('aws:PrincipalTag from the source and operation keys from the ActionSpec', async () => {
    const source = new FakeSource({ [alice.arn]: { identity: [pol(allow('s3:ListBucket', '*', { Condition: { StringEquals: { 's3:prefix': '${aws:PrincipalTag/team}/' } } }))], tags: { team: 'red' } } });
    const authz = new PolicyAuthorizer(source);
    const list = (prefix: string) => spec('s3:ListBucket', ['arn:aws:s3:::bucket'], { conditions: () => ({ 's3:prefix': prefix }) });
    assert.equal(await authz.authorize(ctx(alice), list('red/'), {}), 'allow');
    assert.equal(await authz.authorize(ctx(alice), list('blue/'), {}), 'deny');
  });

  it('grants from the ActionSpec, with their encryption context constraint', async () => {
    const g: GrantView = { grantId: 'g1', granteePrincipal: session.sessionIssuerArn!, operations: ['Decrypt'], constraints: { EncryptionContextEquals: { purpose: 'seed' } } };
    const authz = new PolicyAuthorizer(new FakeSource());
    const decrypt = (ec: Record<string, string>) => spec('kms:Decrypt', [KEY], {
      ...withPolicy(defaultKeyPolicy(A)),
      grants: async () => [g],
      conditions: () => Object.fromEntries(Object.entries(ec).map(([k, v]) => [`kms:EncryptionContext:${k}`, v])),
    });
    assert.equal(await authz.authorize(ctx(session, { service: 'kms' }), decrypt({ purpose: 'seed' }), {}), 'allow');
    assert.equal(await authz.authorize(ctx(session, { service: 'kms' }), decrypt({ purpose: 'other' }), {}), 'deny');
  });

  it('cross-account: both the key policy and the caller\'s IAM policy must allow', async () => {
    const keyB = `arn:aws:kms:us-east-1:${A}:key/shared`;
    const shared = keyPolicy(A, allow('kms:*', '*', { Principal: { AWS: A } }), allow('kms:Decrypt', '*', { Principal: { AWS: B } }));
    const withIam = new PolicyAuthorizer(new FakeSource({ [carol.arn]: { identity: [pol(allow('kms:Decrypt', keyB))] } }));
    const withoutIam = new PolicyAuthorizer(new FakeSource());
    const s = spec('kms:Decrypt', [keyB], withPolicy(shared));
    assert.equal(await withIam.authorize(ctx(carol, { service: 'kms' }), s, {}), 'allow');
    assert.equal(await withoutIam.authorize(ctx(carol, { service: 'kms' }), s, {}), 'deny');
  });

  it('session policies and boundaries from the source limit a role session', async () => {
    const source = new FakeSource({ [session.arn]: { identity: [pol(allow('s3:*'))], session: [pol(allow('s3:GetObject'))] } });
    const authz = new PolicyAuthorizer(source);
    assert.equal(await authz.authorize(ctx(session), spec('s3:GetObject', [OBJ]), {}), 'allow');
    assert.equal(await authz.authorize(ctx(session), spec('s3:PutObject', [OBJ]), {}), 'deny');
  });
});

describe('context keys', () => {
  it('request keys', () => {
    const keys = requestContextKeys(ctx(alice, { secureTransport: false }));
    assert.equal(keys['aws:SecureTransport'], 'false');
    assert.equal(keys['aws:SourceIp'], '203.0.113.9');
    assert.equal(keys['aws:CurrentTime'], '2024-03-01T10:00:00.000Z');
    assert.equal(keys['aws:EpochTime'], '1709287200');
    assert.equal(keys['aws:RequestedRegion'], 'us-east-1');
    assert.equal(keys['aws:ViaAWSService'], 'false');
    assert.equal(keys['aws:CalledVia'], undefined);
  });

  it('a call made by S3 on the caller\'s behalf: aws:CalledVia and kms:ViaService', () => {
    const keys = requestContextKeys(ctx(alice, { service: 'kms', calledVia: ['s3.amazonaws.com'] }));
    assert.equal(keys['aws:ViaAWSService'], 'true');
    assert.deepEqual(keys['aws:CalledVia'], ['s3.amazonaws.com']);
    assert.equal(keys['aws:CalledViaFirst'], 's3.amazonaws.com');
    assert.equal(keys['kms:ViaService'], 's3.us-east-1.amazonaws.com');
    assert.equal(keys['kms:CallerAccount'], A);
  });

  it('IAM user keys (username present, MFA key absent for long-term keys)', () => {
    const keys = principalContextKeys(alice, { identity: [], tags: { team: 'red' } });
    assert.equal(keys['aws:PrincipalArn'], alice.arn);
    assert.equal(keys['aws:PrincipalType'], 'User');
    assert.equal(keys['aws:PrincipalAccount'], A);
    assert.equal(keys['aws:userid'], alice.principalId);
    assert.equal(keys['aws:username'], 'alice');
    assert.equal(keys['aws:PrincipalTag/team'], 'red');
    assert.equal(keys['aws:MultiFactorAuthPresent'], undefined);
  });

  it('role session keys: aws:PrincipalArn is the role, no aws:username', () => {
    const keys = principalContextKeys(session, { identity: [], tags: {}, mfaAuthenticated: false, tokenIssuedAt: new Date('2024-03-01T09:00:00Z') });
    assert.equal(keys['aws:PrincipalArn'], session.sessionIssuerArn);
    assert.equal(keys['aws:PrincipalType'], 'AssumedRole');
    assert.equal(keys['aws:userid'], 'AROAREADEREXAMPLE001:s1');
    assert.equal(keys['aws:username'], undefined);
    assert.equal(keys['aws:MultiFactorAuthPresent'], 'false');
    assert.equal(keys['aws:TokenIssueTime'], '2024-03-01T09:00:00.000Z');
  });

  it('role ARN derived from the session ARN when the issuer is unknown', () => {
    const bare: Principal = { type: 'AssumedRole', accountId: A, arn: `arn:aws:sts::${A}:assumed-role/r/s`, principalId: 'AROAX:s' };
    assert.equal(principalContextKeys(bare)['aws:PrincipalArn'], `arn:aws:iam::${A}:role/r`);
  });

  it('root and federated users', () => {
    assert.equal(principalContextKeys(rootA)['aws:PrincipalType'], 'Account');
    assert.equal(principalContextKeys(rootA)['aws:userid'], A);
    assert.equal(principalContextKeys(fed)['aws:PrincipalType'], 'FederatedUser');
    assert.equal(principalContextKeys(fed)['aws:userid'], `${A}:fred`);
    assert.deepEqual(principalContextKeys(null), {});
  });

  it('operation keys win over request keys', () => {
    const keys = buildContextKeys(ctx(alice), undefined, { 's3:prefix': 'x/', 'aws:ResourceTag/env': 'prod' });
    assert.equal(keys['s3:prefix'], 'x/');
    assert.equal(keys['aws:ResourceTag/env'], 'prod');
    assert.equal(keys['aws:PrincipalArn'], alice.arn);
  });
});
