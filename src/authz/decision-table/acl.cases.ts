import type { AclGrantee } from '../types.js';
import { A, B, OBJ, allow, alice, bucketPolicy, c, carol, deny, pol, rootA, rootB, type Case } from './fixtures.js';

/**
 * S3 ACL grants in the evaluation: a grantee holding the permission the action needs allows it the
 * way a bucket-policy statement naming that grantee would (the S3 service's own authorization
 * contexts: bucket, object, user). The AllUsers group includes anonymous requests; a grant to a
 * canonical user names an account, whose IAM users still need their own policies.
 */
const S3 = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/';
const DOC = {
  grantees: `${S3}acl-overview.html#specifying-grantee`,
  permissions: `${S3}acl-overview.html#permissions`,
  objectContext: `${S3}access-control-auth-workflow-object-operation.html`,
  bucketContext: `${S3}access-control-auth-workflow-bucket-operation.html`,
  ownership: `${S3}about-object-ownership.html`,
};

const allUsers: AclGrantee = { kind: 'AllUsers' };
const authenticated: AclGrantee = { kind: 'AuthenticatedUsers' };
const accountB: AclGrantee = { kind: 'Account', accountId: B };
const accountA: AclGrantee = { kind: 'Account', accountId: A };
const ownedByA = bucketPolicy(A);

export const aclCases: Case[] = [
  c('ACL: AllUsers READ lets an anonymous caller read', DOC.grantees, 'allowed', { principal: null, acl: [allUsers], resourcePolicy: ownedByA }),
  c('ACL: no grant leaves an anonymous caller denied', DOC.grantees, 'implicitDeny', { principal: null, acl: [], resourcePolicy: ownedByA }),
  c('ACL: AuthenticatedUsers does not include anonymous callers', DOC.grantees, 'implicitDeny', { principal: null, acl: [authenticated], resourcePolicy: ownedByA }),
  c('ACL: AuthenticatedUsers includes another account\'s root', DOC.grantees, 'allowed', { principal: rootB, acl: [authenticated], resourcePolicy: ownedByA }),
  c('ACL: a grant to account B lets B\'s root read', DOC.objectContext, 'allowed', { principal: rootB, acl: [accountB], resourcePolicy: ownedByA }),
  c('ACL: a grant to account B needs B\'s user policy for B\'s IAM user', DOC.objectContext, 'implicitDeny', { principal: carol, acl: [accountB], resourcePolicy: ownedByA }),
  c('ACL: a grant to account B and carol\'s own policy allow carol', DOC.objectContext, 'allowed', {
    principal: carol, acl: [accountB], resourcePolicy: ownedByA, identity: [pol(allow('s3:GetObject', OBJ))],
  }),
  c('ACL: a grant to another account does nothing for carol of account B', DOC.objectContext, 'implicitDeny', {
    principal: carol, acl: [accountA], resourcePolicy: ownedByA, identity: [pol(allow('s3:GetObject', OBJ))],
  }),
  c('ACL: the owner account\'s FULL_CONTROL grant does not give its IAM users anything', DOC.bucketContext, 'implicitDeny', { principal: alice, acl: [accountA], resourcePolicy: ownedByA }),
  c('ACL: the owner account\'s root is allowed by its own grant', DOC.bucketContext, 'allowed', { principal: rootA, acl: [accountA], resourcePolicy: ownedByA }),
  c('ACL: AllUsers allows an IAM user of the owner account without policies', DOC.bucketContext, 'allowed', { principal: alice, acl: [allUsers], resourcePolicy: ownedByA }),
  c('ACL: AllUsers needs a cross-account IAM user\'s own policy too', DOC.objectContext, 'implicitDeny', { principal: carol, acl: [allUsers], resourcePolicy: ownedByA }),
  c('ACL: an explicit Deny in the bucket policy beats a public ACL grant', DOC.objectContext, 'explicitDeny', {
    principal: null, acl: [allUsers], resourcePolicy: bucketPolicy(A, deny('s3:GetObject', OBJ, { Principal: '*' })),
  }),
  c('ACL: an explicit Deny in the caller\'s identity policy beats an ACL grant', DOC.objectContext, 'explicitDeny', {
    principal: carol, acl: [accountB], resourcePolicy: ownedByA, identity: [pol(allow('s3:GetObject', OBJ), deny('s3:GetObject', OBJ))],
  }),
];
