import { fail, judge, pass } from '../lib/results.js';
import { perBucket } from '../lib/s3.js';
import type { Check } from '../types.js';

/** The bucket's MFA Delete setting. */
export const check: Check = {
  id: 's3_bucket_no_mfa_delete',
  title: 'S3 bucket has MFA Delete enabled',
  severity: 'medium',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: ['2.1.2'],
  risk: 'Without MFA Delete, stolen credentials are enough to delete object versions and suspend versioning.',
  remediation: 'Enable MFA Delete (as the root user, with its MFA device).',
  cli: 'aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa \'<root-mfa-serial> <code>\'',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r) => judge(b.versioning, r, (v) => [v.mfaDelete === 'Enabled'
    ? pass(r, `S3 Bucket ${b.name} has MFA Delete enabled.`)
    : fail(r, `S3 Bucket ${b.name} has MFA Delete disabled.`)])),
};
