import { accountResource, fail, judge, pass, withS3 } from '../lib/results.js';
import type { Check } from '../types.js';

/** Account-wide Block Public Access (S3 Control GetPublicAccessBlock). */
export const check: Check = {
  id: 's3_account_level_public_access_blocks',
  title: 'S3 account-level Block Public Access ignores public ACLs and restricts public buckets',
  severity: 'high',
  service: 's3',
  resourceType: 'AwsS3AccountPublicAccessBlock',
  cis: ['2.1.4'],
  risk: 'Without the account-wide setting, any one bucket ACL or policy mistake can publish data.',
  remediation: 'Turn on all four Block Public Access settings for the account.',
  cli: 'aws s3control put-public-access-block --account-id <account-id> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-account.html',
  uses: ['s3'],
  run: (inv) => withS3(inv, (s3) => {
    const r = accountResource(inv, 's3');
    return judge(s3.accountPublicAccessBlock, r, (block) => [block?.ignorePublicAcls && block.restrictPublicBuckets
      ? pass(r, `Block Public Access is configured for the account ${inv.account.id}.`)
      : fail(r, `Block Public Access is not configured for the account ${inv.account.id}.`)]);
  }),
};
