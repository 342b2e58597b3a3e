import { fail, pass } from '../lib/results.js';
import { inlineResource, perInlinePolicy } from '../lib/iam.js';
import { allowsAdmin } from '../lib/policy.js';
import type { Check } from '../types.js';

/** Inline policies (of users, groups, roles) granting `*:*`. */
export const check: Check = {
  id: 'iam_inline_policy_no_administrative_privileges',
  title: "Inline IAM policy does not allow '*:*' administrative privileges",
  severity: 'critical',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: ['1.16'],
  risk: 'Whoever holds a "*:*" policy can do anything in the account, and inline policies are the easiest to overlook.',
  remediation: 'Replace the inline policy with a managed policy granting only the needed actions.',
  cli: 'aws iam delete-user-policy --user-name <user> --policy-name <policy>   # or delete-group-policy / delete-role-policy',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html',
  uses: ['iam'],
  run: (inv) => perInlinePolicy(inv, (holder, policy) => {
    const r = inlineResource(holder, policy.name);
    return allowsAdmin(policy.document)
      ? fail(r, `${holder.kind} ${holder.name} inline policy ${policy.name} allows '*:*' administrative privileges.`)
      : pass(r, `${holder.kind} ${holder.name} inline policy ${policy.name} does not allow '*:*' administrative privileges.`);
  }),
};
