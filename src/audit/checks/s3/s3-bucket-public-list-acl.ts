import { fail, judge, pass } from '../lib/results.js';
import { aclsIgnored, granteeLabel, perBucket, publicGrants } from '../lib/s3.js';
import type { Check } from '../types.js';

/** Bucket ACLs letting everyone (or any AWS user) list the bucket. */
export const check: Check = {
  id: 's3_bucket_public_list_acl',
  title: 'S3 bucket is not publicly listable by Everyone or any authenticated AWS user',
  severity: 'critical',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: [],
  risk: 'A publicly listable bucket tells anyone every object name it holds, the first step to reading them.',
  remediation: 'Remove READ and FULL_CONTROL grants to AllUsers and AuthenticatedUsers, or disable ACLs (BucketOwnerEnforced).',
  cli: 'aws s3api put-bucket-acl --bucket <bucket> --acl private',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r, s3) => judge(b.acl, r, (acl) => {
    const listing = publicGrants(acl.grants).filter((g) => g.permission === 'READ' || g.permission === 'FULL_CONTROL');
    if (listing.length === 0) return [pass(r, `S3 Bucket ${b.name} is not publicly listable.`)];
    if (aclsIgnored(b, s3)) return [pass(r, `S3 Bucket ${b.name} grants public listing in its ACL, but Block Public Access ignores public ACLs.`)];
    return [fail(r, `S3 Bucket ${b.name} is listable by ${[...new Set(listing.map(granteeLabel))].join(' and ')}.`)];
  })),
};
