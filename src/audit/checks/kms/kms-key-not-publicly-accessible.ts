import { fail, judge, pass } from '../lib/results.js';
import { perCustomerKey } from '../lib/kms.js';
import { conditioned, principalIsEveryone, statements } from '../lib/policy.js';
import type { Check } from '../types.js';

/** Key policies allowing Principal "*" with no condition to narrow it. */
export const check: Check = {
  id: 'kms_key_not_publicly_accessible',
  title: 'KMS key policy does not allow access to everyone',
  severity: 'critical',
  service: 'kms',
  resourceType: 'AwsKmsKey',
  cis: [],
  risk: 'A key policy open to "*" lets any AWS principal, in any account, use or manage the key.',
  remediation: 'Replace Principal "*" with the account or roles that need the key, or pin the statement with conditions (kms:CallerAccount, aws:PrincipalOrgID).',
  cli: 'aws kms put-key-policy --key-id <key-id> --policy-name default --policy file://key-policy.json',
  url: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html',
  uses: ['kms'],
  run: (inv) => perCustomerKey(inv, () => true, (k, r) => judge(k.policy ?? { ok: true, value: {} }, r, (policy) => [
    statements(policy).some((s) => s.effect === 'Allow' && principalIsEveryone(s) && !conditioned(s))
      ? fail(r, `KMS key ${k.id} may be publicly accessible: its key policy allows Principal "*".`)
      : pass(r, `KMS key ${k.id} is not exposed to the public.`),
  ])),
};
