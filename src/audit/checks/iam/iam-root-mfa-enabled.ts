import { judge, fail, pass, withIam } from '../lib/results.js';
import { rootResource } from '../lib/iam.js';
import type { Check } from '../types.js';

/** Root MFA, from GetAccountSummary's AccountMFAEnabled. */
export const check: Check = {
  id: 'iam_root_mfa_enabled',
  title: 'Root account has MFA enabled',
  severity: 'critical',
  service: 'iam',
  resourceType: 'AwsIamUser',
  cis: ['1.5'],
  risk: 'The root user has unrestricted access to the account; with only a password (or keys) to steal, one leak gives an attacker everything.',
  remediation: 'Sign in as the root user and assign an MFA device to it (a hardware key or FIDO security key preferably).',
  cli: '# Console only: sign in as root > Security credentials > Multi-factor authentication (MFA) > Assign MFA device',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html',
  uses: ['iam'],
  run: (inv) => withIam(inv, (iam) => judge(iam.summary, rootResource(inv), (summary) => [
    (summary.AccountMFAEnabled ?? 0) > 0
      ? pass(rootResource(inv), 'MFA is enabled for root account.')
      : fail(rootResource(inv), 'MFA is not enabled for root account.'),
  ])),
};
