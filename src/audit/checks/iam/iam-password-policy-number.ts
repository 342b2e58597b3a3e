import { judgePasswordPolicy } from '../lib/iam.js';
import type { Check } from '../types.js';

/** The account password policy: require at least one number. */
export const check: Check = {
  id: 'iam_password_policy_number',
  title: 'IAM password policy requires at least one number',
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamPolicy',
  cis: [],
  risk: 'Passwords drawn from fewer character classes are easier to guess.',
  remediation: 'Require at least one number.',
  cli: 'aws iam update-account-password-policy --require-numbers   # other settings are reset unless given again',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
  uses: ['iam'],
  run: (inv) => judgePasswordPolicy(inv, (p) => p.requireNumbers === true,
    'IAM password policy requires at least one number.',
    'IAM password policy does not require at least one number.'),
};
