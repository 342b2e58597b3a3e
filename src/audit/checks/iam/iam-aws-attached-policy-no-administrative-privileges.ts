import { fail, pass } from '../lib/results.js';
import { perManagedPolicy } from '../lib/iam.js';
import { allowsAdmin } from '../lib/policy.js';
import type { Check } from '../types.js';

/** Attached AWS managed policies granting `*:*` (AdministratorAccess and the like). */
export const check: Check = {
  id: 'iam_aws_attached_policy_no_administrative_privileges',
  title: "Attached AWS-managed IAM policy does not allow '*:*' administrative privileges",
  severity: 'critical',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: ['1.16'],
  risk: 'Whoever holds a "*:*" policy can do anything in the account, including removing every other control.',
  remediation: 'Detach administrative AWS managed policies; grant the specific permissions each job needs.',
  cli: 'aws iam detach-role-policy --role-name <role> --policy-arn arn:aws:iam::aws:policy/AdministratorAccess   # or detach-user-policy / detach-group-policy',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
  uses: ['iam'],
  run: (inv) => perManagedPolicy(inv, 'aws', (p) => p.attachmentCount > 0, (p, doc, r) => allowsAdmin(doc)
    ? fail(r, `AWS managed policy ${p.name} is attached and allows '*:*' administrative privileges.`)
    : pass(r, `AWS managed policy ${p.name} is attached but does not allow '*:*' administrative privileges.`)),
};
