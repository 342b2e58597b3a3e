/**
 * Default bucket encryption: PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption.
 * What a bucket without a configuration reports, and how writes use it: encryption-defaults.ts.
 *
 * - Exactly one rule, else MalformedXML; an algorithm outside AES256 / aws:kms / aws:kms:dsse is
 *   MalformedXML; a KMSMasterKeyID with AES256 is InvalidArgument (AWS's recorded answers).
 * - The key id is stored as given and not checked (S3 "doesn't validate the KMS key ID provided in
 *   PutBucketEncryption requests"); a write using it gets KMS's error then.
 * - `BlockedEncryptionTypes`: `SSE-C` blocks SSE-C writes, `NONE` allows them. A configuration that
 *   leaves it out keeps the bucket's current setting (AWS keeps the block of a bucket configured
 *   without the element), and so does DeleteBucketEncryption, which resets only the default
 *   encryption to SSE-S3.
 */
import type {
  DeleteBucketEncryptionRequest, GetBucketEncryptionOutput, GetBucketEncryptionRequest, PutBucketEncryptionRequest,
} from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { requireBucket, type S3Deps } from '../context.js';
import { bucketEncryption, DEFAULT_BUCKET_ENCRYPTION, type BucketEncryption } from '../encryption-defaults.js';
import { invalidArgument, malformedXmlError } from '../errors.js';

const ALGORITHMS = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html */
export async function putBucketEncryption(deps: S3Deps, _ctx: RequestContext, input: PutBucketEncryptionRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const rules = input.ServerSideEncryptionConfiguration.Rules ?? [];
  if (rules.length !== 1) throw malformedXmlError();
  const rule = rules[0]!;
  const byDefault = rule.ApplyServerSideEncryptionByDefault;
  const algorithm = byDefault?.SSEAlgorithm ?? 'AES256';
  if (!ALGORITHMS.has(algorithm)) throw malformedXmlError();
  if (algorithm === 'AES256' && byDefault?.KMSMasterKeyID !== undefined) {
    throw invalidArgument('a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse', 'ApplyServerSideEncryptionByDefault');
  }
  const blocked = rule.BlockedEncryptionTypes?.EncryptionType ?? [];
  const current = await bucketEncryption(deps.buckets, bucket.name);
  const config: BucketEncryption = {
    algorithm: algorithm as BucketEncryption['algorithm'],
    kmsKeyId: byDefault?.KMSMasterKeyID,
    bucketKeyEnabled: rule.BucketKeyEnabled ?? false,
    blockSseC: blocked.length === 0 ? current.blockSseC : blocked.includes('SSE-C'),
    explicit: byDefault !== undefined,
  };
  await deps.buckets.putConfig(bucket.name, 'encryption', config);
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html */
export async function getBucketEncryption(deps: S3Deps, _ctx: RequestContext, input: GetBucketEncryptionRequest): Promise<GetBucketEncryptionOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const config = await bucketEncryption(deps.buckets, bucket.name);
  return {
    ServerSideEncryptionConfiguration: {
      Rules: [{
        ApplyServerSideEncryptionByDefault: { SSEAlgorithm: config.algorithm, KMSMasterKeyID: config.kmsKeyId },
        BucketKeyEnabled: config.bucketKeyEnabled,
        BlockedEncryptionTypes: { EncryptionType: [config.blockSseC ? 'SSE-C' : 'NONE'] },
      }],
    },
  };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketEncryption.html */
export async function deleteBucketEncryption(deps: S3Deps, _ctx: RequestContext, input: DeleteBucketEncryptionRequest): Promise<void> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const { blockSseC } = await bucketEncryption(deps.buckets, bucket.name);
  if (blockSseC === DEFAULT_BUCKET_ENCRYPTION.blockSseC) await deps.buckets.deleteConfig(bucket.name, 'encryption');
  else await deps.buckets.putConfig(bucket.name, 'encryption', { ...DEFAULT_BUCKET_ENCRYPTION, blockSseC });
}
