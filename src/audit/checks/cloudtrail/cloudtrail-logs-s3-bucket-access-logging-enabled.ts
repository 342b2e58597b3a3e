import { fail, judge, pass } from '../lib/results.js';
import { perTrailBucket } from '../lib/cloudtrail.js';
import type { Check } from '../types.js';

/** Server access logging on the trail's bucket: who reads or deletes the audit logs (CIS 3.4). */
export const check: Check = {
  id: 'cloudtrail_logs_s3_bucket_access_logging_enabled',
  title: 'CloudTrail trail destination S3 bucket has access logging enabled',
  severity: 'medium',
  service: 'cloudtrail',
  resourceType: 'AwsCloudTrailTrail',
  cis: ['3.4'],
  risk: 'Without access logs on the trail bucket, reads and deletions of the audit logs themselves leave no trace.',
  remediation: 'Enable server access logging on the trail bucket, into a separate bucket.',
  cli: 'aws s3api put-bucket-logging --bucket <trail-bucket> --bucket-logging-status \'{"LoggingEnabled":{"TargetBucket":"<log-bucket>","TargetPrefix":"<trail-bucket>/"}}\'',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html',
  uses: ['cloudtrail', 's3'],
  run: (inv) => perTrailBucket(inv, (t, b, r) => judge(b.logging, r, (logging) => [logging
    ? pass(r, `Trail ${t.name} S3 bucket access logging is enabled.`)
    : fail(r, `Trail ${t.name} S3 bucket access logging is not enabled for bucket ${b.name}.`)])),
};
