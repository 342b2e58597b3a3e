import { awsPolicyAttachedTo } from '../lib/iam.js';
import type { Check } from '../types.js';

/** AdministratorAccess attached to an IAM role. */
export const check: Check = {
  id: 'iam_role_administratoraccess_policy',
  title: 'IAM role does not have AdministratorAccess policy attached',
  severity: 'high',
  service: 'iam',
  resourceType: 'AwsIamRole',
  cis: [],
  risk: 'AdministratorAccess allows every action on every resource: one compromised role credential is a compromised account.',
  remediation: 'Detach AdministratorAccess and grant the role only the permissions its work needs.',
  cli: 'aws iam detach-role-policy --role-name <role> --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
  url: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html',
  uses: ['iam'],
  run: (inv) => awsPolicyAttachedTo(inv, 'role', 'AdministratorAccess'),
};
