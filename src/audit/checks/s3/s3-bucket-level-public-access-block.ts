import { fail, judge, pass } from '../lib/results.js';
import { accountBlock, accountCaveat, perBucket } from '../lib/s3.js';
import type { Check } from '../types.js';

/** Bucket Block Public Access (IgnorePublicAcls + RestrictPublicBuckets), here or at the account. */
export const check: Check = {
  id: 's3_bucket_level_public_access_block',
  title: 'S3 bucket has Block Public Access with IgnorePublicAcls and RestrictPublicBuckets enabled at bucket or account level',
  severity: 'high',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  cis: ['2.1.4'],
  risk: 'Without Block Public Access, a single ACL or policy change is enough to make the bucket\'s data public.',
  remediation: 'Turn on Block Public Access for the bucket (or for the whole account).',
  cli: 'aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-bucket.html',
  uses: ['s3'],
  run: (inv) => perBucket(inv, (b, r, s3) => judge(b.publicAccessBlock, r, (own) => {
    if (own?.ignorePublicAcls && own.restrictPublicBuckets) return [pass(r, `Block Public Access is configured for the S3 Bucket ${b.name}.`)];
    const account = accountBlock(s3);
    if (account?.ignorePublicAcls && account.restrictPublicBuckets) {
      return [pass(r, `Block Public Access is configured for the S3 Bucket ${b.name} at account ${inv.account.id} level.`)];
    }
    return [fail(r, `Block Public Access is not configured for the S3 Bucket ${b.name}${accountCaveat(s3)}.`)];
  })),
};
