/**
 * Bucket settings: versioning, tagging, ownership controls and the public access block.
 */
import type {
  DeleteBucketOwnershipControlsRequest, DeleteBucketTaggingRequest, DeletePublicAccessBlockRequest,
  GetBucketOwnershipControlsOutput, GetBucketOwnershipControlsRequest, GetBucketTaggingOutput, GetBucketTaggingRequest,
  GetBucketVersioningOutput, GetBucketVersioningRequest, GetPublicAccessBlockOutput, GetPublicAccessBlockRequest,
  PublicAccessBlockConfiguration, PutBucketOwnershipControlsRequest, PutBucketTaggingRequest, PutBucketVersioningRequest,
  PutPublicAccessBlockRequest, Tag,
} from '../../../generated/s3/shapes.js';
import { AwsError } from '../../../errors.js';
import type { RequestContext } from '../../../server/context.js';
import { grantsOnlyOwner } from '../acl.js';
import {
  invalidBucketAclWithObjectOwnership, malformedXmlError, noSuchPublicAccessBlock, noSuchTagSet, notImplementedError,
  ownershipControlsNotFound,
} from '../errors.js';
import { requireBucket, type S3Deps } from '../context.js';
import { checkTags } from '../tagging.js';

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html */
export async function putBucketVersioning(deps: S3Deps, _ctx: RequestContext, input: PutBucketVersioningRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const { Status: status, MFADelete: mfaDelete } = input.VersioningConfiguration;
  if (status === undefined && mfaDelete === undefined) {
    throw new AwsError('IllegalVersioningConfigurationException', 'The Versioning element must be specified', { status: 400 });
  }
  // MFA delete needs the root user's MFA device on every versioned delete: not something Coffer has.
  if (mfaDelete === 'Enabled' || input.MFA !== undefined) throw notImplementedError('x-amz-mfa');
  if (status !== undefined) await deps.buckets.update(bucket.name, { versioning: status });
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html */
export async function getBucketVersioning(deps: S3Deps, _ctx: RequestContext, input: GetBucketVersioningRequest): Promise<GetBucketVersioningOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  return bucket.versioning === null ? {} : { Status: bucket.versioning };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html */
export async function putBucketTagging(deps: S3Deps, _ctx: RequestContext, input: PutBucketTaggingRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  checkTags(input.Tagging.TagSet, 'bucket');
  await deps.buckets.putConfig(bucket.name, 'tagging', input.Tagging.TagSet);
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html */
export async function getBucketTagging(deps: S3Deps, _ctx: RequestContext, input: GetBucketTaggingRequest): Promise<GetBucketTaggingOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const tags = await deps.buckets.getConfig<Tag[]>(bucket.name, 'tagging');
  if (!tags || tags.length === 0) throw noSuchTagSet(bucket.name);
  return { TagSet: tags };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketTagging.html */
export async function deleteBucketTagging(deps: S3Deps, _ctx: RequestContext, input: DeleteBucketTaggingRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  await deps.buckets.deleteConfig(bucket.name, 'tagging');
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketOwnershipControls.html */
export async function putBucketOwnershipControls(deps: S3Deps, _ctx: RequestContext, input: PutBucketOwnershipControlsRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const rules = input.OwnershipControls.Rules;
  if (rules.length !== 1) throw malformedXmlError();
  const ownership = rules[0]!.ObjectOwnership;
  // ACLs are disabled by BucketOwnerEnforced: refused while the bucket ACL still grants others.
  if (ownership === 'BucketOwnerEnforced' && !grantsOnlyOwner(bucket.acl, await deps.accounts.canonicalId(bucket.accountId))) {
    throw invalidBucketAclWithObjectOwnership();
  }
  await deps.buckets.update(bucket.name, { objectOwnership: ownership });
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketOwnershipControls.html */
export async function getBucketOwnershipControls(deps: S3Deps, _ctx: RequestContext, input: GetBucketOwnershipControlsRequest): Promise<GetBucketOwnershipControlsOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  if (bucket.objectOwnership === null) throw ownershipControlsNotFound(bucket.name);
  return { OwnershipControls: { Rules: [{ ObjectOwnership: bucket.objectOwnership }] } };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketOwnershipControls.html */
export async function deleteBucketOwnershipControls(deps: S3Deps, _ctx: RequestContext, input: DeleteBucketOwnershipControlsRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  await deps.buckets.update(bucket.name, { objectOwnership: null });
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html */
export async function putPublicAccessBlock(deps: S3Deps, _ctx: RequestContext, input: PutPublicAccessBlockRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const c = input.PublicAccessBlockConfiguration;
  // Settings left out are false, as S3 stores them.
  const stored: PublicAccessBlockConfiguration = {
    BlockPublicAcls: c.BlockPublicAcls ?? false, IgnorePublicAcls: c.IgnorePublicAcls ?? false,
    BlockPublicPolicy: c.BlockPublicPolicy ?? false, RestrictPublicBuckets: c.RestrictPublicBuckets ?? false,
  };
  await deps.buckets.putConfig(bucket.name, 'public-access-block', stored);
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html */
export async function getPublicAccessBlock(deps: S3Deps, _ctx: RequestContext, input: GetPublicAccessBlockRequest): Promise<GetPublicAccessBlockOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const stored = await deps.buckets.getConfig<PublicAccessBlockConfiguration>(bucket.name, 'public-access-block');
  if (!stored) throw noSuchPublicAccessBlock(bucket.name);
  return { PublicAccessBlockConfiguration: stored };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeletePublicAccessBlock.html */
export async function deletePublicAccessBlock(deps: S3Deps, _ctx: RequestContext, input: DeletePublicAccessBlockRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  await deps.buckets.deleteConfig(bucket.name, 'public-access-block');
}
