import { fail, pass } from '../lib/results.js';
import { rowResource, userRows, withReport } from '../lib/iam.js';
import type { Check } from '../types.js';

/** Console users without MFA, from the credential report. */
export const check: Check = {
  id: 'iam_user_mfa_enabled_console_access',
  title: 'IAM user has MFA enabled for console access or no console password is set',
  severity: 'high',
  service: 'iam',
  resourceType: 'AwsIamUser',
  cis: ['1.10'],
  risk: 'A console password alone can be phished, guessed or reused from another breach.',
  remediation: 'Assign an MFA device to every IAM user with a console password, or remove the password.',
  cli: 'aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile qr.png --bootstrap-method QRCodePNG && aws iam enable-mfa-device --user-name <user> --serial-number <mfa-arn> --authentication-code1 <code1> --authentication-code2 <code2>',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html',
  uses: ['iam'],
  run: (inv) => withReport(inv, (report) => userRows(report).map((row) => {
    const r = rowResource(row);
    if (row.password_enabled !== 'true') return pass(r, `User ${row.user} does not have Console Password enabled.`);
    return row.mfa_active === 'true'
      ? pass(r, `User ${row.user} has Console Password enabled and MFA enabled.`)
      : fail(r, `User ${row.user} has Console Password enabled but MFA disabled.`);
  })),
};
