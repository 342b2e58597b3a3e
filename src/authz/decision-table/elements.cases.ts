import { A, B, BUCKET, DOC, OBJ, alice, allow, bob, bucketPolicy, c, carol, deny, pol, rootA, session, sessionB, type Case } from './fixtures.js';

/** Policy elements: Action/NotAction, Resource/NotResource, Principal/NotPrincipal, variables, Version. */

const ALLOW_ALL = pol(allow('*', '*'));
const principal = (arn: string | string[]) => ({ Principal: { AWS: arn } });
const iamUser = (name: string) => `arn:aws:iam::${A}:user/${name}`;

export const elementCases: Case[] = [
  // Action and NotAction: action names are case-insensitive, with * and ? wildcards.
  c('Action: exact name', DOC.action, 'allowed', { identity: [pol(allow('s3:GetObject'))] }),
  c('Action: names are case-insensitive', DOC.action, 'allowed', { identity: [pol(allow('S3:getobject'))] }),
  c('Action: service prefix wildcard', DOC.action, 'allowed', { identity: [pol(allow('s3:*'))] }),
  c('Action: partial wildcard Get*', DOC.action, 'allowed', { identity: [pol(allow('s3:Get*'))] }),
  c('Action: partial wildcard does not match Put', DOC.action, 'implicitDeny', { identity: [pol(allow('s3:Get*'))], action: 's3:PutObject' }),
  c('Action: ? matches one character', DOC.action, 'allowed', { identity: [pol(allow('s3:GetObjec?'))] }),
  c('Action: ? does not match two characters', DOC.action, 'implicitDeny', { identity: [pol(allow('s3:GetObj?'))] }),
  c('Action: * alone matches every service', DOC.action, 'allowed', { identity: [ALLOW_ALL], action: 'kms:Decrypt', resource: '*' }),
  c('Action: other service with the same name', DOC.action, 'implicitDeny', { identity: [pol(allow('s3express:GetObject'))] }),
  c('Action: wildcard inside the name (iam:*AccessKey*)', DOC.action, 'allowed', { identity: [pol(allow('iam:*AccessKey*', `arn:aws:iam::${A}:user/*`))], action: 'iam:CreateAccessKey', resource: iamUser('alice') }),
  c('NotAction with Allow: everything except the listed action', DOC.notAction, 'allowed', { identity: [pol({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })] }),
  c('NotAction with Allow: the listed action is not allowed', DOC.notAction, 'implicitDeny', { identity: [pol({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], action: 'iam:CreateUser', resource: iamUser('x') }),
  c('NotAction with Deny: denies everything except the listed actions', DOC.notAction, 'explicitDeny', { identity: [ALLOW_ALL, pol({ Effect: 'Deny', NotAction: ['iam:*', 'sts:*'], Resource: '*' })] }),
  c('NotAction with Deny: the listed action escapes the deny', DOC.notAction, 'allowed', { identity: [ALLOW_ALL, pol({ Effect: 'Deny', NotAction: ['s3:*'], Resource: '*' })] }),
  c('NotAction is case-insensitive too', DOC.notAction, 'allowed', { identity: [ALLOW_ALL, pol({ Effect: 'Deny', NotAction: 'S3:GETOBJECT', Resource: '*' })] }),

  // Resource and NotResource: ARNs are case-sensitive, wildcards per segment.
  c('Resource: exact ARN', DOC.resource, 'allowed', { identity: [pol(allow('s3:GetObject', OBJ))] }),
  c('Resource: ARNs are case-sensitive', DOC.resource, 'implicitDeny', { identity: [pol(allow('s3:GetObject', OBJ.toUpperCase().replace('ARN:AWS:S3', 'arn:aws:s3')))] }),
  c('Resource: bucket/* covers objects', DOC.resource, 'allowed', { identity: [pol(allow('s3:GetObject', `${BUCKET}/*`))] }),
  c('Resource: the bucket ARN does not cover its objects', DOC.resource, 'implicitDeny', { identity: [pol(allow('s3:GetObject', BUCKET))] }),
  c('Resource: * in the middle spans slashes (bucket/*/test/*)', DOC.resource, 'allowed', { identity: [pol(allow('s3:GetObject', `${BUCKET}/*/test/*`))], resource: `${BUCKET}/1/2/test/3/object.jpg` }),
  c('Resource: bucket/*/test/* does not match bucket/test/object.jpg', DOC.resource, 'implicitDeny', { identity: [pol(allow('s3:GetObject', `${BUCKET}/*/test/*`))], resource: `${BUCKET}/test/object.jpg` }),
  c('Resource: bucket/*/test/* does not match bucket/1-test/object.jpg', DOC.resource, 'implicitDeny', { identity: [pol(allow('s3:GetObject', `${BUCKET}/*/test/*`))], resource: `${BUCKET}/1-test/object.jpg` }),
  c('Resource: ? matches one character', DOC.resource, 'allowed', { identity: [pol(allow('s3:GetObject', `${BUCKET}/reports/q?.csv`))] }),
  c('Resource: wildcard account and region segments', DOC.resource, 'allowed', { identity: [pol(allow('kms:Decrypt', 'arn:aws:kms:*:*:key/*'))], action: 'kms:Decrypt', resource: `arn:aws:kms:us-east-1:${A}:key/1234` }),
  c('Resource: a key ARN pattern does not match an alias ARN', DOC.resource, 'implicitDeny', { identity: [pol(allow('kms:Decrypt', 'arn:aws:kms:*:*:key/*'))], action: 'kms:Decrypt', resource: `arn:aws:kms:us-east-1:${A}:alias/app` }),
  c('Resource: list operations need Resource "*"', DOC.resource, 'implicitDeny', { identity: [pol(allow('s3:ListAllMyBuckets', 'arn:aws:s3:::*'))], action: 's3:ListAllMyBuckets', resource: '*' }),
  c('Resource: "*" covers list operations', DOC.resource, 'allowed', { identity: [pol(allow('s3:ListAllMyBuckets', '*'))], action: 's3:ListAllMyBuckets', resource: '*' }),
  c('NotResource with Allow: everything except the listed resource', DOC.notResource, 'allowed', { identity: [pol({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::hr-bucket/*' })] }),
  c('NotResource with Allow: the listed resource is not allowed', DOC.notResource, 'implicitDeny', { identity: [pol({ Effect: 'Allow', Action: 's3:*', NotResource: `${BUCKET}/*` })] }),
  c('NotResource with Deny: denies all but the listed resources', DOC.notResource, 'explicitDeny', { identity: [ALLOW_ALL, pol({ Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::public-bucket', 'arn:aws:s3:::public-bucket/*'] })] }),
  c('NotResource with Deny: a listed resource escapes', DOC.notResource, 'allowed', { identity: [ALLOW_ALL, pol({ Effect: 'Deny', Action: 's3:*', NotResource: [BUCKET, `${BUCKET}/*`] })] }),

  // Policy variables.
  c('${aws:username} in Resource: own home folder', DOC.varsResource, 'allowed', { identity: [pol(allow('s3:*', `${BUCKET}/home/\${aws:username}/*`))], resource: `${BUCKET}/home/alice/notes.txt`, context: { 'aws:username': 'alice' } }),
  c('${aws:username} in Resource: someone else\'s folder', DOC.varsResource, 'implicitDeny', { identity: [pol(allow('s3:*', `${BUCKET}/home/\${aws:username}/*`))], resource: `${BUCKET}/home/bob/notes.txt`, context: { 'aws:username': 'alice' } }),
  c('${aws:username} not present (role session): the entry matches nothing', DOC.varsNoValue, 'implicitDeny', { principal: session, identity: [pol(allow('s3:*', `${BUCKET}/home/\${aws:username}/*`))], resource: `${BUCKET}/home/alice/notes.txt`, context: {} }),
  c('${aws:username} in a StringLike condition on s3:prefix', DOC.varsCondition, 'allowed', { identity: [pol(allow('s3:ListBucket', BUCKET, { Condition: { StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:username}/*'] } } }))], action: 's3:ListBucket', resource: BUCKET, context: { 'aws:username': 'alice', 's3:prefix': 'home/alice/photos' } }),
  c('${aws:PrincipalTag/department} in Resource', DOC.vars, 'allowed', { identity: [pol(allow('s3:*', 'arn:aws:s3:::bucket/${aws:PrincipalTag/department}'))], resource: 'arn:aws:s3:::bucket/finance', context: { 'aws:PrincipalTag/department': 'finance' } }),
  c('default value when the tag is missing', DOC.varsDefault, 'allowed', { identity: [pol(allow('s3:*', "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}"))], resource: 'arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide', context: {} }),
  c('default value is not used when the tag exists', DOC.varsDefault, 'implicitDeny', { identity: [pol(allow('s3:*', "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}"))], resource: 'arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide', context: { 'aws:PrincipalTag/team': 'yellow' } }),
  c('the tag value replaces the variable', DOC.varsDefault, 'allowed', { identity: [pol(allow('s3:*', "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}"))], resource: 'arn:aws:s3:::DOC-EXAMPLE-BUCKET-yellow', context: { 'aws:PrincipalTag/team': 'yellow' } }),
  c('${*} is a literal asterisk, not a wildcard', DOC.varsSpecial, 'implicitDeny', { identity: [pol(allow('s3:*', `${BUCKET}/\${*}`))], resource: `${BUCKET}/anything`, context: {} }),
  c('${*} matches a literal asterisk', DOC.varsSpecial, 'allowed', { identity: [pol(allow('s3:*', `${BUCKET}/\${*}`))], resource: `${BUCKET}/*`, context: {} }),
  c('${?} is a literal question mark', DOC.varsSpecial, 'implicitDeny', { identity: [pol(allow('s3:*', `${BUCKET}/a\${?}`))], resource: `${BUCKET}/ab`, context: {} }),
  c('${$} is a literal dollar sign', DOC.varsSpecial, 'allowed', { identity: [pol(allow('s3:*', `${BUCKET}/\${$}{x}`))], resource: `${BUCKET}/\${x}`, context: {} }),
  c('variables are literal text in a policy without Version 2012-10-17', DOC.version, 'implicitDeny', { identity: [JSON.stringify({ Statement: allow('s3:*', `${BUCKET}/home/\${aws:username}/*`) })], resource: `${BUCKET}/home/alice/x`, context: { 'aws:username': 'alice' } }),
  c('variable with no value in StringEquals: no match', DOC.varsNoValue, 'implicitDeny', { identity: [pol(allow('s3:GetObject', OBJ, { Condition: { StringEquals: { 's3:ExistingObjectTag/Team': '${aws:PrincipalTag/Team}' } } }))], context: { 's3:ExistingObjectTag/Team': 'red' } }),
  c('variable with no value in StringNotEquals: matches (deny applies)', DOC.varsNoValue, 'explicitDeny', { identity: [pol(allow('s3:GetObject', OBJ), deny('s3:GetObject', OBJ, { Condition: { StringNotEquals: { 's3:ExistingObjectTag/Team': '${aws:PrincipalTag/Team}' } } }))], context: { 's3:ExistingObjectTag/Team': 'red' } }),
  c('variable compared to the object tag: equal team is allowed', DOC.varsCondition, 'allowed', { identity: [pol(allow('s3:GetObject', OBJ), deny('s3:GetObject', OBJ, { Condition: { StringNotEquals: { 's3:ExistingObjectTag/Team': '${aws:PrincipalTag/Team}' } } }))], context: { 's3:ExistingObjectTag/Team': 'red', 'aws:PrincipalTag/Team': 'red' } }),
  c('${aws:userid} (role-id:session) in a condition', DOC.varsPrincipal, 'allowed', { principal: session, identity: [pol(allow('s3:*', `${BUCKET}/\${aws:userid}/*`))], resource: `${BUCKET}/AROAREADEREXAMPLE001:s1/x`, context: { 'aws:userid': 'AROAREADEREXAMPLE001:s1' } }),
  c('variable value is literal: a * in the value is no wildcard', DOC.varsResource, 'implicitDeny', { identity: [pol(allow('s3:*', `${BUCKET}/\${aws:PrincipalTag/folder}/x`))], resource: `${BUCKET}/any/x`, context: { 'aws:PrincipalTag/folder': '*' } }),

  // Principal in resource policies.
  c('Principal: a user of the account by ARN', DOC.principalUsers, 'allowed', { principal: bob, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(bob.arn))) }),
  c('Principal: a list of principals', DOC.principalUsers, 'allowed', { principal: bob, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal([alice.arn, bob.arn]))) }),
  c('Principal: user ARNs are matched exactly', DOC.principalUsers, 'implicitDeny', { principal: bob, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(`arn:aws:iam::${A}:user/Bob`))) }),
  c('Principal: a role session by its session ARN', DOC.principalSession, 'allowed', { principal: session, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(session.arn))) }),
  c('Principal: another session of the same role', DOC.principalSession, 'implicitDeny', { principal: session, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, principal(`arn:aws:sts::${A}:assumed-role/reader/other`))) }),
  c('Principal: an AWS service', DOC.principalServices, 'allowed', { principal: { type: 'AWSService', accountId: '', arn: 'cloudtrail.amazonaws.com', principalId: 'cloudtrail.amazonaws.com' }, action: 's3:PutObject', resourcePolicy: bucketPolicy(A, allow('s3:PutObject', `${BUCKET}/*`, { Principal: { Service: 'cloudtrail.amazonaws.com' } })) }),
  c('Principal: a service principal does not match users', DOC.principalServices, 'implicitDeny', { resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, { Principal: { Service: 'cloudtrail.amazonaws.com' } })) }),
  c('Principal: aws:PrincipalArn condition with Principal "*" (same account)', DOC.keyPrincipalArn, 'allowed', { context: { 'aws:PrincipalArn': alice.arn }, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, { Principal: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': alice.arn } } })) }),

  // NotPrincipal with Deny.
  c('NotPrincipal Deny: listed user and account escape', DOC.notPrincipal, 'allowed', { principal: carol, identity: [ALLOW_ALL], resourcePolicy: bucketPolicy(A, allow('s3:*', `${BUCKET}/*`, principal(B)), { Effect: 'Deny', NotPrincipal: { AWS: [carol.arn, `arn:aws:iam::${B}:root`] }, Action: 's3:*', Resource: `${BUCKET}/*` }) }),
  c('NotPrincipal Deny: everyone else is denied', DOC.notPrincipal, 'explicitDeny', { principal: alice, identity: [ALLOW_ALL], resourcePolicy: bucketPolicy(A, { Effect: 'Deny', NotPrincipal: { AWS: [carol.arn, `arn:aws:iam::${B}:root`] }, Action: 's3:*', Resource: `${BUCKET}/*` }) }),
  c('NotPrincipal Deny: naming only the user (not its account) still denies it', DOC.notPrincipal, 'explicitDeny', { principal: carol, identity: [ALLOW_ALL], resourcePolicy: bucketPolicy(A, allow('s3:*', `${BUCKET}/*`, principal(B)), { Effect: 'Deny', NotPrincipal: { AWS: carol.arn }, Action: 's3:*', Resource: `${BUCKET}/*` }) }),
  c('NotPrincipal Deny: session, role and account listed escape', DOC.notPrincipal, 'allowed', { principal: sessionB, identity: [ALLOW_ALL], resourcePolicy: bucketPolicy(A, allow('s3:*', `${BUCKET}/*`, principal(B)), { Effect: 'Deny', NotPrincipal: { AWS: [sessionB.arn, `arn:aws:iam::${B}:role/auditor`, `arn:aws:iam::${B}:root`] }, Action: 's3:*', Resource: `${BUCKET}/*` }) }),
  c('NotPrincipal Deny: role session without its role ARN listed is denied', DOC.notPrincipal, 'explicitDeny', { principal: sessionB, identity: [ALLOW_ALL], resourcePolicy: bucketPolicy(A, allow('s3:*', `${BUCKET}/*`, principal(B)), { Effect: 'Deny', NotPrincipal: { AWS: [sessionB.arn, `arn:aws:iam::${B}:root`] }, Action: 's3:*', Resource: `${BUCKET}/*` }) }),
  c('NotPrincipal Deny: anonymous callers are denied', DOC.notPrincipal, 'explicitDeny', { principal: null, resourcePolicy: bucketPolicy(A, allow('s3:GetObject', `${BUCKET}/*`, { Principal: '*' }), { Effect: 'Deny', NotPrincipal: { AWS: [alice.arn, `arn:aws:iam::${A}:root`] }, Action: 's3:*', Resource: `${BUCKET}/*` }) }),
  c('NotPrincipal Deny: the account root listed escapes', DOC.notPrincipal, 'allowed', { principal: rootA, resourcePolicy: bucketPolicy(A, { Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${A}:root` }, Action: 's3:*', Resource: `${BUCKET}/*` }) }),
];
