import { judgePasswordPolicy } from '../lib/iam.js';
import type { Check } from '../types.js';

/** The account password policy: make passwords expire after 90 days or less. */
export const check: Check = {
  id: 'iam_password_policy_expires_passwords_within_90_days_or_less',
  title: 'IAM account password policy enforces password expiration within 90 days or less',
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: [],
  risk: 'A password that never expires stays useful to whoever learned it.',
  remediation: 'Make passwords expire after 90 days or less.',
  cli: 'aws iam update-account-password-policy --max-password-age 90   # other settings are reset unless given again',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
  uses: ['iam'],
  run: (inv) => judgePasswordPolicy(inv, (p) => p.expirePasswords === true && p.maxPasswordAge !== undefined && p.maxPasswordAge <= 90,
    'Password expiration is set to 90 days or less.',
    'Password expiration is not set, or is set to more than 90 days.'),
};
