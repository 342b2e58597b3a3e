/**
 * A bucket's default encryption (PutBucketEncryption's one rule) as Coffer keeps it in
 * `s3_bucket_configs` under `encryption`, and what a bucket without one has: SSE-S3 (AES256, as
 * every bucket since 2023-01-05), no bucket key, and SSE-C blocked (AWS's default for new general
 * purpose buckets since April 2026: `BlockedEncryptionTypes` = SSE-C). Coffer never accepted SSE-C
 * before this setting existed, so no bucket holds SSE-C objects that would call for the exception
 * AWS made for accounts already using SSE-C.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-s3-c-encryption-setting-faq.html
 */
import type { BucketStore } from './bucket-store.js';

export interface BucketEncryption {
  algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  /** As PutBucketEncryption named it (S3 doesn't validate it until a write uses it). */
  kmsKeyId?: string;
  bucketKeyEnabled: boolean;
  /** `BlockedEncryptionTypes` holds SSE-C: writes naming SSE-C are refused (403). */
  blockSseC: boolean;
  /** A default was configured (not just the block): CopyObject then allows a copy onto itself. */
  explicit: boolean;
}

export const DEFAULT_BUCKET_ENCRYPTION: BucketEncryption = { algorithm: 'AES256', bucketKeyEnabled: false, blockSseC: true, explicit: false };

export async function bucketEncryption(buckets: BucketStore, bucket: string): Promise<BucketEncryption> {
  return (await buckets.getConfig<BucketEncryption>(bucket, 'encryption')) ?? DEFAULT_BUCKET_ENCRYPTION;
}
