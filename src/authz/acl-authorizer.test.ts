import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Principal, RequestContext } from '../server/context.js';
import { A, allow, alice, bucketPolicy, deny, pol, rootA } from './decision-table/fixtures.js';
import type { PrincipalPolicySource } from './principal-policies.js';
import { PolicyAuthorizer } from './policy-authorizer.js';
import type { AclGrantee, ActionSpec } from './types.js';

/**
 * The PolicyAuthorizer's use of a spec's `actionFor` (the action the request needs) and `acl`
 * (ACL grantees, consulted only when the policies alone leave the call implicitly denied).
 */
const OBJ = 'arn:aws:s3:::bucket/key';
const source = (identity: string[]): PrincipalPolicySource => ({ policiesFor: async () => ({ identity, tags: {} }) });

function ctx(principal: Principal | null): RequestContext {
  return {
    requestId: 'r1', service: 's3', operation: 'GetObject', region: 'us-east-1', accountId: principal?.accountId ?? '',
    principal, sourceIp: '203.0.113.9', userAgent: 'test', receivedAt: new Date('2024-03-01T10:00:00Z'), secureTransport: true,
  };
}

/** A GetObject spec whose ACL look-ups are counted; `versioned` makes actionFor name s3:GetObjectVersion. */
function objectSpec(grantees: AclGrantee[], resources = [OBJ], versioned = false, policy = bucketPolicy(A)) {
  const asked: string[] = [];
  const spec: ActionSpec = {
    action: 's3:GetObject',
    actionFor: () => (versioned ? 's3:GetObjectVersion' : 's3:GetObject'),
    resources: () => resources,
    resourcePolicy: async () => policy,
    acl: async (_ctx, _input, action) => {
      asked.push(action);
      return grantees;
    },
  };
  return { spec, asked };
}

describe('PolicyAuthorizer: actionFor and ACLs', () => {
  it('authorizes the action actionFor names: s3:GetObject does not allow s3:GetObjectVersion', async () => {
    const authz = new PolicyAuthorizer(source([pol(allow('s3:GetObject', OBJ))]));
    assert.equal(await authz.authorize(ctx(alice), objectSpec([]).spec, {}), 'allow');
    assert.equal(await authz.authorize(ctx(alice), objectSpec([], [OBJ], true).spec, {}), 'deny');
    const both = new PolicyAuthorizer(source([pol(allow(['s3:GetObject', 's3:GetObjectVersion'], OBJ))]));
    assert.equal(await both.authorize(ctx(alice), objectSpec([], [OBJ], true).spec, {}), 'allow');
  });

  it('does not look at the ACL when the policies allow', async () => {
    const authz = new PolicyAuthorizer(source([]));
    const { spec, asked } = objectSpec([{ kind: 'AllUsers' }]);
    assert.equal(await authz.authorize(ctx(rootA), spec, {}), 'allow');
    assert.deepEqual(asked, []);
  });

  it('an AllUsers grant allows an anonymous caller; asked once, with the action the request needs', async () => {
    const authz = new PolicyAuthorizer(source([]));
    const { spec, asked } = objectSpec([{ kind: 'AllUsers' }], [OBJ, `${OBJ}2`], true);
    assert.equal(await authz.authorize(ctx(null), spec, {}), 'allow');
    assert.deepEqual(asked, ['s3:GetObjectVersion']);
    assert.equal(await authz.authorize(ctx(null), objectSpec([]).spec, {}), 'deny');
  });

  it('an explicit Deny in the bucket policy wins over an ACL grant', async () => {
    const authz = new PolicyAuthorizer(source([]));
    const { spec } = objectSpec([{ kind: 'AllUsers' }], [OBJ], false, bucketPolicy(A, deny('s3:GetObject', OBJ, { Principal: '*' })));
    assert.equal(await authz.authorize(ctx(null), spec, {}), 'deny');
  });
});
