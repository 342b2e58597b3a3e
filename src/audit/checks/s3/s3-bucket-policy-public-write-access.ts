import { fail, judge, pass } from '../lib/results.js';
import { eachStatement, perBucket, policyIsPublic, policyRestricted } from '../lib/s3.js';
import { actionMatches, statements } from '../lib/policy.js';
import type { Check } from '../types.js';

/** Actions that change a bucket's contents or its access control. */
const WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject', 's3:PutObjectAcl', 's3:PutBucketPolicy', 's3:PutBucketAcl', 's3:DeleteBucket', 's3:DeleteBucketPolicy'];

/** Bucket policies with a public statement that allows writing. */
export const check: Check = {
  id: 's3_bucket_policy_public_write_access',
  title: 'S3 bucket policy does not allow public write access',
  severity: 'critical',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: [],
  risk: 'A policy letting anyone write can be used to plant malware, overwrite data or run up storage costs.',
  remediation: 'Remove (or pin with conditions) the Allow statements granting write actions to Principal "*".',
  cli: 'aws s3api put-bucket-policy --bucket <bucket> --policy file://policy-without-public-write.json',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r, s3) => judge(b.policy, r, (policy) => {
    if (!policy) return [pass(r, `S3 Bucket ${b.name} does not have a bucket policy.`)];
    const writes = eachStatement(policy).filter((single) => policyIsPublic(single)
      && statements(single).some((s) => s.actions.some((a) => WRITE_ACTIONS.some((w) => actionMatches(a, w)))));
    if (writes.length === 0) return [pass(r, `S3 Bucket ${b.name} does not allow public write access in the bucket policy.`)];
    if (policyRestricted(b, s3)) return [pass(r, `S3 Bucket ${b.name} policy allows public write, but RestrictPublicBuckets limits it to the account.`)];
    return [fail(r, `S3 Bucket ${b.name} allows public write access in the bucket policy.`)];
  })),
};
