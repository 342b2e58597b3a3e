import { fail, judge, pass } from '../lib/results.js';
import { perBucket } from '../lib/s3.js';
import type { Check } from '../types.js';

/** The bucket's lifecycle rules. */
export const check: Check = {
  id: 's3_bucket_lifecycle_enabled',
  title: 'S3 bucket has a lifecycle configuration enabled',
  severity: 'low',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: [],
  risk: 'Without lifecycle rules, old versions and forgotten data pile up, kept (and exposed) longer than needed.',
  remediation: 'Add lifecycle rules that expire or transition old objects and noncurrent versions.',
  cli: 'aws s3api put-bucket-lifecycle-configuration --bucket <bucket> --lifecycle-configuration file://lifecycle.json',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r) => judge(b.lifecycleRules, r, (v) => [v > 0
    ? pass(r, `S3 Bucket ${b.name} has a lifecycle configuration enabled.`)
    : fail(r, `S3 Bucket ${b.name} does not have a lifecycle configuration enabled.`)])),
};
