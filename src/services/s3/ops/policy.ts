/**
 * Bucket policies: stored as sent (after the checks S3 makes), returned as stored, and handed to
 * the authorizer as the bucket's resource policy (actions.ts).
 */
import type {
  DeleteBucketPolicyRequest, GetBucketPolicyOutput, GetBucketPolicyRequest, GetBucketPolicyStatusOutput,
  GetBucketPolicyStatusRequest, PutBucketPolicyRequest,
} from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { noSuchBucketPolicy } from '../errors.js';
import { isPublicPolicy } from '../../../authz/public-policy.js';
import { checkBucketPolicy } from '../policy.js';
import { checkPolicyWrite } from '../public-access.js';
import { requireBucket, type S3Deps } from '../context.js';

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html */
export async function putBucketPolicy(deps: S3Deps, _ctx: RequestContext, input: PutBucketPolicyRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  checkBucketPolicy(input.Policy, bucket.name);
  await checkPolicyWrite(deps.buckets, bucket, input.Policy);
  await deps.buckets.putConfig(bucket.name, 'policy', input.Policy);
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html */
export async function getBucketPolicy(deps: S3Deps, _ctx: RequestContext, input: GetBucketPolicyRequest): Promise<GetBucketPolicyOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const policy = await deps.buckets.getConfig<string>(bucket.name, 'policy');
  if (policy === undefined) throw noSuchBucketPolicy(bucket.name);
  return { Policy: policy };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketPolicy.html */
export async function deleteBucketPolicy(deps: S3Deps, _ctx: RequestContext, input: DeleteBucketPolicyRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  await deps.buckets.deleteConfig(bucket.name, 'policy');
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicyStatus.html */
export async function getBucketPolicyStatus(deps: S3Deps, _ctx: RequestContext, input: GetBucketPolicyStatusRequest): Promise<GetBucketPolicyStatusOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const policy = await deps.buckets.getConfig<string>(bucket.name, 'policy');
  if (policy === undefined) throw noSuchBucketPolicy(bucket.name);
  return { PolicyStatus: { IsPublic: isPublicPolicy(policy) } };
}
