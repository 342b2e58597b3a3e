import { judgePasswordPolicy } from '../lib/iam.js';
import type { Check } from '../types.js';

/** The account password policy: require a minimum password length of at least 14 characters. */
export const check: Check = {
  id: 'iam_password_policy_minimum_length_14',
  title: 'IAM password policy requires passwords to be at least 14 characters long',
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: ['1.8'],
  risk: 'Short passwords fall to brute force and guessing.',
  remediation: 'Require a minimum password length of at least 14 characters.',
  cli: 'aws iam update-account-password-policy --minimum-password-length 14   # other settings are reset unless given again',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
  uses: ['iam'],
  run: (inv) => judgePasswordPolicy(inv, (p) => p.minimumPasswordLength !== undefined && p.minimumPasswordLength >= 14,
    'IAM password policy requires minimum length of 14 characters.',
    'IAM password policy does not require minimum length of 14 characters.'),
};
