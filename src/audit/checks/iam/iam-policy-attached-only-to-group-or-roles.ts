import { fail, pass, unreadable } from '../lib/results.js';
import { iamResource, perUser } from '../lib/iam.js';
import type { Check } from '../types.js';

/** Users should get permissions through groups (or roles), not policies of their own. */
export const check: Check = {
  id: 'iam_policy_attached_only_to_group_or_roles',
  title: 'IAM user has no inline or attached policies',
  severity: 'low',
  service: 'iam',
  resourceType: 'AwsIamUser',
  cis: ['1.15'],
  risk: 'Permissions scattered over individual users are hard to review and tend to outlive the job they were granted for.',
  remediation: 'Put users in groups that carry the policies; detach managed policies and delete inline policies from users.',
  cli: 'aws iam add-user-to-group --user-name <user> --group-name <group> && aws iam detach-user-policy --user-name <user> --policy-arn <policy-arn>',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html',
  uses: ['iam'],
  run: (inv) => perUser(inv, (user) => {
    const r = iamResource(user.arn, user.name);
    if (!user.attachedPolicies.ok) return [unreadable(r, user.attachedPolicies.error)];
    if (!user.inlinePolicies.ok) return [unreadable(r, user.inlinePolicies.error)];
    const names = [
      ...user.attachedPolicies.value.map((p) => p.name),
      ...user.inlinePolicies.value.map((p) => `${p.name} (inline)`),
    ];
    return [names.length > 0
      ? fail(r, `User ${user.name} has policies attached directly: ${names.join(', ')}.`)
      : pass(r, `User ${user.name} has no inline or attached policies.`)];
  }),
};
