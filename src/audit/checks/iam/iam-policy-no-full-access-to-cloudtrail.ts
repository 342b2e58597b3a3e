import { fail, pass } from '../lib/results.js';
import { perManagedPolicy } from '../lib/iam.js';
import { allowsFullService } from '../lib/policy.js';
import type { Check } from '../types.js';

/** Customer managed policies allowing cloudtrail:* on every resource. */
export const check: Check = {
  id: 'iam_policy_no_full_access_to_cloudtrail',
  title: "Customer managed IAM policy does not allow 'cloudtrail:*' privileges",
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: [],
  risk: 'cloudtrail:* on "*" lets its holders stop or delete trails and so erase the audit record.',
  remediation: 'Replace cloudtrail:* with the specific CloudTrail actions and resources needed.',
  cli: 'aws iam create-policy-version --policy-arn <policy-arn> --policy-document file://least-privilege.json --set-as-default',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
  uses: ['iam'],
  run: (inv) => perManagedPolicy(inv, 'customer', () => true, (p, doc, r) => allowsFullService(doc, 'cloudtrail')
    ? fail(r, `Custom policy ${p.name} allows 'cloudtrail:*' privileges.`)
    : pass(r, `Custom policy ${p.name} does not allow 'cloudtrail:*' privileges.`)),
};
