import { fail, judge, pass } from '../lib/results.js';
import { perBucket } from '../lib/s3.js';
import type { Check } from '../types.js';

/** The bucket's versioning. */
export const check: Check = {
  id: 's3_bucket_object_versioning',
  title: 'S3 bucket has object versioning enabled',
  severity: 'medium',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: [],
  risk: 'Without versioning, an overwrite or delete (by mistake or by ransomware) loses the data for good.',
  remediation: 'Enable versioning on the bucket.',
  cli: 'aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r) => judge(b.versioning, r, (v) => [v.status === 'Enabled'
    ? pass(r, `S3 Bucket ${b.name} has versioning enabled.`)
    : fail(r, `S3 Bucket ${b.name} has versioning disabled.`)])),
};
