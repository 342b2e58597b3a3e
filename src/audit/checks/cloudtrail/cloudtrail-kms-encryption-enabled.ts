import { fail, pass } from '../lib/results.js';
import { perTrail } from '../lib/cloudtrail.js';
import type { Check } from '../types.js';

/** Log files encrypted with a KMS key (SSE-KMS) rather than S3-managed keys. */
export const check: Check = {
  id: 'cloudtrail_kms_encryption_enabled',
  title: 'CloudTrail trail logs are encrypted at rest with a KMS key',
  severity: 'medium',
  service: 'cloudtrail',
  resourceType: 'AwsCloudTrailTrail',
  cis: ['3.5'],
  risk: 'Without a KMS key, anyone who can read the log bucket can read the logs; with one, the key policy is a second gate.',
  remediation: 'Give the trail a customer managed KMS key whose policy lets CloudTrail encrypt.',
  cli: 'aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn>',
  url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html',
  uses: ['cloudtrail'],
  run: (inv) => perTrail(inv, (t, r) => [t.kmsKeyId
    ? pass(r, `Trail ${t.name} has encryption enabled.`)
    : fail(r, `Trail ${t.name} has encryption disabled.`)]),
};
