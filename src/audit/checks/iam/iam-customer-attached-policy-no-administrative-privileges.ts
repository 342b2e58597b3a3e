import { fail, pass } from '../lib/results.js';
import { perManagedPolicy } from '../lib/iam.js';
import { allowsAdmin } from '../lib/policy.js';
import type { Check } from '../types.js';

/** Attached customer managed policies granting `*:*`. */
export const check: Check = {
  id: 'iam_customer_attached_policy_no_administrative_privileges',
  title: "Attached IAM customer-managed policy does not allow '*:*' administrative privileges",
  severity: 'high',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: ['1.16'],
  risk: 'Whoever holds a "*:*" policy can do anything in the account, including removing every other control.',
  remediation: 'Replace the statement allowing "*" on "*" with the actions and resources the holders need.',
  cli: 'aws iam create-policy-version --policy-arn <policy-arn> --policy-document file://least-privilege.json --set-as-default',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
  uses: ['iam'],
  run: (inv) => perManagedPolicy(inv, 'customer', (p) => p.attachmentCount > 0, (p, doc, r) => allowsAdmin(doc)
    ? fail(r, `Custom policy ${p.name} is attached and allows '*:*' administrative privileges.`)
    : pass(r, `Custom policy ${p.name} is attached but does not allow '*:*' administrative privileges.`)),
};
