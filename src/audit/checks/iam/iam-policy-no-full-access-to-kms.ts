import { fail, pass } from '../lib/results.js';
import { perManagedPolicy } from '../lib/iam.js';
import { allowsFullService } from '../lib/policy.js';
import type { Check } from '../types.js';

/** Customer managed policies allowing kms:* on every resource. */
export const check: Check = {
  id: 'iam_policy_no_full_access_to_kms',
  title: "Customer managed IAM policy does not allow 'kms:*' privileges",
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: [],
  risk: 'kms:* on "*" lets its holders decrypt any data, change key policies and schedule keys for deletion.',
  remediation: 'Replace kms:* with the specific KMS actions and resources needed.',
  cli: 'aws iam create-policy-version --policy-arn <policy-arn> --policy-document file://least-privilege.json --set-as-default',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
  uses: ['iam'],
  run: (inv) => perManagedPolicy(inv, 'customer', () => true, (p, doc, r) => allowsFullService(doc, 'kms')
    ? fail(r, `Custom policy ${p.name} allows 'kms:*' privileges.`)
    : pass(r, `Custom policy ${p.name} does not allow 'kms:*' privileges.`)),
};
