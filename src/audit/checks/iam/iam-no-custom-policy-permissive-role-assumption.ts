import { fail, pass } from '../lib/results.js';
import { perManagedPolicy } from '../lib/iam.js';
import { actionMatches, statements } from '../lib/policy.js';
import type { Check } from '../types.js';

/** Customer managed policies letting their holders assume any role (sts:AssumeRole on "*"). */
export const check: Check = {
  id: 'iam_no_custom_policy_permissive_role_assumption',
  title: 'Custom IAM policy does not allow STS role assumption on wildcard resources',
  severity: 'high',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: [],
  risk: 'sts:AssumeRole on "*" lets its holders become any role that trusts the account, including more privileged ones.',
  remediation: 'List the ARNs of the roles the holders need to assume instead of "*".',
  cli: 'aws iam create-policy-version --policy-arn <policy-arn> --policy-document file://assume-specific-roles.json --set-as-default',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html',
  uses: ['iam'],
  run: (inv) => perManagedPolicy(inv, 'customer', () => true, (p, doc, r) => statements(doc).some((s) =>
    s.effect === 'Allow' && s.resources.includes('*') && s.actions.some((a) => actionMatches(a, 'sts:AssumeRole')))
    ? fail(r, `Custom policy ${p.name} allows permissive STS Role assumption.`)
    : pass(r, `Custom policy ${p.name} does not allow permissive STS Role assumption.`)),
};
