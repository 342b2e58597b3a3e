import { fail, judge, pass } from '../lib/results.js';
import { eachStatement, perBucket, policyIsPublic } from '../lib/s3.js';
import { principalAccounts, statements } from '../lib/policy.js';
import type { Check } from '../types.js';

/** Bucket policies granting access to other accounts (or to everyone). */
export const check: Check = {
  id: 's3_bucket_cross_account_access',
  title: 'S3 bucket policy does not allow cross-account access',
  severity: 'high',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: [],
  risk: 'Another account with access to the bucket is outside your controls: its users, its keys, its mistakes.',
  remediation: 'Limit the bucket policy\'s Allow statements to principals of this account, or review each trusted account.',
  cli: 'aws s3api put-bucket-policy --bucket <bucket> --policy file://policy-own-account-only.json',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r) => judge(b.policy, r, (policy) => {
    if (!policy) return [pass(r, `S3 Bucket ${b.name} does not have a bucket policy.`)];
    const others = new Set<string>();
    let everyone = false;
    for (const single of eachStatement(policy)) {
      for (const s of statements(single)) {
        if (s.effect !== 'Allow') continue;
        if (policyIsPublic(single)) everyone = true;
        for (const id of principalAccounts(s)) if (id !== inv.account.id) others.add(id);
      }
    }
    if (everyone) return [fail(r, `S3 Bucket ${b.name} has a bucket policy allowing access to everyone.`)];
    if (others.size > 0) return [fail(r, `S3 Bucket ${b.name} has a bucket policy allowing cross account access to ${[...others].join(', ')}.`)];
    return [pass(r, `S3 Bucket ${b.name} has a bucket policy allowing access only to this account.`)];
  })),
};
