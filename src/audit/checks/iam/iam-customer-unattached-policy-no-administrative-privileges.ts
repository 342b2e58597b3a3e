import { fail, pass } from '../lib/results.js';
import { perManagedPolicy } from '../lib/iam.js';
import { allowsAdmin } from '../lib/policy.js';
import type { Check } from '../types.js';

/** Unattached customer managed policies granting `*:*`: one attach away from full access. */
export const check: Check = {
  id: 'iam_customer_unattached_policy_no_administrative_privileges',
  title: "Unattached customer managed IAM policy does not allow '*:*' administrative privileges",
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: [],
  risk: 'An administrative policy lying around unattached is one AttachUserPolicy away from a new administrator.',
  remediation: 'Delete unattached administrative policies, or narrow them to what they were meant for.',
  cli: 'aws iam delete-policy --policy-arn <policy-arn>',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-delete.html',
  uses: ['iam'],
  run: (inv) => perManagedPolicy(inv, 'customer', (p) => p.attachmentCount === 0, (p, doc, r) => allowsAdmin(doc)
    ? fail(r, `Custom policy ${p.name} is unattached and allows '*:*' administrative privileges.`)
    : pass(r, `Custom policy ${p.name} is unattached and does not allow '*:*' administrative privileges.`)),
};
