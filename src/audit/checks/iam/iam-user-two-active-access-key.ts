import { fail, pass } from '../lib/results.js';
import { rowResource, userRows, withReport } from '../lib/iam.js';
import type { Check } from '../types.js';

/** Users with two active access keys, from the credential report. */
export const check: Check = {
  id: 'iam_user_two_active_access_key',
  title: 'IAM user has at most one active access key',
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamUser',
  cis: ['1.13'],
  risk: 'A second active key doubles what can leak and usually means a rotation was never finished.',
  remediation: 'Keep one active access key per user: deactivate and delete the one no longer in use.',
  cli: 'aws iam update-access-key --user-name <user> --access-key-id <unused-key-id> --status Inactive',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
  uses: ['iam'],
  run: (inv) => withReport(inv, (report) => userRows(report).map((row) => {
    const r = rowResource(row);
    return row.access_key_1_active === 'true' && row.access_key_2_active === 'true'
      ? fail(r, `User ${row.user} has 2 active access keys.`)
      : pass(r, `User ${row.user} does not have 2 active access keys.`);
  })),
};
