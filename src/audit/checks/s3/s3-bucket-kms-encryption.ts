import { fail, judge, pass } from '../lib/results.js';
import { perBucket } from '../lib/s3.js';
import type { Check } from '../types.js';

/** The bucket's default encryption. */
export const check: Check = {
  id: 's3_bucket_kms_encryption',
  title: 'S3 bucket has server-side encryption with AWS KMS',
  severity: 'medium',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: [],
  risk: 'Without SSE-KMS, access to the data is not also governed (and logged) by a key policy you control.',
  remediation: 'Set default encryption to SSE-KMS with a customer managed key.',
  cli: 'aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration \'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<key-arn>"},"BucketKeyEnabled":true}]}\'',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r) => judge(b.encryption, r, (v) => [v !== null && v.some((rule) => rule.algorithm === 'aws:kms' || rule.algorithm === 'aws:kms:dsse')
    ? pass(r, `S3 Bucket ${b.name} has Server Side Encryption with AWS KMS.`)
    : fail(r, `S3 Bucket ${b.name} is not encrypted with AWS KMS by default.`)])),
};
