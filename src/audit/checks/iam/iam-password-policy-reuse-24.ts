import { judgePasswordPolicy } from '../lib/iam.js';
import type { Check } from '../types.js';

/** The account password policy: prevent the reuse of the last 24 passwords. */
export const check: Check = {
  id: 'iam_password_policy_reuse_24',
  title: 'IAM password policy prevents reuse of the last 24 passwords',
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: ['1.9'],
  risk: 'Users cycling back to old passwords keep passwords that may already have leaked.',
  remediation: 'Prevent the reuse of the last 24 passwords.',
  cli: 'aws iam update-account-password-policy --password-reuse-prevention 24   # other settings are reset unless given again',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
  uses: ['iam'],
  run: (inv) => judgePasswordPolicy(inv, (p) => p.passwordReusePrevention !== undefined && p.passwordReusePrevention >= 24,
    'IAM password policy reuse prevention is equal to 24.',
    'IAM password policy reuse prevention is less than 24 or not set.'),
};
