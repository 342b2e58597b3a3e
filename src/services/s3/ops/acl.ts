/**
 * Bucket and object ACLs: stored grants, returned with the owner's canonical id. Under
 * BucketOwnerEnforced (the default for new buckets) ACLs are disabled: reads still work, writes
 * that would grant anything beyond the bucket owner's full control are refused; BlockPublicAcls
 * refuses public ones.
 */
import type {
  GetBucketAclOutput, GetBucketAclRequest, GetObjectAclOutput, GetObjectAclRequest, PutBucketAclRequest, PutObjectAclOutput,
  PutObjectAclRequest,
} from '../../../generated/s3/shapes.js';
import { AwsError } from '../../../errors.js';
import type { RequestContext } from '../../../server/context.js';
import { aclFromRequest, toWireGrants, type Acl } from '../acl.js';
import { checkAclWrite } from '../public-access.js';
import type { Bucket } from '../bucket-store.js';
import type { ObjectVersion } from '../object-store.js';
import { deleteMarkerNotAllowed, noSuchKey } from '../errors.js';
import { deleteMarkerHeaders, requireBucket, requireVersion, type S3Deps } from '../context.js';

function missingAcl(): AwsError {
  return new AwsError('MissingSecurityHeader', 'Your request was missing a required header', { status: 400, fields: { MissingHeaderName: 'x-amz-acl' } });
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html */
export async function getBucketAcl(deps: S3Deps, _ctx: RequestContext, input: GetBucketAclRequest): Promise<GetBucketAclOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  return { Owner: { ID: await deps.accounts.canonicalId(bucket.accountId) }, Grants: toWireGrants(bucket.acl) };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html */
export async function putBucketAcl(deps: S3Deps, _ctx: RequestContext, input: PutBucketAclRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const ownerId = await deps.accounts.canonicalId(bucket.accountId);
  const acl = await aclFromRequest(input, ownerId, ownerId, (id) => deps.accounts.isKnown(id));
  if (!acl) throw missingAcl();
  await checkAclWrite(deps.buckets, bucket, acl, ownerId);
  await deps.buckets.update(bucket.name, { acl });
}

/**
 * The version an ACL or tagging write targets. A delete marker has neither: a write to one (the
 * current version or named by id) is 405 MethodNotAllowed.
 */
export async function writableVersion(deps: S3Deps, bucket: Bucket, key: string, versionId: string | undefined): Promise<ObjectVersion> {
  if (versionId === undefined) {
    const current = await deps.objects.latest(bucket.name, key);
    if (!current) throw noSuchKey(key);
    if (current.deleteMarker) throw deleteMarkerNotAllowed('PUT', deleteMarkerHeaders(current, bucket));
    return current;
  }
  return requireVersion(deps, bucket, key, versionId, 'PUT');
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAcl.html */
export async function getObjectAcl(deps: S3Deps, _ctx: RequestContext, input: GetObjectAclRequest): Promise<GetObjectAclOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const version = await requireVersion(deps, bucket, input.Key, input.VersionId, 'GET');
  return { Owner: { ID: await deps.accounts.canonicalId(version.ownerAccount) }, Grants: toWireGrants(version.acl) };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html */
export async function putObjectAcl(deps: S3Deps, _ctx: RequestContext, input: PutObjectAclRequest): Promise<PutObjectAclOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const version = await writableVersion(deps, bucket, input.Key, input.VersionId);
  const ownerId = await deps.accounts.canonicalId(version.ownerAccount);
  const bucketOwnerId = await deps.accounts.canonicalId(bucket.accountId);
  const acl: Acl | undefined = await aclFromRequest(input, ownerId, bucketOwnerId, (id) => deps.accounts.isKnown(id));
  if (!acl) throw missingAcl();
  await checkAclWrite(deps.buckets, bucket, acl, bucketOwnerId);
  await deps.objects.updateAcl(version.id, acl);
  return {};
}
