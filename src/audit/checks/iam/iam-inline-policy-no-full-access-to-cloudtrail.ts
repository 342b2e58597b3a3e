import { fail, pass } from '../lib/results.js';
import { inlineResource, perInlinePolicy } from '../lib/iam.js';
import { allowsFullService } from '../lib/policy.js';
import type { Check } from '../types.js';

/** Inline policies allowing cloudtrail:* on every resource. */
export const check: Check = {
  id: 'iam_inline_policy_no_full_access_to_cloudtrail',
  title: "Inline IAM policy does not allow 'cloudtrail:*' privileges",
  severity: 'high',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: [],
  risk: 'cloudtrail:* on "*" lets its holders stop or delete trails and so erase the audit record.',
  remediation: 'Replace cloudtrail:* with the specific CloudTrail actions and resources needed.',
  cli: 'aws iam put-user-policy --user-name <user> --policy-name <policy> --policy-document file://least-privilege.json   # or put-group-policy / put-role-policy',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
  uses: ['iam'],
  run: (inv) => perInlinePolicy(inv, (holder, policy) => {
    const r = inlineResource(holder, policy.name);
    return allowsFullService(policy.document, 'cloudtrail')
      ? fail(r, `${holder.kind} ${holder.name} inline policy ${policy.name} allows 'cloudtrail:*' privileges.`)
      : pass(r, `${holder.kind} ${holder.name} inline policy ${policy.name} does not allow 'cloudtrail:*' privileges.`);
  }),
};
