import { fail, pass } from '../lib/results.js';
import { awsPolicyArn, holdersOf, iamResource } from '../lib/iam.js';
import type { Check } from '../types.js';

/** A role holding SecurityAudit, so audits run with read-only, least-privilege credentials. */
export const check: Check = {
  id: 'iam_securityaudit_role_created',
  title: 'At least one IAM role has the SecurityAudit AWS managed policy attached',
  severity: 'low',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: [],
  risk: 'Without an audit role, security reviews tend to run with administrator credentials.',
  remediation: 'Create a role for auditors and attach SecurityAudit to it.',
  cli: 'aws iam create-role --role-name security-audit --assume-role-policy-document file://trust.json && aws iam attach-role-policy --role-name security-audit --policy-arn arn:aws:iam::aws:policy/SecurityAudit',
  url: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/SecurityAudit.html',
  uses: ['iam'],
  run: (inv) => {
    const { holders, errors } = holdersOf(inv, ['role'], 'SecurityAudit');
    const r = iamResource(awsPolicyArn(inv, 'SecurityAudit'), 'SecurityAudit');
    if (holders.length > 0) return [pass(r, `SecurityAudit policy attached to role ${holders.map((h) => h.name).join(', ')}.`)];
    return errors.length > 0 ? errors : [fail(r, 'SecurityAudit policy is not attached to any role.')];
  },
};
