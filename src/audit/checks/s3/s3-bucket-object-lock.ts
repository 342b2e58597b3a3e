import { fail, judge, pass } from '../lib/results.js';
import { perBucket } from '../lib/s3.js';
import type { Check } from '../types.js';

/** The bucket's Object Lock. */
export const check: Check = {
  id: 's3_bucket_object_lock',
  title: 'S3 bucket has Object Lock enabled',
  severity: 'low',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: [],
  risk: 'Without Object Lock, versions can be deleted by anyone with the permission, before any retention period.',
  remediation: 'Enable Object Lock (versioning required) with a default retention.',
  cli: 'aws s3api put-object-lock-configuration --bucket <bucket> --object-lock-configuration \'{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"GOVERNANCE","Days":30}}}\'',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r) => judge(b.objectLock, r, (v) => [v
    ? pass(r, `S3 Bucket ${b.name} has Object Lock enabled.`)
    : fail(r, `S3 Bucket ${b.name} has Object Lock disabled.`)])),
};
