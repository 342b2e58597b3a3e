import { fail, pass } from '../lib/results.js';
import { awsPolicyArn, holdersOf, iamResource } from '../lib/iam.js';
import type { Check } from '../types.js';

/** AWSCloudShellFullAccess lets its holders move files in and out of the account through CloudShell. */
export const check: Check = {
  id: 'iam_policy_cloudshell_admin_not_attached',
  title: 'No IAM users, groups, or roles have the AWSCloudShellFullAccess policy attached',
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: ['1.22'],
  risk: 'CloudShell with full access allows uploading and downloading files and running any CLI command from inside the account.',
  remediation: 'Detach AWSCloudShellFullAccess; grant a narrower CloudShell policy where it is needed.',
  cli: 'aws iam detach-user-policy --user-name <user> --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess   # or detach-group-policy / detach-role-policy',
  url: 'https://docs.aws.amazon.com/cloudshell/latest/userguide/sec-auth-with-identities.html',
  uses: ['iam'],
  run: (inv) => {
    const { holders, errors } = holdersOf(inv, ['user', 'group', 'role'], 'AWSCloudShellFullAccess');
    const r = iamResource(awsPolicyArn(inv, 'AWSCloudShellFullAccess'), 'AWSCloudShellFullAccess');
    if (holders.length > 0) return [fail(r, `AWSCloudShellFullAccess is attached to ${holders.map((h) => `${h.kind} ${h.name}`).join(', ')}.`)];
    return errors.length > 0 ? errors : [pass(r, 'AWSCloudShellFullAccess is not attached to any user, group or role.')];
  },
};
