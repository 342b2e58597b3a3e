/**
 * S3 Block Public Access on a bucket: the four settings, what counts as a public ACL, and the
 * refusals BlockPublicAcls and BlockPublicPolicy make. IgnorePublicAcls and RestrictPublicBuckets
 * act in authorization (acl-access.ts, actions.ts). A public policy is judged by the same
 * `isPublicPolicy` the auditor and GetBucketPolicyStatus use.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 */
import type { PublicAccessBlockConfiguration } from '../../generated/s3/shapes.js';
import { isPublicPolicy } from '../../authz/public-policy.js';
import { AwsError } from '../../errors.js';
import { checkAclAllowed, GROUPS, type Acl } from './acl.js';
import type { Bucket, BucketStore } from './bucket-store.js';
import { accessDenied } from './errors.js';

export type BlockSettings = Required<PublicAccessBlockConfiguration>;

/** What a new bucket gets: all four settings on (S3's default since April 2023). */
export const NEW_BUCKET_BLOCK: BlockSettings = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const NONE: BlockSettings = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };

/** The bucket's settings; all off when it has no public access block. */
export async function blockSettings(buckets: BucketStore, bucket: string): Promise<BlockSettings> {
  return { ...NONE, ...(await buckets.getConfig<PublicAccessBlockConfiguration>(bucket, 'public-access-block')) };
}

/** An ACL is public if it grants anything to the AllUsers or AuthenticatedUsers group. */
export function isPublicAcl(acl: Acl): boolean {
  return acl.some((g) => g.grantee.type === 'Group' && (g.grantee.uri === GROUPS.AllUsers || g.grantee.uri === GROUPS.AuthenticatedUsers));
}

/**
 * The checks on an ACL a request sets (Put*Acl, PutObject, CopyObject, CreateMultipartUpload):
 * disabled ACLs first (AccessControlListNotSupported, as S3 answers `--acl public-read` on a new
 * bucket), then BlockPublicAcls (403 AccessDenied).
 */
export async function checkAclWrite(buckets: BucketStore, bucket: Bucket, acl: Acl | undefined, bucketOwnerId: string): Promise<void> {
  checkAclAllowed(acl, bucket.objectOwnership, bucketOwnerId);
  if (acl && isPublicAcl(acl) && (await blockSettings(buckets, bucket.name)).BlockPublicAcls) throw accessDenied();
}

/** BlockPublicPolicy: a public bucket policy is refused with 403 AccessDenied. */
export async function checkPolicyWrite(buckets: BucketStore, bucket: Bucket, policy: string): Promise<void> {
  if ((await blockSettings(buckets, bucket.name)).BlockPublicPolicy && isPublicPolicy(policy)) throw accessDenied();
}

/**
 * CreateBucket with a public ACL: the new bucket's Block Public Access refuses it (the bucket must
 * be created first, its public access block removed, then the ACL put).
 */
export function publicAclOnNewBucket(): AwsError {
  return new AwsError('InvalidBucketAclWithBlockPublicAccessError', 'Bucket cannot have public ACLs set with BlockPublicAccess enabled', { status: 400 });
}
