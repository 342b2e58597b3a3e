import { fail, judge, pass } from '../lib/results.js';
import { awsPolicyArn, iamResource, perRole } from '../lib/iam.js';
import { principalAccounts, principalIsEveryone, statements } from '../lib/policy.js';
import type { Check } from '../types.js';

/** Roles with ReadOnlyAccess that other accounts may assume: a read-everything door to the outside. */
export const check: Check = {
  id: 'iam_role_cross_account_readonlyaccess_policy',
  title: 'IAM role does not grant ReadOnlyAccess to external AWS accounts',
  severity: 'high',
  service: 'iam',
  resourceType: 'AwsIamRole',
  cis: [],
  risk: 'ReadOnlyAccess reads far more than configuration (S3 objects, secrets in parameters); trusting another account hands all of it over.',
  remediation: 'Give external accounts a narrower policy (SecurityAudit or a custom one), or remove them from the trust policy.',
  cli: 'aws iam detach-role-policy --role-name <role> --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html',
  uses: ['iam'],
  run: (inv) => perRole(inv, (role) => {
    const r = iamResource(role.arn, role.name);
    return judge(role.attachedPolicies, r, (attached) => {
      if (!attached.some((a) => a.arn === awsPolicyArn(inv, 'ReadOnlyAccess'))) return [];
      const external = statements(role.trustPolicy).some((s) => s.effect === 'Allow'
        && (principalIsEveryone(s) || principalAccounts(s).some((id) => id !== inv.account.id)));
      return [external
        ? fail(r, `Role ${role.name} gives cross account read-only access.`)
        : pass(r, `Role ${role.name} has ReadOnlyAccess but trusts no external account.`)];
    });
  }),
};
