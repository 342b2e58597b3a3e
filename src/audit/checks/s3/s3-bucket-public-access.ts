import { fail, pass, unreadable } from '../lib/results.js';
import { accountCaveat, aclsIgnored, perBucket, policyIsPublic, policyRestricted, publicGrants } from '../lib/s3.js';
import type { Check } from '../types.js';

/** Buckets readable or writable by everyone through their ACL or their policy, after Block Public Access. */
export const check: Check = {
  id: 's3_bucket_public_access',
  title: 'S3 bucket is not publicly accessible to Everyone or Authenticated Users',
  severity: 'critical',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: [],
  risk: 'A public bucket exposes its objects (and sometimes write access) to anyone on the internet.',
  remediation: 'Remove public ACL grants and public policy statements, and turn on Block Public Access.',
  cli: 'aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r, s3) => {
    if (!b.publicAccessBlock.ok) return [unreadable(r, b.publicAccessBlock.error)];
    const byAcl = !aclsIgnored(b, s3) && (b.acl.ok ? publicGrants(b.acl.value.grants).length > 0 : undefined);
    const byPolicy = !policyRestricted(b, s3) && (b.policy.ok ? policyIsPublic(b.policy.value) : undefined);
    if (byAcl) return [fail(r, `S3 Bucket ${b.name} has public access due to bucket ACL${accountCaveat(s3)}.`)];
    if (byPolicy) return [fail(r, `S3 Bucket ${b.name} has public access due to bucket policy${accountCaveat(s3)}.`)];
    // Neither is public as far as was read: an unread ACL or policy leaves the answer open.
    if (byAcl === undefined && !b.acl.ok) return [unreadable(r, b.acl.error)];
    if (byPolicy === undefined && !b.policy.ok) return [unreadable(r, b.policy.error)];
    return [pass(r, `S3 Bucket ${b.name} is not public.`)];
  }),
};
