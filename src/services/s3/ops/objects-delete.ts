/**
 * DeleteObject and DeleteObjects, with S3's versioning semantics: an unversioned bucket loses the
 * object, a versioned one gets a delete marker, a version id removes that version for good.
 */
import { AwsError } from '../../../errors.js';
import type { DeletedObject, DeleteObjectOutput, DeleteObjectRequest, DeleteObjectsOutput, DeleteObjectsRequest, Error_ } from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import type { Bucket } from '../bucket-store.js';
import { etagMatches } from '../conditional.js';
import { malformedXmlError, noSuchKey, preconditionFailed } from '../errors.js';
import { checkVersionId } from '../names.js';
import type { DeleteOutcome } from '../object-store.js';
import { newObjectId, requireBucket, type S3Deps } from '../context.js';

/** DeleteObjects takes at most 1,000 keys. */
const MAX_DELETE_KEYS = 1000;

async function deleteOne(deps: S3Deps, ctx: RequestContext, bucket: Bucket, key: string, versionId: string | undefined): Promise<DeleteOutcome> {
  if (versionId !== undefined) checkVersionId(versionId);
  const outcome = await deps.objects.delete(bucket.name, key, versionId, {
    id: newObjectId(), size: 0, etag: '', lastModified: deps.clock.now(),
    ownerAccount: ctx.accountId || bucket.accountId, storageClass: 'STANDARD', metadata: { user: {} },
    checksum: null, tags: [], acl: [], encryption: null, partsCount: null,
  });
  deps.reclaim.later(outcome.garbage);
  return outcome;
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html */
export async function deleteObject(deps: S3Deps, ctx: RequestContext, input: DeleteObjectRequest): Promise<DeleteObjectOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  if (input.IfMatch !== undefined) {
    const current = await deps.objects.latest(bucket.name, input.Key);
    if (!current || current.deleteMarker) throw noSuchKey(input.Key);
    if (!etagMatches(input.IfMatch, current.etag)) throw preconditionFailed('If-Match');
  }
  const outcome = await deleteOne(deps, ctx, bucket, input.Key, input.VersionId);
  return { DeleteMarker: outcome.deleteMarker || undefined, VersionId: outcome.versionId };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html */
export async function deleteObjects(deps: S3Deps, ctx: RequestContext, input: DeleteObjectsRequest): Promise<DeleteObjectsOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const objects = input.Delete.Objects;
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw malformedXmlError();
  const deleted: DeletedObject[] = [];
  const errors: Error_[] = [];
  for (const [at, { Key: key, VersionId: versionId }] of objects.entries()) {
    if (ctx.refusedItems?.has(at)) {
      errors.push({ Key: key, VersionId: versionId, Code: 'AccessDenied', Message: 'Access Denied' });
      continue;
    }
    try {
      const outcome = await deleteOne(deps, ctx, bucket, key, versionId);
      const entry: DeletedObject = { Key: key };
      if (versionId !== undefined) entry.VersionId = versionId;
      if (outcome.deleteMarker) {
        entry.DeleteMarker = true;
        entry.DeleteMarkerVersionId = outcome.versionId;
      }
      deleted.push(entry);
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      errors.push({ Key: key, VersionId: versionId, Code: err.code, Message: err.message });
    }
  }
  return { Deleted: input.Delete.Quiet ? undefined : deleted, Errors: errors.length > 0 ? errors : undefined };
}
