/**
 * What S3 ACL grants allow, for the authorizer: the permission an action needs on the bucket's or
 * the object's ACL, and the grantees holding it. ACLs count for nothing when the bucket's
 * ObjectOwnership is BucketOwnerEnforced (ACLs disabled), and grants to the public groups count for
 * nothing under IgnorePublicAcls.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#permissions
 */
import { denyStatements } from '../../authz/public-policy.js';
import type { AclGrantee, ResourcePolicy } from '../../authz/types.js';
import type { Permission } from '../../generated/s3/shapes.js';
import type { RequestContext } from '../../server/context.js';
import { GROUPS, type Acl } from './acl.js';
import type { Bucket, BucketStore } from './bucket-store.js';
import type { AccountDirectory } from './context.js';
import type { ObjectStore, ObjectVersion } from './object-store.js';
import { blockSettings } from './public-access.js';

/** Which ACL an action is judged by, and the permission it needs there (FULL_CONTROL holds all). */
const NEEDS: Record<string, { on: 'bucket' | 'object'; permission: Permission }> = {
  's3:listbucket': { on: 'bucket', permission: 'READ' },
  's3:listbucketversions': { on: 'bucket', permission: 'READ' },
  's3:listbucketmultipartuploads': { on: 'bucket', permission: 'READ' },
  // WRITE on a bucket creates, overwrites and deletes objects in it.
  's3:putobject': { on: 'bucket', permission: 'WRITE' },
  's3:deleteobject': { on: 'bucket', permission: 'WRITE' },
  's3:getbucketacl': { on: 'bucket', permission: 'READ_ACP' },
  's3:putbucketacl': { on: 'bucket', permission: 'WRITE_ACP' },
  's3:getobject': { on: 'object', permission: 'READ' },
  's3:getobjectversion': { on: 'object', permission: 'READ' },
  's3:getobjectacl': { on: 'object', permission: 'READ_ACP' },
  's3:getobjectversionacl': { on: 'object', permission: 'READ_ACP' },
  's3:putobjectacl': { on: 'object', permission: 'WRITE_ACP' },
  's3:putobjectversionacl': { on: 'object', permission: 'WRITE_ACP' },
};

/** The object (version) an object action reads its ACL from. */
export interface AclTarget {
  bucket: string;
  key?: string;
  versionId?: string;
}

export interface AclStores {
  buckets: BucketStore;
  objects: ObjectStore;
  accounts: AccountDirectory;
}

/** The version an object action names (the current one without a version id); none for a delete marker. */
async function targetVersion(stores: AclStores, bucket: Bucket, target: AclTarget): Promise<ObjectVersion | undefined> {
  if (target.key === undefined) return undefined;
  const version = target.versionId === undefined
    ? await stores.objects.latest(bucket.name, target.key)
    : await stores.objects.byVersion(bucket.name, target.key, target.versionId);
  return version && !version.deleteMarker ? version : undefined;
}

/** Whether an action is judged by the object's ACL (and so in the object owner's context). */
export function isObjectAclAction(action: string): boolean {
  return NEEDS[action.toLowerCase()]?.on === 'object';
}

/**
 * S3's object context: with ACLs enabled, an object another account wrote belongs to that
 * account, and only its owner (or its ACL) can grant access to it; the bucket owner's policy can
 * still deny. So the resource side becomes the object owner's, with the bucket policy's Deny
 * statements alone. Under BucketOwnerEnforced the bucket owner owns everything: unchanged.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-auth-workflow-object-operation.html
 */
export async function objectContext(stores: AclStores, bucket: Bucket, target: AclTarget, policy: ResourcePolicy): Promise<ResourcePolicy> {
  if (bucket.objectOwnership === 'BucketOwnerEnforced') return policy;
  const version = await targetVersion(stores, bucket, target);
  if (!version || version.ownerAccount === bucket.accountId) return policy;
  return { kind: 'standard', accountId: version.ownerAccount, document: policy.document === '' ? '' : denyStatements(policy.document) };
}

/** The grantees of `target`'s ACL holding what `action` needs; [] when ACLs don't apply. */
export async function aclGrantees(stores: AclStores, ctx: RequestContext, target: AclTarget, action: string): Promise<AclGrantee[]> {
  const need = NEEDS[action.toLowerCase()];
  if (!need) return [];
  const bucket = await stores.buckets.get(target.bucket);
  if (!bucket || bucket.objectOwnership === 'BucketOwnerEnforced') return [];
  let acl: Acl;
  if (need.on === 'bucket') {
    acl = bucket.acl;
  } else {
    const version = await targetVersion(stores, bucket, target);
    if (!version) return [];
    acl = version.acl;
  }
  const holding = acl.filter((g) => g.permission === need.permission || g.permission === 'FULL_CONTROL');
  if (holding.length === 0) return [];
  const ignorePublic = (await blockSettings(stores.buckets, bucket.name)).IgnorePublicAcls;
  // A canonical user id names an account: only the caller's own matters here.
  const callerId = ctx.accountId && ctx.principal?.type !== 'AWSService' ? await stores.accounts.canonicalId(ctx.accountId) : undefined;
  const out: AclGrantee[] = [];
  for (const g of holding) {
    if (g.grantee.type === 'CanonicalUser') {
      if (g.grantee.id === callerId) out.push({ kind: 'Account', accountId: ctx.accountId });
    } else if (!ignorePublic && g.grantee.uri === GROUPS.AllUsers) {
      out.push({ kind: 'AllUsers' });
    } else if (!ignorePublic && g.grantee.uri === GROUPS.AuthenticatedUsers) {
      out.push({ kind: 'AuthenticatedUsers' });
    }
  }
  return out;
}
