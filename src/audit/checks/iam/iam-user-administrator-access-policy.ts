import { awsPolicyAttachedTo } from '../lib/iam.js';
import type { Check } from '../types.js';

/** AdministratorAccess attached to an IAM user. */
export const check: Check = {
  id: 'iam_user_administrator_access_policy',
  title: 'IAM user does not have AdministratorAccess policy attached',
  severity: 'critical',
  service: 'iam',
  resourceType: 'AwsIamUser',
  cis: [],
  risk: 'AdministratorAccess allows every action on every resource: one compromised user credential is a compromised account.',
  remediation: 'Detach AdministratorAccess and grant the user only the permissions its work needs.',
  cli: 'aws iam detach-user-policy --user-name <user> --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
  url: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html',
  uses: ['iam'],
  run: (inv) => awsPolicyAttachedTo(inv, 'user', 'AdministratorAccess'),
};
