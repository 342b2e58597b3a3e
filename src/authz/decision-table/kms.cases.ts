import type { GrantView } from '../types.js';
import { A, B, DOC, KEY, KEY_B, ROLE, alice, allow, bob, c, carol, defaultKeyPolicy, deny, keyPolicy, pol, rootA, rootB, session, sessionB, type Case } from './fixtures.js';

/** KMS key policies (required, IAM only where delegated) and grants (allow only, with constraints). */

const ALLOW_KMS = pol(allow('kms:*', '*'));
const ALLOW_DECRYPT_KEY = pol(allow('kms:Decrypt', KEY));
const principal = (arn: string | string[]) => ({ Principal: { AWS: arn } });
const decrypt = { action: 'kms:Decrypt', resource: KEY };

function grant(grantee: string, operations: string[], extra: Partial<GrantView> = {}): GrantView {
  return { grantId: `grant-${operations.join('-')}`, granteePrincipal: grantee, operations, ...extra };
}

const TRAIL = `arn:aws:cloudtrail:us-east-1:${A}:trail/audit`;
const CLOUDTRAIL = { type: 'AWSService' as const, accountId: '', arn: 'cloudtrail.amazonaws.com', principalId: 'cloudtrail.amazonaws.com' };

/** A grant to CloudTrail for one trail, as CreateGrant requires it (GranteeServicePrincipal + SourceArn). */
function serviceGrant(operations: string[], sourceArn: string, extra: Partial<GrantView> = {}): GrantView {
  return { grantId: `service-grant-${operations.join('-')}`, granteeServicePrincipal: 'cloudtrail.amazonaws.com', operations, constraints: { SourceArn: sourceArn }, retiringPrincipal: `arn:aws:iam::${A}:root`, ...extra };
}

export const kmsCases: Case[] = [
  c('default key policy: IAM policy allows', DOC.kmsDefault, 'allowed', { ...decrypt, identity: [ALLOW_DECRYPT_KEY], resourcePolicy: defaultKeyPolicy(A) }),
  c('default key policy: no IAM policy allows (Alice is denied)', DOC.kmsNoIam, 'implicitDeny', { ...decrypt, resourcePolicy: defaultKeyPolicy(A) }),
  c('key policy without the account statement: IAM admin is denied', DOC.kmsDefault, 'implicitDeny', { ...decrypt, identity: [pol(allow('*', '*'))], resourcePolicy: keyPolicy(A, allow('kms:*', '*', principal(bob.arn))) }),
  c('key policy names the user directly: no IAM policy needed', DOC.kmsOverview, 'allowed', { ...decrypt, resourcePolicy: keyPolicy(A, allow('kms:Decrypt', '*', principal(alice.arn))) }),
  c('key policy names the user for Encrypt only', DOC.kmsOverview, 'implicitDeny', { ...decrypt, resourcePolicy: keyPolicy(A, allow('kms:Encrypt', '*', principal(alice.arn))) }),
  c('key policy delegation for Encrypt only: IAM allow for Decrypt does not count', DOC.kmsDefault, 'implicitDeny', { ...decrypt, identity: [ALLOW_KMS], resourcePolicy: keyPolicy(A, allow('kms:Encrypt', '*', principal(`arn:aws:iam::${A}:root`))) }),
  c('IAM deny still applies under the default key policy', DOC.kmsDefault, 'explicitDeny', { ...decrypt, identity: [ALLOW_KMS, pol(deny('kms:Decrypt'))], resourcePolicy: defaultKeyPolicy(A) }),
  c('IAM deny applies even when the key policy names the user', DOC.kmsDefault, 'explicitDeny', { ...decrypt, identity: [pol(deny('kms:*'))], resourcePolicy: keyPolicy(A, allow('kms:*', '*', principal(alice.arn))) }),
  c('key policy deny beats the IAM allow', DOC.kmsOverview, 'explicitDeny', { ...decrypt, identity: [ALLOW_KMS], resourcePolicy: keyPolicy(A, allow('kms:*', '*', principal(A)), deny('kms:Decrypt', '*', principal(alice.arn))) }),
  c('root: default key policy allows the account root', DOC.kmsDefault, 'allowed', { ...decrypt, principal: rootA, resourcePolicy: defaultKeyPolicy(A) }),
  c('root: a key policy that does not name the account blocks even the root', DOC.kmsDefault, 'implicitDeny', { ...decrypt, principal: rootA, resourcePolicy: keyPolicy(A, allow('kms:*', '*', principal(alice.arn))) }),
  c('root: key policy deny applies', DOC.kmsOverview, 'explicitDeny', { ...decrypt, principal: rootA, resourcePolicy: keyPolicy(A, allow('kms:*', '*', principal(A)), deny('kms:Decrypt', '*', { Principal: '*' })) }),
  c('key policy with the account as bare id delegates like the root ARN', DOC.principalAccounts, 'allowed', { ...decrypt, identity: [ALLOW_DECRYPT_KEY], resourcePolicy: keyPolicy(A, allow('kms:*', '*', principal(A))) }),
  c('role session: key policy names the role, no IAM policy needed', DOC.principalRoles, 'allowed', { ...decrypt, principal: session, resourcePolicy: keyPolicy(A, allow('kms:Decrypt', '*', principal(ROLE))) }),
  c('role session: key policy names the role, session policy does not allow', DOC.session, 'implicitDeny', { ...decrypt, principal: session, session: [pol(allow('s3:*'))], resourcePolicy: keyPolicy(A, allow('kms:Decrypt', '*', principal(ROLE))) }),
  c('role session: boundary limits the default key policy delegation', DOC.boundaries, 'implicitDeny', { ...decrypt, principal: session, identity: [ALLOW_KMS], boundary: pol(allow('s3:*')), resourcePolicy: defaultKeyPolicy(A) }),

  // Cross-account keys: the key policy names the other account (or its principals), and IAM there allows.
  c('cross-account: key policy names account B, B\'s IAM policy allows', DOC.kmsCrossIam, 'allowed', { ...decrypt, principal: carol, identity: [ALLOW_DECRYPT_KEY], resourcePolicy: keyPolicy(A, allow('kms:*', '*', principal(A)), allow('kms:Decrypt', '*', principal(`arn:aws:iam::${B}:root`))) }),
  c('cross-account: key policy names account B, no IAM policy in B', DOC.kmsCrossKeyPolicy, 'implicitDeny', { ...decrypt, principal: carol, resourcePolicy: keyPolicy(A, allow('kms:Decrypt', '*', principal(B))) }),
  c('cross-account: IAM policy in B but key policy does not name B', DOC.kmsCrossKeyPolicy, 'implicitDeny', { ...decrypt, principal: carol, identity: [ALLOW_KMS], resourcePolicy: defaultKeyPolicy(A) }),
  c('cross-account: key policy names the external user, who still needs IAM permission', DOC.kmsCrossKeyPolicy, 'implicitDeny', { ...decrypt, principal: carol, resourcePolicy: keyPolicy(A, allow('kms:Decrypt', '*', principal(carol.arn))) }),
  c('cross-account: key policy names the external user and IAM allows', DOC.kmsCrossKeyPolicy, 'allowed', { ...decrypt, principal: carol, identity: [ALLOW_KMS], resourcePolicy: keyPolicy(A, allow('kms:Decrypt', '*', principal(carol.arn))) }),
  c('cross-account: assumed role in B through the key policy naming B (Bob\'s Engineering role)', DOC.kmsCrossExample, 'allowed', { ...decrypt, principal: sessionB, identity: [ALLOW_KMS], resourcePolicy: keyPolicy(A, allow('kms:*', '*', principal(A)), allow(['kms:Encrypt', 'kms:Decrypt'], '*', principal(B))) }),
  c('cross-account: key policy allows B only Encrypt', DOC.kmsCrossKeyPolicy, 'implicitDeny', { ...decrypt, principal: sessionB, identity: [ALLOW_KMS], resourcePolicy: keyPolicy(A, allow('kms:Encrypt', '*', principal(B))) }),
  c('cross-account: root of B through the key policy naming B', DOC.kmsCrossKeyPolicy, 'allowed', { ...decrypt, principal: rootB, resourcePolicy: keyPolicy(A, allow('kms:Decrypt', '*', principal(B))) }),
  c('cross-account: A\'s IAM policy does not reach B\'s key when B\'s key policy only trusts B', DOC.kmsCrossKeyPolicy, 'implicitDeny', { action: 'kms:Decrypt', resource: KEY_B, principal: alice, identity: [ALLOW_KMS], resourcePolicy: defaultKeyPolicy(B) }),
  c('key policy conditions: kms:CallerAccount must match', DOC.kmsCrossKeyPolicy, 'allowed', { ...decrypt, principal: carol, identity: [ALLOW_KMS], context: { 'kms:CallerAccount': B }, resourcePolicy: keyPolicy(A, allow('kms:Decrypt', '*', { Principal: { AWS: '*' }, Condition: { StringEquals: { 'kms:CallerAccount': B } } })) }),
  c('key policy conditions: kms:CallerAccount mismatch', DOC.kmsCrossKeyPolicy, 'implicitDeny', { ...decrypt, principal: carol, identity: [ALLOW_KMS], context: { 'kms:CallerAccount': B }, resourcePolicy: keyPolicy(A, allow('kms:Decrypt', '*', { Principal: { AWS: '*' }, Condition: { StringEquals: { 'kms:CallerAccount': A } } })) }),
  c('key policy: kms:ViaService restricts use to S3', DOC.kmsOverview, 'implicitDeny', { ...decrypt, identity: [ALLOW_KMS], context: {}, resourcePolicy: keyPolicy(A, allow('kms:Decrypt', '*', { Principal: { AWS: A }, Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } })) }),
  c('key policy: kms:ViaService via S3 allows', DOC.kmsOverview, 'allowed', { ...decrypt, identity: [ALLOW_KMS], context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' }, resourcePolicy: keyPolicy(A, allow('kms:Decrypt', '*', { Principal: { AWS: A }, Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } })) }),
  c('key policy: encryption context condition key name is case-insensitive', DOC.kmsContextKey, 'allowed', { ...decrypt, context: { 'kms:EncryptionContext:AppName': 'ExampleApp' }, resourcePolicy: keyPolicy(A, allow('kms:Decrypt', '*', { Principal: { AWS: alice.arn }, Condition: { StringEquals: { 'kms:encryptioncontext:appname': 'ExampleApp' } } })) }),
  c('key policy: encryption context value is case-sensitive with StringEquals', DOC.kmsContextKey, 'implicitDeny', { ...decrypt, context: { 'kms:EncryptionContext:AppName': 'exampleapp' }, resourcePolicy: keyPolicy(A, allow('kms:Decrypt', '*', { Principal: { AWS: alice.arn }, Condition: { StringEquals: { 'kms:EncryptionContext:AppName': 'ExampleApp' } } })) }),

  // Grants.
  c('grant allows the grantee without any policy', DOC.kmsGrants, 'allowed', { ...decrypt, resourcePolicy: keyPolicy(A, allow('kms:*', '*', principal(bob.arn))), grants: [grant(alice.arn, ['Decrypt'])] }),
  c('grant for another operation does not allow', DOC.kmsGrants, 'implicitDeny', { ...decrypt, resourcePolicy: defaultKeyPolicy(A), grants: [grant(alice.arn, ['Encrypt'])] }),
  c('grant to another principal does not allow', DOC.kmsGrantee, 'implicitDeny', { ...decrypt, resourcePolicy: defaultKeyPolicy(A), grants: [grant(bob.arn, ['Decrypt'])] }),
  c('grant cannot override an explicit deny', DOC.kmsGrants, 'explicitDeny', { ...decrypt, identity: [pol(deny('kms:Decrypt'))], resourcePolicy: defaultKeyPolicy(A), grants: [grant(alice.arn, ['Decrypt'])] }),
  c('grant to a role allows its sessions', DOC.kmsGrantee, 'allowed', { ...decrypt, principal: session, resourcePolicy: defaultKeyPolicy(A), grants: [grant(ROLE, ['Decrypt'])] }),
  c('grant to an assumed-role session ARN allows that session', DOC.kmsGrantee, 'allowed', { ...decrypt, principal: session, resourcePolicy: defaultKeyPolicy(A), grants: [grant(session.arn, ['Decrypt'])] }),
  c('grant to a principal in another account', DOC.kmsGrantee, 'allowed', { ...decrypt, principal: carol, resourcePolicy: defaultKeyPolicy(A), grants: [grant(carol.arn, ['Decrypt'])] }),
  // Grants to a service principal (GranteeServicePrincipal) with their SourceArn constraint.
  c('service grant: the service acting for the named resource is allowed', DOC.kmsGrantee, 'allowed', { action: 'kms:GenerateDataKey', resource: KEY, principal: CLOUDTRAIL, context: { 'aws:SourceArn': TRAIL }, resourcePolicy: defaultKeyPolicy(A), grants: [serviceGrant(['GenerateDataKey'], TRAIL)] }),
  c('service grant: acting for another resource is not allowed', DOC.kmsGrantee, 'implicitDeny', { action: 'kms:GenerateDataKey', resource: KEY, principal: CLOUDTRAIL, context: { 'aws:SourceArn': `${TRAIL}-other` }, resourcePolicy: defaultKeyPolicy(A), grants: [serviceGrant(['GenerateDataKey'], TRAIL)] }),
  c('service grant: without aws:SourceArn the SourceArn constraint fails', DOC.kmsGrantee, 'implicitDeny', { action: 'kms:GenerateDataKey', resource: KEY, principal: CLOUDTRAIL, resourcePolicy: defaultKeyPolicy(A), grants: [serviceGrant(['GenerateDataKey'], TRAIL)] }),
  c('service grant: another service is not the grantee', DOC.kmsGrantee, 'implicitDeny', { action: 'kms:GenerateDataKey', resource: KEY, principal: { ...CLOUDTRAIL, arn: 's3.amazonaws.com', principalId: 's3.amazonaws.com' }, context: { 'aws:SourceArn': TRAIL }, resourcePolicy: defaultKeyPolicy(A), grants: [serviceGrant(['GenerateDataKey'], TRAIL)] }),
  c('service grant: an AWS principal is not the service grantee', DOC.kmsGrantee, 'implicitDeny', { action: 'kms:GenerateDataKey', resource: KEY, context: { 'aws:SourceArn': TRAIL }, resourcePolicy: keyPolicy(A, allow('kms:*', '*', principal(bob.arn))), grants: [serviceGrant(['GenerateDataKey'], TRAIL)] }),
  c('service grant: the retiring service principal may retire it', DOC.kmsGrants, 'allowed', { action: 'kms:RetireGrant', resource: KEY, principal: CLOUDTRAIL, resourcePolicy: defaultKeyPolicy(A), grants: [serviceGrant(['GenerateDataKey'], TRAIL, { retiringServicePrincipal: 'cloudtrail.amazonaws.com' })] }),
  c('grant to a user with a SourceArn constraint: a direct call carries no aws:SourceArn', DOC.kmsConstraints, 'implicitDeny', { ...decrypt, resourcePolicy: defaultKeyPolicy(A), grants: [grant(alice.arn, ['Decrypt'], { constraints: { SourceArn: TRAIL } })] }),
  c('service principal: a key policy statement with aws:SourceArn / aws:SourceAccount allows that trail', DOC.kmsOverview, 'allowed', { action: 'kms:GenerateDataKey', resource: KEY, principal: CLOUDTRAIL, context: { 'aws:SourceArn': TRAIL, 'aws:SourceAccount': A }, resourcePolicy: keyPolicy(A, allow('kms:GenerateDataKey*', '*', { Principal: { Service: 'cloudtrail.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceArn': TRAIL, 'aws:SourceAccount': A } } })) }),
  c('service principal: the same statement refuses another account\'s resource', DOC.kmsOverview, 'implicitDeny', { action: 'kms:GenerateDataKey', resource: KEY, principal: CLOUDTRAIL, context: { 'aws:SourceArn': TRAIL, 'aws:SourceAccount': B }, resourcePolicy: keyPolicy(A, allow('kms:GenerateDataKey*', '*', { Principal: { Service: 'cloudtrail.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceArn': TRAIL, 'aws:SourceAccount': A } } })) }),
  c('EncryptionContextEquals: exact context allows', DOC.kmsConstraints, 'allowed', { ...decrypt, context: { 'kms:EncryptionContext:Department': 'IT' }, resourcePolicy: defaultKeyPolicy(A), grants: [grant(alice.arn, ['Decrypt'], { constraints: { EncryptionContextEquals: { Department: 'IT' } } })] }),
  c('EncryptionContextEquals: an extra pair does not match', DOC.kmsConstraints, 'implicitDeny', { ...decrypt, context: { 'kms:EncryptionContext:Department': 'IT', 'kms:EncryptionContext:Purpose': 'Test' }, resourcePolicy: defaultKeyPolicy(A), grants: [grant(alice.arn, ['Decrypt'], { constraints: { EncryptionContextEquals: { Department: 'IT' } } })] }),
  c('EncryptionContextEquals: value case differs', DOC.kmsConstraints, 'implicitDeny', { ...decrypt, context: { 'kms:EncryptionContext:Department': 'it' }, resourcePolicy: defaultKeyPolicy(A), grants: [grant(alice.arn, ['Decrypt'], { constraints: { EncryptionContextEquals: { Department: 'IT' } } })] }),
  c('EncryptionContextEquals: key case differs', DOC.kmsConstraints, 'implicitDeny', { ...decrypt, context: { 'kms:EncryptionContext:department': 'IT' }, resourcePolicy: defaultKeyPolicy(A), grants: [grant(alice.arn, ['Decrypt'], { constraints: { EncryptionContextEquals: { Department: 'IT' } } })] }),
  c('EncryptionContextEquals: no context in the request', DOC.kmsConstraints, 'implicitDeny', { ...decrypt, resourcePolicy: defaultKeyPolicy(A), grants: [grant(alice.arn, ['Decrypt'], { constraints: { EncryptionContextEquals: { Department: 'IT' } } })] }),
  c('EncryptionContextSubset: extra pairs allowed', DOC.kmsConstraints, 'allowed', { ...decrypt, context: { 'kms:EncryptionContext:Department': 'IT', 'kms:EncryptionContext:Purpose': 'Test' }, resourcePolicy: defaultKeyPolicy(A), grants: [grant(alice.arn, ['Decrypt'], { constraints: { EncryptionContextSubset: { Department: 'IT' } } })] }),
  c('EncryptionContextSubset: required pair missing', DOC.kmsConstraints, 'implicitDeny', { ...decrypt, context: { 'kms:EncryptionContext:Purpose': 'Test' }, resourcePolicy: defaultKeyPolicy(A), grants: [grant(alice.arn, ['Decrypt'], { constraints: { EncryptionContextSubset: { Department: 'IT' } } })] }),
  c('constraints are ignored for DescribeKey', DOC.kmsConstraints, 'allowed', { action: 'kms:DescribeKey', resource: KEY, resourcePolicy: defaultKeyPolicy(A), grants: [grant(alice.arn, ['DescribeKey'], { constraints: { EncryptionContextEquals: { Department: 'IT' } } })] }),
  c('retiring principal may retire the grant', DOC.kmsRetiring, 'allowed', { action: 'kms:RetireGrant', resource: KEY, principal: bob, resourcePolicy: defaultKeyPolicy(A), grants: [grant(alice.arn, ['Decrypt'], { retiringPrincipal: bob.arn })] }),
  c('grantee may retire only when the grant includes RetireGrant', DOC.kmsRetiring, 'implicitDeny', { action: 'kms:RetireGrant', resource: KEY, resourcePolicy: defaultKeyPolicy(A), grants: [grant(alice.arn, ['Decrypt'])] }),
  c('grant to an account root delegates to that account\'s IAM policies', DOC.kmsGrantee, 'allowed', { ...decrypt, principal: carol, identity: [ALLOW_KMS], resourcePolicy: defaultKeyPolicy(A), grants: [grant(`arn:aws:iam::${B}:root`, ['Decrypt'])] }),
  c('grant to an account root: no IAM policy, no access', DOC.kmsGrantee, 'implicitDeny', { ...decrypt, principal: carol, resourcePolicy: defaultKeyPolicy(A), grants: [grant(`arn:aws:iam::${B}:root`, ['Decrypt'])] }),
];
