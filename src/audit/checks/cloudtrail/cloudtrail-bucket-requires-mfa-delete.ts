import { fail, judge, pass } from '../lib/results.js';
import { perTrailBucket } from '../lib/cloudtrail.js';
import type { Check } from '../types.js';

/** MFA Delete on the trail's bucket, so stolen credentials cannot erase the audit logs. */
export const check: Check = {
  id: 'cloudtrail_bucket_requires_mfa_delete',
  title: 'CloudTrail trail S3 bucket has MFA delete enabled',
  severity: 'medium',
  service: 'cloudtrail',
  resourceType: 'AwsCloudTrailTrail',
  cis: [],
  risk: 'Without MFA Delete, whoever steals credentials with s3:DeleteObjectVersion can erase the evidence.',
  remediation: 'Enable versioning with MFA Delete on the trail bucket (as the root user).',
  cli: "aws s3api put-bucket-versioning --bucket <trail-bucket> --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa '<root-mfa-serial> <code>'",
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html',
  uses: ['cloudtrail', 's3'],
  run: (inv) => perTrailBucket(inv, (t, b, r) => judge(b.versioning, r, (v) => [v.mfaDelete === 'Enabled'
    ? pass(r, `Trail ${t.name} bucket (${b.name}) has MFA delete enabled.`)
    : fail(r, `Trail ${t.name} bucket (${b.name}) does not have MFA delete enabled.`)])),
};
