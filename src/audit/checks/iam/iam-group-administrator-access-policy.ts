import { awsPolicyAttachedTo } from '../lib/iam.js';
import type { Check } from '../types.js';

/** AdministratorAccess attached to an IAM group. */
export const check: Check = {
  id: 'iam_group_administrator_access_policy',
  title: 'IAM group does not have AdministratorAccess policy attached',
  severity: 'high',
  service: 'iam',
  resourceType: 'AwsIamGroup',
  cis: [],
  risk: 'AdministratorAccess allows every action on every resource: one compromised group credential is a compromised account.',
  remediation: 'Detach AdministratorAccess and grant the group only the permissions its work needs.',
  cli: 'aws iam detach-group-policy --group-name <group> --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
  url: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html',
  uses: ['iam'],
  run: (inv) => awsPolicyAttachedTo(inv, 'group', 'AdministratorAccess'),
};
