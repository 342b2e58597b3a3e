import { A, B, BUCKET, DOC, OBJ, ROLE, alice, allow, bob, bucketPolicy, c, carol, deny, fed, pol, rootA, rootB, session, sessionB, type Case } from './fixtures.js';

/** Evaluation logic: identity, resource, boundary and session policies, within and across accounts. */

const ALLOW_GET = pol(allow('s3:GetObject', OBJ));
const ALLOW_ALL = pol(allow('*', '*'));
const ALLOW_S3 = pol(allow('s3:*', '*'));
const ALLOW_KMS = pol(allow('kms:*', '*'));
const principal = (arn: string | string[]) => ({ Principal: { AWS: arn } });

export const logicCases: Case[] = [
  // Within one account: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  c('no policy at all: implicit deny', DOC.denyAllow, 'implicitDeny', {}),
  c('identity policy allows the action on the resource', DOC.denyAllow, 'allowed', { identity: [ALLOW_GET] }),
  c('identity policy allows another action only', DOC.denyAllow, 'implicitDeny', { identity: [pol(allow('s3:PutObject', OBJ))] }),
  c('identity policy allows another resource only', DOC.denyAllow, 'implicitDeny', { identity: [pol(allow('s3:GetObject', `${BUCKET}/other/*`))] }),
  c('explicit deny in the same policy overrides the allow', DOC.interplay, 'explicitDeny', { identity: [pol(allow('s3:*'), deny('s3:GetObject', OBJ))] }),
  c('explicit deny in another identity policy overrides the allow', DOC.interplay, 'explicitDeny', { identity: [ALLOW_ALL, pol(deny('s3:GetObject', '*'))] }),
  c('deny on another action does not affect this one', DOC.interplay, 'allowed', { identity: [ALLOW_ALL, pol(deny('s3:DeleteObject', '*'))] }),
  c('statements are ORed: second statement allows', DOC.statements, 'allowed', { identity: [pol(allow('s3:PutObject'), allow('s3:GetObject'))] }),
  c('policies are ORed: second policy allows', DOC.statements, 'allowed', { identity: [pol(allow('s3:PutObject')), ALLOW_GET] }),
  c('an allow with an unmet condition does not allow', DOC.denyAllow, 'implicitDeny', { identity: [pol(allow('s3:GetObject', OBJ, { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }))], context: { 'aws:SecureTransport': 'false' } }),
  c('a deny with an unmet condition does not deny', DOC.denyAllow, 'allowed', { identity: [ALLOW_GET, pol(deny('s3:*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } }))], context: { 'aws:SecureTransport': 'true' } }),
  c('a deny with a met condition denies (aws:SecureTransport false)', DOC.keySecureTransport, 'explicitDeny', { identity: [ALLOW_GET, pol(deny('s3:*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } }))], context: { 'aws:SecureTransport': 'false' } }),

  // Identity + resource-based policies in one account: either may allow.
  c('same account: bucket policy alone allows the user', DOC.idRbp, 'allowed', { resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(alice.arn))) }),
  c('same account: identity policy alone allows (bucket policy names someone else)', DOC.idRbp, 'allowed', { identity: [ALLOW_GET], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(bob.arn))) }),
  c('same account: neither allows', DOC.idRbp, 'implicitDeny', { resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(bob.arn))) }),
  c('same account: bucket policy deny beats identity allow', DOC.idRbp, 'explicitDeny', { identity: [ALLOW_S3], resourcePolicy: bucketPolicy(A, deny('s3:GetObject', `${BUCKET}/*`, principal(alice.arn))) }),
  c('same account: identity deny beats bucket policy allow', DOC.idRbp, 'explicitDeny', { identity: [pol(deny('s3:*'))], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(alice.arn))) }),
  c('bucket policy deny to "*" denies every caller', DOC.principalAll, 'explicitDeny', { identity: [ALLOW_ALL], resourcePolicy: bucketPolicy(A, deny('s3:*', `${BUCKET}/*`, { Principal: '*' })) }),
  c('bucket policy deny to another user does not apply', DOC.idRbp, 'allowed', { identity: [ALLOW_GET], resourcePolicy: bucketPolicy(A, deny('s3:*', `${BUCKET}/*`, principal(bob.arn))) }),
  c('same account: bucket policy naming the account delegates to IAM (no identity allow)', DOC.principalAccounts, 'implicitDeny', { resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(A))) }),
  c('same account: bucket policy naming the account + identity allow', DOC.principalAccounts, 'allowed', { identity: [ALLOW_GET], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(`arn:aws:iam::${A}:root`))) }),
  c('same account: Principal "*" allows an IAM user without identity policy', DOC.principalAll, 'allowed', { resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, { Principal: '*' })) }),
  c('a bucket policy statement for another resource does not allow', DOC.idRbp, 'implicitDeny', { resourcePolicy: bucketPolicy(A, allow('s3:GetObject', 'arn:aws:s3:::other-bucket/*', principal(alice.arn))) }),

  // Anonymous requests: only a resource policy open to everyone.
  c('anonymous: Principal "*" allows', DOC.principalAll, 'allowed', { principal: null, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, { Principal: '*' })) }),
  c('anonymous: {"AWS": "*"} is equivalent to "*"', DOC.principalAll, 'allowed', { principal: null, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal('*'))) }),
  c('anonymous: a policy naming an account does not allow', DOC.principalAccounts, 'implicitDeny', { principal: null, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(A))) }),
  c('anonymous: no resource policy, no access', DOC.denyAllow, 'implicitDeny', { principal: null }),
  c('anonymous: public allow plus deny on insecure transport', DOC.keySecureTransport, 'explicitDeny', { principal: null, context: { 'aws:SecureTransport': 'false' }, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, { Principal: '*' }), deny('s3:*', `${BUCKET}/*`, { Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })) }),

  // Cross-account: both the trusted account's identity policy and the trusting account's resource policy.
  c('cross-account: bucket policy allows the user but no identity policy', DOC.cross, 'implicitDeny', { principal: carol, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(carol.arn))) }),
  c('cross-account: identity policy allows but no bucket policy', DOC.cross, 'implicitDeny', { principal: carol, identity: [ALLOW_S3], resourcePolicy: bucketPolicy(A) }),
  c('cross-account: identity policy allows but bucket policy names another account', DOC.cross, 'implicitDeny', { principal: carol, identity: [ALLOW_S3], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal('999999999999'))) }),
  c('cross-account: both allow (bucket policy names the user)', DOC.cross, 'allowed', { principal: carol, identity: [ALLOW_S3], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(carol.arn))) }),
  c('cross-account: both allow (bucket policy names the account)', DOC.principalAccounts, 'allowed', { principal: carol, identity: [ALLOW_S3], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(B))) }),
  c('cross-account: bucket policy "*" still needs the identity policy', DOC.principalAll, 'implicitDeny', { principal: carol, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, { Principal: '*' })) }),
  c('cross-account: bucket policy "*" and identity allow', DOC.principalAll, 'allowed', { principal: carol, identity: [ALLOW_GET], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, { Principal: '*' })) }),
  c('cross-account: identity deny in the trusted account wins', DOC.cross, 'explicitDeny', { principal: carol, identity: [ALLOW_S3, pol(deny('s3:GetObject'))], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(B))) }),
  c('cross-account: bucket policy deny in the trusting account wins', DOC.cross, 'explicitDeny', { principal: carol, identity: [ALLOW_S3], resourcePolicy: bucketPolicy(A, allow('s3:*', `${BUCKET}/*`, principal(B)), deny('s3:GetObject', `${BUCKET}/*`, principal(carol.arn))) }),
  c('cross-account: identity allow for a different bucket only', DOC.cross, 'implicitDeny', { principal: carol, identity: [pol(allow('s3:GetObject', 'arn:aws:s3:::carol-bucket/*'))], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(B))) }),
  c('cross-account: role session named by its role ARN, with identity allow', DOC.principalRoles, 'allowed', { principal: sessionB, identity: [ALLOW_S3], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(`arn:aws:iam::${B}:role/auditor`))) }),
  c('cross-account: role session ARN named, no identity allow', DOC.cross, 'implicitDeny', { principal: sessionB, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(sessionB.arn))) }),
  c('cross-account: account root of B, bucket policy names B', DOC.cross, 'allowed', { principal: rootB, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(B))) }),
  c('cross-account: account root of B, bucket without policy', DOC.cross, 'implicitDeny', { principal: rootB, resourcePolicy: bucketPolicy(A) }),

  // Permissions boundaries.
  c('boundary allows and identity allows', DOC.idBound, 'allowed', { identity: [ALLOW_S3], boundary: pol(allow('s3:Get*')) }),
  c('boundary does not allow: implicit deny despite identity allow', DOC.idBound, 'implicitDeny', { identity: [ALLOW_ALL], boundary: pol(allow('kms:*')) }),
  c('boundary alone grants nothing', DOC.idBound, 'implicitDeny', { boundary: pol(allow('s3:*')) }),
  c('explicit deny in the boundary', DOC.boundaries, 'explicitDeny', { identity: [ALLOW_ALL], boundary: pol(allow('*'), deny('s3:GetObject')) }),
  c('boundary: bucket policy naming the IAM user is not limited by the boundary', DOC.boundaries, 'allowed', { boundary: pol(allow('kms:*')), resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(alice.arn))) }),
  c('boundary: bucket policy naming the role is limited by the boundary', DOC.boundaries, 'implicitDeny', { principal: session, boundary: pol(allow('kms:*')), resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(ROLE))) }),
  c('boundary: bucket policy naming the role, boundary allows', DOC.boundaries, 'allowed', { principal: session, boundary: pol(allow('s3:*')), resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(ROLE))) }),
  c('boundary: bucket policy naming the role session is not limited by the boundary', DOC.boundaries, 'allowed', { principal: session, boundary: pol(allow('kms:*')), resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(session.arn))) }),
  c('boundary: bucket policy naming the account is limited by the boundary', DOC.boundaries, 'implicitDeny', { identity: [ALLOW_S3], boundary: pol(allow('kms:*')), resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(A))) }),
  c('cross-account: boundary of the trusted principal applies', DOC.cross, 'implicitDeny', { principal: carol, identity: [ALLOW_S3], boundary: pol(allow('kms:*')), resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(carol.arn))) }),

  // Session policies.
  c('role session without session policy: role permissions', DOC.denyAllow, 'allowed', { principal: session, identity: [ALLOW_GET] }),
  c('role session: session policy allows, role policy allows', DOC.session, 'allowed', { principal: session, identity: [ALLOW_S3], session: [pol(allow('s3:GetObject'))] }),
  c('role session: session policy does not allow: implicit deny', DOC.session, 'implicitDeny', { principal: session, identity: [ALLOW_S3], session: [pol(allow('s3:PutObject'))] }),
  c('role session: session policy alone grants nothing', DOC.session, 'implicitDeny', { principal: session, session: [pol(allow('s3:*'))] }),
  c('role session: explicit deny in the session policy', DOC.session, 'explicitDeny', { principal: session, identity: [ALLOW_S3], session: [pol(allow('*'), deny('s3:GetObject'))] }),
  c('role session: inline and managed session policies are combined', DOC.session, 'allowed', { principal: session, identity: [ALLOW_S3], session: [pol(allow('s3:PutObject')), pol(allow('s3:GetObject'))] }),
  c('role session: bucket policy naming the session is not limited by the session policy', DOC.session, 'allowed', { principal: session, session: [pol(allow('kms:*'))], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(session.arn))) }),
  c('role session: bucket policy naming the role is limited by the session policy', DOC.session, 'implicitDeny', { principal: session, session: [pol(allow('kms:*'))], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(ROLE))) }),
  c('role session: bucket policy naming the role, session policy allows', DOC.session, 'allowed', { principal: session, session: [pol(allow('s3:GetObject'))], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(ROLE))) }),
  c('role session: bucket policy naming the role, no identity policy needed', DOC.principalRoles, 'allowed', { principal: session, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(ROLE))) }),
  c('federated user without session policy: implicit deny', DOC.denyAllow, 'implicitDeny', { principal: fed, identity: [ALLOW_S3] }),
  c('federated user: session policy and identity policy allow', DOC.session, 'allowed', { principal: fed, identity: [ALLOW_S3], session: [pol(allow('s3:GetObject'))] }),
  c('federated user: bucket policy naming the federated session', DOC.boundaries, 'allowed', { principal: fed, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(fed.arn))) }),
  c('federated user: bucket policy naming the IAM user who federated is limited by the session policy', DOC.boundaries, 'implicitDeny', { principal: fed, session: [pol(allow('kms:*'))], resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(alice.arn))) }),

  // The account root user.
  c('root: full access in its own account without policies', DOC.denyAllow, 'allowed', { principal: rootA }),
  c('root: list operations (resource "*") in its own account', DOC.denyAllow, 'allowed', { principal: rootA, action: 'kms:ListKeys', resource: '*' }),
  c('root: a bucket policy deny applies to the root user', DOC.root, 'explicitDeny', { principal: rootA, resourcePolicy: bucketPolicy(A, deny('s3:GetObject', `${BUCKET}/*`, { Principal: '*' })) }),
  c('root: may still replace a bucket policy that denies it', DOC.s3PutBucketPolicy, 'allowed', { principal: rootA, action: 's3:PutBucketPolicy', resource: BUCKET, resourcePolicy: bucketPolicy(A, deny('s3:*', [BUCKET, `${BUCKET}/*`], { Principal: '*' })) }),
  c('root: may still delete a bucket policy that denies it', DOC.s3PutBucketPolicy, 'allowed', { principal: rootA, action: 's3:DeleteBucketPolicy', resource: BUCKET, resourcePolicy: bucketPolicy(A, deny('s3:*', [BUCKET, `${BUCKET}/*`], { Principal: '*' })) }),
  c('an IAM admin may not bypass a bucket policy deny on PutBucketPolicy', DOC.s3PutBucketPolicy, 'explicitDeny', { action: 's3:PutBucketPolicy', resource: BUCKET, identity: [ALLOW_ALL], resourcePolicy: bucketPolicy(A, deny('s3:*', [BUCKET, `${BUCKET}/*`], { Principal: '*' })) }),
  c('root of another account gets nothing from identity alone', DOC.cross, 'implicitDeny', { principal: rootB, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(carol.arn))) }),

  // Bucket owner enforced: every object belongs to the bucket owner, so the bucket policy governs it.
  c('bucket owner enforced: the uploader from another account gets no access from owning the object', DOC.s3Ownership, 'implicitDeny', { principal: carol, identity: [ALLOW_S3], resourcePolicy: bucketPolicy(A, allow('s3:PutObject', `${BUCKET}/*`, principal(carol.arn))) }),
  c('KMS-style permissions do not leak into S3: kms:* does not allow s3:GetObject', DOC.action, 'implicitDeny', { identity: [ALLOW_KMS] }),
];
