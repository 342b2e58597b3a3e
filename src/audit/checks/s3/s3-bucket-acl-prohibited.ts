import { fail, judge, pass } from '../lib/results.js';
import { perBucket } from '../lib/s3.js';
import type { Check } from '../types.js';

/** The bucket's object ownership (ACLs disabled or not). */
export const check: Check = {
  id: 's3_bucket_acl_prohibited',
  title: 'S3 bucket has bucket ACLs disabled',
  severity: 'medium',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: [],
  risk: 'ACLs are a second, easily overlooked access-control system; objects written by others may not even belong to you.',
  remediation: 'Set Object Ownership to BucketOwnerEnforced, which disables ACLs.',
  cli: 'aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls Rules=[{ObjectOwnership=BucketOwnerEnforced}]',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r) => judge(b.ownership, r, (v) => [v === 'BucketOwnerEnforced'
    ? pass(r, `S3 Bucket ${b.name} has bucket ACLs disabled.`)
    : fail(r, `S3 Bucket ${b.name} has bucket ACLs enabled.`)])),
};
