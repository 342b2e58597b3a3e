/**
 * Buckets themselves: CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation.
 */
import { AwsError } from '../../../errors.js';
import type {
  BucketLocationConstraint, CreateBucketOutput, CreateBucketRequest, DeleteBucketRequest, GetBucketLocationOutput,
  GetBucketLocationRequest, HeadBucketOutput, HeadBucketRequest, ListBucketsOutput, ListBucketsRequest,
} from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { aclFromRequest, grantsOnlyOwner, privateAcl } from '../acl.js';
import { isPublicAcl, NEW_BUCKET_BLOCK, publicAclOnNewBucket } from '../public-access.js';
import {
  accessDenied, bucketAlreadyExists, bucketAlreadyOwnedByYou, bucketNotEmpty, invalidArgument, invalidBucketAclWithObjectOwnership,
  invalidTag, noSuchBucket, notImplementedError,
} from '../errors.js';
import { checkBucketName } from '../names.js';
import { requireBucket, type S3Deps } from '../context.js';
import { checkTags } from '../tagging.js';

/** The region that takes no LocationConstraint (and answers re-creates by the owner with 200). */
const US_EAST_1 = 'us-east-1';
const MAX_BUCKETS_PER_PAGE = 10000;

/** Where a new bucket goes: the endpoint's region, or the one the LocationConstraint names. */
function location(endpointRegion: string, constraint: BucketLocationConstraint | undefined): { region: string; constraint: string } {
  if (constraint === undefined || (constraint as string) === '') {
    if (endpointRegion !== US_EAST_1) {
      throw new AwsError('IllegalLocationConstraintException',
        'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.', { status: 400 });
    }
    return { region: US_EAST_1, constraint: '' };
  }
  if ((constraint as string) === US_EAST_1) {
    throw new AwsError('InvalidLocationConstraint', 'The specified location-constraint is not valid', { status: 400, fields: { LocationConstraint: constraint } });
  }
  const region = constraint === 'EU' ? 'eu-west-1' : constraint;
  // us-east-1 (the global endpoint) creates buckets anywhere; every other endpoint only in its own region.
  if (endpointRegion !== US_EAST_1 && region !== endpointRegion) {
    throw new AwsError('IllegalLocationConstraintException',
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`, { status: 400 });
  }
  return { region, constraint };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html */
export async function createBucket(deps: S3Deps, ctx: RequestContext, input: CreateBucketRequest): Promise<CreateBucketOutput> {
  checkBucketName(input.Bucket);
  const config = input.CreateBucketConfiguration;
  if (config?.Location !== undefined || config?.Bucket !== undefined) throw notImplementedError('CreateBucketConfiguration');
  if (input.ObjectLockEnabledForBucket) throw notImplementedError('x-amz-bucket-object-lock-enabled');
  const place = location(ctx.region, config?.LocationConstraint);
  if (config?.Tags) {
    if (config.Tags.some((t) => t.Key.startsWith('aws:'))) {
      throw invalidTag('User-defined tag keys can\'t start with "aws:". This prefix is reserved for system tags. Remove "aws:" from your tag keys and try again.');
    }
    checkTags(config.Tags, 'bucket');
  }
  // New buckets have ACLs disabled unless the request says otherwise (S3's default since April 2023).
  const ownership = input.ObjectOwnership ?? 'BucketOwnerEnforced';
  const ownerId = await deps.accounts.canonicalId(ctx.accountId);
  const acl = await aclFromRequest(input, ownerId, ownerId, (id) => deps.accounts.isKnown(id));
  if (acl && ownership === 'BucketOwnerEnforced' && !grantsOnlyOwner(acl, ownerId)) throw invalidBucketAclWithObjectOwnership();
  // ... and all four Block Public Access settings on: a public ACL can only be put once they are lifted.
  if (acl && isPublicAcl(acl)) throw publicAclOnNewBucket();

  const existing = await deps.buckets.get(input.Bucket);
  if (existing) {
    if (existing.accountId !== ctx.accountId) throw bucketAlreadyExists(input.Bucket);
    // us-east-1 keeps its legacy answer to an owner re-creating a bucket: 200, and the ACL reset.
    if (existing.region !== US_EAST_1 || place.region !== US_EAST_1) throw bucketAlreadyOwnedByYou(input.Bucket);
    if (existing.objectOwnership !== 'BucketOwnerEnforced') await deps.buckets.update(existing.name, { acl: acl ?? privateAcl(ownerId) });
    return { Location: `/${input.Bucket}` };
  }
  const inserted = await deps.buckets.insert({
    name: input.Bucket, accountId: ctx.accountId, region: place.region, locationConstraint: place.constraint,
    createdAt: deps.clock.now(), objectOwnership: ownership, versioning: null, acl: acl ?? privateAcl(ownerId),
  }, { tagging: config?.Tags, 'public-access-block': NEW_BUCKET_BLOCK });
  // Lost a race with another creator of the same name: answer as if it had come first.
  if (!inserted) return createBucket(deps, ctx, input);
  return { Location: place.region === US_EAST_1 ? `/${input.Bucket}` : `http://${input.Bucket}.s3.amazonaws.com/` };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html */
export async function headBucket(deps: S3Deps, _ctx: RequestContext, input: HeadBucketRequest): Promise<HeadBucketOutput> {
  const bucket = await deps.buckets.get(input.Bucket);
  if (!bucket) throw noSuchBucket(input.Bucket);
  if (input.ExpectedBucketOwner !== undefined && input.ExpectedBucketOwner !== bucket.accountId) throw accessDenied({ 'x-amz-bucket-region': bucket.region });
  return { BucketRegion: bucket.region, AccessPointAlias: false };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html */
export async function deleteBucket(deps: S3Deps, _ctx: RequestContext, input: DeleteBucketRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const outcome = await deps.buckets.delete(bucket.name);
  if (outcome === 'missing') throw noSuchBucket(bucket.name);
  if (outcome === 'not-empty') throw bucketNotEmpty(bucket.name, bucket.versioning !== null);
}

function tokenAfter(token: string): string {
  const name = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) throw invalidArgument('The continuation token provided is incorrect', 'continuation-token');
  return name;
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html */
export async function listBuckets(deps: S3Deps, ctx: RequestContext, input: ListBucketsRequest): Promise<ListBucketsOutput> {
  const paged = input.MaxBuckets !== undefined || input.ContinuationToken !== undefined || input.Prefix !== undefined || input.BucketRegion !== undefined;
  const max = input.MaxBuckets ?? MAX_BUCKETS_PER_PAGE;
  if (max < 1 || max > MAX_BUCKETS_PER_PAGE) throw invalidArgument('Argument value is not a valid integer between 1 and 10000', 'max-buckets', String(max));
  const after = input.ContinuationToken === undefined ? undefined : tokenAfter(input.ContinuationToken);
  const rows = await deps.buckets.list(ctx.accountId, { prefix: input.Prefix, after, region: input.BucketRegion, limit: max + 1 });
  const page = rows.slice(0, max);
  const truncated = rows.length > max;
  return {
    Buckets: page.map((b) => ({ Name: b.name, CreationDate: b.createdAt, BucketRegion: paged ? b.region : undefined })),
    Owner: { ID: await deps.accounts.canonicalId(ctx.accountId) },
    ContinuationToken: truncated ? Buffer.from(page[page.length - 1]!.name, 'utf8').toString('base64url') : undefined,
    Prefix: input.Prefix,
  };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html */
export async function getBucketLocation(deps: S3Deps, _ctx: RequestContext, input: GetBucketLocationRequest): Promise<GetBucketLocationOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  return { LocationConstraint: bucket.locationConstraint as BucketLocationConstraint };
}
