import { fail, pass } from '../lib/results.js';
import { inlineResource, perInlinePolicy } from '../lib/iam.js';
import { allowsFullService } from '../lib/policy.js';
import type { Check } from '../types.js';

/** Inline policies allowing kms:* on every resource. */
export const check: Check = {
  id: 'iam_inline_policy_no_full_access_to_kms',
  title: "Inline IAM policy does not allow 'kms:*' privileges",
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: [],
  risk: 'kms:* on "*" lets its holders decrypt any data, change key policies and schedule keys for deletion.',
  remediation: 'Replace kms:* with the specific KMS actions and resources needed.',
  cli: 'aws iam put-user-policy --user-name <user> --policy-name <policy> --policy-document file://least-privilege.json   # or put-group-policy / put-role-policy',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
  uses: ['iam'],
  run: (inv) => perInlinePolicy(inv, (holder, policy) => {
    const r = inlineResource(holder, policy.name);
    return allowsFullService(policy.document, 'kms')
      ? fail(r, `${holder.kind} ${holder.name} inline policy ${policy.name} allows 'kms:*' privileges.`)
      : pass(r, `${holder.kind} ${holder.name} inline policy ${policy.name} does not allow 'kms:*' privileges.`);
  }),
};
