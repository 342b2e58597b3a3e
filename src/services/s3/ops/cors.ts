/**
 * Put/Get/DeleteBucketCors, and the two CORS answers the gateway asks for outside any model
 * operation: the preflight of an `OPTIONS` request and the headers of a cross-origin response.
 */
import type { CORSRule, DeleteBucketCorsRequest, GetBucketCorsOutput, GetBucketCorsRequest, PutBucketCorsRequest } from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { checkCorsRules, preflight, responseCorsHeaders } from '../cors.js';
import { noSuchCors } from '../errors.js';
import { requireBucket, type S3Deps } from '../context.js';

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html */
export async function putBucketCors(deps: S3Deps, _ctx: RequestContext, input: PutBucketCorsRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  checkCorsRules(input.CORSConfiguration.CORSRules);
  await deps.buckets.putConfig(bucket.name, 'cors', input.CORSConfiguration.CORSRules);
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketCors.html */
export async function getBucketCors(deps: S3Deps, _ctx: RequestContext, input: GetBucketCorsRequest): Promise<GetBucketCorsOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const rules = await deps.buckets.getConfig<CORSRule[]>(bucket.name, 'cors');
  if (!rules) throw noSuchCors(bucket.name);
  return { CORSRules: rules };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketCors.html */
export async function deleteBucketCors(deps: S3Deps, _ctx: RequestContext, input: DeleteBucketCorsRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  await deps.buckets.deleteConfig(bucket.name, 'cors');
}

/** An `OPTIONS` request on a bucket or object, as the gateway sees it (headers lower-cased). */
export interface PreflightInput {
  bucket: string;
  key?: string;
  headers: Record<string, string>;
}

/**
 * The answer to a CORS preflight (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html):
 * the response headers of a 200, or S3's AwsError. Needs no authentication, as on AWS.
 */
export async function corsPreflight(deps: S3Deps, req: PreflightInput): Promise<Record<string, string>> {
  const bucket = await deps.buckets.get(req.bucket);
  return preflight({
    bucketExists: bucket !== undefined,
    rules: bucket ? await deps.buckets.getConfig<CORSRule[]>(bucket.name, 'cors') : undefined,
    resourceType: req.key === undefined ? 'BUCKET' : 'OBJECT',
    origin: req.headers.origin,
    requestMethod: req.headers['access-control-request-method'],
    requestHeaders: req.headers['access-control-request-headers'],
  });
}

/** The CORS headers for the response to an actual (non-preflight) request on `bucket`. */
export async function corsResponseHeaders(deps: S3Deps, bucket: string, method: string, origin: string | undefined): Promise<Record<string, string>> {
  if (!origin) return {};
  return responseCorsHeaders(await deps.buckets.getConfig<CORSRule[]>(bucket, 'cors'), origin, method);
}
