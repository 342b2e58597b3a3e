import { judge, fail, pass, withIam } from '../lib/results.js';
import { rootResource } from '../lib/iam.js';
import type { Check } from '../types.js';

/** Root MFA must be a hardware device: a virtual MFA device assigned to the root fails. */
export const check: Check = {
  id: 'iam_root_hardware_mfa_enabled',
  title: 'Root account has a hardware MFA device enabled',
  severity: 'critical',
  service: 'iam',
  resourceType: 'AwsIamUser',
  cis: ['1.6'],
  risk: 'A virtual MFA device lives on a phone or computer that can itself be compromised or lost; the root user deserves a dedicated device.',
  remediation: 'Replace the root user\'s virtual MFA device with a hardware TOTP token or a FIDO security key.',
  cli: '# Console only: sign in as root > Security credentials > Multi-factor authentication (MFA) > Assign MFA device (hardware)',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-hw-mfa-for-root.html',
  uses: ['iam'],
  run: (inv) => withIam(inv, (iam) => {
    const root = rootResource(inv);
    return judge(iam.summary, root, (summary) => {
      if ((summary.AccountMFAEnabled ?? 0) === 0) return [fail(root, 'MFA is not enabled for root account.')];
      return judge(iam.virtualMfaDevices, root, (devices) => [
        devices.some((d) => d.userArn?.endsWith(':root'))
          ? fail(root, 'Root account has a virtual MFA instead of a hardware MFA device enabled.')
          : pass(root, 'Root account has a hardware MFA device enabled.'),
      ]);
    });
  }),
};
