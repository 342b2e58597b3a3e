import { fail, judge, pass } from '../lib/results.js';
import { perBucket } from '../lib/s3.js';
import type { Check } from '../types.js';

/** The bucket's server access logging. */
export const check: Check = {
  id: 's3_bucket_server_access_logging_enabled',
  title: 'S3 bucket has server access logging enabled',
  severity: 'medium',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: [],
  risk: 'Without access logs there is no record of who read or changed what in the bucket.',
  remediation: 'Enable server access logging to a separate log bucket.',
  cli: 'aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status \'{"LoggingEnabled":{"TargetBucket":"<log-bucket>","TargetPrefix":"<bucket>/"}}\'',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r) => judge(b.logging, r, (v) => [v !== null
    ? pass(r, `S3 Bucket ${b.name} has server access logging enabled.`)
    : fail(r, `S3 Bucket ${b.name} has server access logging disabled.`)])),
};
