import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, type EvaluationRequest } from './evaluate.js';
import { A, B, BUCKET, KEY, OBJ, alice, allow, bucketPolicy, carol, defaultKeyPolicy, deny, keyPolicy, pol, session } from './decision-table/fixtures.js';

/**
 * The end of AWS's access-denied sentence names the policy type that decided the denial:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html#access_denied_error_examples
 */
const reasonOf = (req: Partial<EvaluationRequest> & Pick<EvaluationRequest, 'principal' | 'action' | 'resource'>) =>
  evaluate({ context: {}, identity: [], ...req }).reason;

describe('denial reasons, in the words of AWS access-denied messages', () => {
  it('an allowed request has none', () => {
    assert.equal(reasonOf({ principal: alice, action: 's3:GetObject', resource: OBJ, identity: [pol(allow('s3:GetObject'))] }), undefined);
  });

  it('implicit: no identity-based policy allows', () => {
    assert.equal(reasonOf({ principal: alice, action: 's3:GetObject', resource: OBJ, resourcePolicy: bucketPolicy(A) }),
      'because no identity-based policy allows the s3:GetObject action');
    // A key policy delegating to the account leaves the decision to IAM.
    assert.equal(reasonOf({ principal: alice, action: 'kms:Decrypt', resource: KEY, resourcePolicy: defaultKeyPolicy(A) }),
      'because no identity-based policy allows the kms:Decrypt action');
  });

  it('implicit: no resource-based policy allows (a key policy that does not delegate, another account)', () => {
    const lockedKey = keyPolicy(A, { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:user/bob` }, Action: 'kms:*', Resource: '*' });
    assert.equal(reasonOf({ principal: alice, action: 'kms:Decrypt', resource: KEY, identity: [pol(allow('kms:*'))], resourcePolicy: lockedKey }),
      'because no resource-based policy allows the kms:Decrypt action');
    assert.equal(reasonOf({ principal: carol, action: 's3:GetObject', resource: OBJ, identity: [pol(allow('s3:GetObject'))], resourcePolicy: bucketPolicy(A) }),
      'because no resource-based policy allows the s3:GetObject action');
    // The other account's resource side allows; the caller's own side does not.
    const shared = bucketPolicy(A, { Effect: 'Allow', Principal: { AWS: B }, Action: 's3:GetObject', Resource: `${BUCKET}/*` });
    assert.equal(reasonOf({ principal: carol, action: 's3:GetObject', resource: OBJ, resourcePolicy: shared }),
      'because no identity-based policy allows the s3:GetObject action');
  });

  it('implicit: no permissions boundary / session policy allows', () => {
    const identity = [pol(allow('s3:*'))];
    assert.equal(reasonOf({ principal: alice, action: 's3:GetObject', resource: OBJ, identity, boundary: pol(allow('s3:ListBucket')) }),
      'because no permissions boundary allows the s3:GetObject action');
    assert.equal(reasonOf({ principal: session, action: 's3:GetObject', resource: OBJ, identity, session: [pol(allow('s3:ListBucket'))] }),
      'because no session policy allows the s3:GetObject action');
  });

  it('explicit: the policy type holding the Deny', () => {
    assert.equal(reasonOf({ principal: alice, action: 's3:GetObject', resource: OBJ, identity: [pol(allow('s3:*'), deny('s3:GetObject'))] }),
      'with an explicit deny in an identity-based policy');
    const denyAlice = bucketPolicy(A, { Effect: 'Deny', Principal: { AWS: alice.arn }, Action: 's3:GetObject', Resource: `${BUCKET}/*` });
    assert.equal(reasonOf({ principal: alice, action: 's3:GetObject', resource: OBJ, identity: [pol(allow('s3:*'))], resourcePolicy: denyAlice }),
      'with an explicit deny in a resource-based policy');
    assert.equal(reasonOf({ principal: alice, action: 's3:GetObject', resource: OBJ, identity: [pol(allow('s3:*'))], boundary: pol(allow('*'), deny('s3:GetObject')) }),
      'with an explicit deny in a permissions boundary');
  });
});
