import { judge, fail, pass } from '../lib/results.js';
import { iamResource, perUser } from '../lib/iam.js';
import type { Check } from '../types.js';

/** A virtual device's serial number is its ARN (`arn:aws:iam::<account>:mfa/<name>`). */
function isVirtual(serial: string): boolean {
  return /^arn:[^:]+:iam::\d{12}:mfa\//.test(serial);
}

/** Users' MFA devices must be hardware (a TOTP token or FIDO key), not virtual. */
export const check: Check = {
  id: 'iam_user_hardware_mfa_enabled',
  title: 'IAM user has hardware MFA enabled',
  severity: 'high',
  service: 'iam',
  resourceType: 'AwsIamUser',
  cis: [],
  risk: 'A virtual MFA device shares the fate of the phone or computer it runs on.',
  remediation: 'Give each IAM user a hardware TOTP token or FIDO security key instead of a virtual device.',
  cli: 'aws iam enable-mfa-device --user-name <user> --serial-number <hardware-serial> --authentication-code1 <code1> --authentication-code2 <code2>',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_physical.html',
  uses: ['iam'],
  run: (inv) => perUser(inv, (user) => {
    const r = iamResource(user.arn, user.name);
    return judge(user.mfaDevices, r, (devices) => {
      if (devices.length === 0) return [fail(r, `User ${user.name} does not have any type of MFA enabled.`)];
      return [devices.some((d) => isVirtual(d.serialNumber))
        ? fail(r, `User ${user.name} has a virtual MFA instead of a hardware MFA device enabled.`)
        : pass(r, `User ${user.name} has hardware MFA enabled.`)];
    });
  }),
};
