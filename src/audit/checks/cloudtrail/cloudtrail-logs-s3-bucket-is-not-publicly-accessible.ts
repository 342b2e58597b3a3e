import { fail, pass } from '../lib/results.js';
import { perTrailBucket } from '../lib/cloudtrail.js';
import { aclsIgnored, policyIsPublic, policyRestricted, publicGrants } from '../lib/s3.js';
import type { Check } from '../types.js';

/** The bucket holding a trail's logs must not be public (by ACL or policy, after Block Public Access). */
export const check: Check = {
  id: 'cloudtrail_logs_s3_bucket_is_not_publicly_accessible',
  title: 'CloudTrail trail S3 bucket is not publicly accessible',
  severity: 'critical',
  service: 'cloudtrail',
  resourceType: 'AwsS3Bucket',
  cis: [],
  risk: 'Public trail logs show an attacker every API call, principal and resource in the account.',
  remediation: 'Remove public grants and statements from the trail bucket and turn on Block Public Access.',
  cli: 'aws s3api put-public-access-block --bucket <trail-bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
  url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html',
  uses: ['cloudtrail', 's3'],
  run: (inv) => perTrailBucket(inv, (t, b, r) => {
    const s3 = inv.s3!;
    const byAcl = b.acl.ok && !aclsIgnored(b, s3) && publicGrants(b.acl.value.grants).length > 0;
    const byPolicy = b.policy.ok && !policyRestricted(b, s3) && policyIsPublic(b.policy.value);
    return [byAcl || byPolicy
      ? fail(r, `S3 Bucket ${b.name} from single region trail ${t.name} is publicly accessible (by its ${byAcl ? 'ACL' : 'policy'}).`)
      : pass(r, `S3 Bucket ${b.name} from single region trail ${t.name} is not publicly accessible.`)];
  }),
};
