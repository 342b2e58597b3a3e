import { fail, pass } from '../lib/results.js';
import { iamResource, perRole } from '../lib/iam.js';
import { conditionValues, statements } from '../lib/policy.js';
import type { Check } from '../types.js';

/** The condition keys that pin a service's use of a role to the audited account's own resources. */
const SOURCE_KEYS = ['aws:SourceAccount', 'aws:SourceArn', 'aws:SourceOrgID', 'aws:SourceOrgPaths'];

/** Roles a service may assume must say on whose behalf (aws:SourceAccount / aws:SourceArn ...). */
export const check: Check = {
  id: 'iam_role_cross_service_confused_deputy_prevention',
  title: 'IAM service role prevents cross-service confused deputy attack',
  severity: 'high',
  service: 'iam',
  resourceType: 'AwsIamRole',
  cis: [],
  risk: 'A service trusted without a source condition can be made to use the role on behalf of another customer (the confused deputy).',
  remediation: 'Add an aws:SourceAccount (or aws:SourceArn) condition to the trust policy statements that trust a service.',
  cli: 'aws iam update-assume-role-policy --role-name <role> --policy-document file://trust-with-source-account.json',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
  uses: ['iam'],
  run: (inv) => perRole(inv, (role) => {
    // Service-linked roles' trust policies belong to AWS and cannot be changed.
    if (role.path.startsWith('/aws-service-role/')) return [];
    const serviceStatements = statements(role.trustPolicy).filter((s) => s.effect === 'Allow' && s.principal !== '*' && (s.principal?.Service?.length ?? 0) > 0);
    if (serviceStatements.length === 0) return [];
    const r = iamResource(role.arn, role.name);
    const open = serviceStatements.filter((s) => !SOURCE_KEYS.some((k) => conditionValues(s, k).length > 0));
    return [open.length > 0
      ? fail(r, `IAM Service Role ${role.name} does not prevent against a cross-service confused deputy attack.`)
      : pass(r, `IAM Service Role ${role.name} prevents against a cross-service confused deputy attack.`)];
  }),
};
