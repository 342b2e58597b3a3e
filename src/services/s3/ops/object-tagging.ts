/**
 * Object tag sets: Put/Get/DeleteObjectTagging on the current version or one named by id.
 */
import type {
  DeleteObjectTaggingOutput, DeleteObjectTaggingRequest, GetObjectTaggingOutput, GetObjectTaggingRequest, PutObjectTaggingOutput,
  PutObjectTaggingRequest,
} from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { reportedVersionId, requireBucket, requireVersion, type S3Deps } from '../context.js';
import { checkTags } from '../tagging.js';
import { writableVersion } from './acl.js';

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html */
export async function putObjectTagging(deps: S3Deps, _ctx: RequestContext, input: PutObjectTaggingRequest): Promise<PutObjectTaggingOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const version = await writableVersion(deps, bucket, input.Key, input.VersionId);
  checkTags(input.Tagging.TagSet, 'object');
  await deps.objects.updateTags(version.id, input.Tagging.TagSet);
  return { VersionId: reportedVersionId(bucket, version) };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html */
export async function getObjectTagging(deps: S3Deps, _ctx: RequestContext, input: GetObjectTaggingRequest): Promise<GetObjectTaggingOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const version = await requireVersion(deps, bucket, input.Key, input.VersionId, 'GET');
  return { VersionId: reportedVersionId(bucket, version), TagSet: version.tags };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjectTagging.html */
export async function deleteObjectTagging(deps: S3Deps, _ctx: RequestContext, input: DeleteObjectTaggingRequest): Promise<DeleteObjectTaggingOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const version = await writableVersion(deps, bucket, input.Key, input.VersionId);
  await deps.objects.updateTags(version.id, []);
  return { VersionId: reportedVersionId(bucket, version) };
}
