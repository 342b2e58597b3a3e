import { fail, pass } from '../lib/results.js';
import { rowResource, userRows, withReport } from '../lib/iam.js';
import type { Check } from '../types.js';

/** Console users with an active key never used: keys created at user setup "just in case". */
export const check: Check = {
  id: 'iam_user_no_setup_initial_access_key',
  title: 'IAM user does not have active access keys that have never been used',
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamUser',
  cis: ['1.11'],
  risk: 'Keys handed out at user creation, before anyone needs them, are credentials without an owner who watches them.',
  remediation: 'Delete access keys that console users have never used; create keys only when a user needs programmatic access.',
  cli: 'aws iam delete-access-key --user-name <user> --access-key-id <key-id>',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
  uses: ['iam'],
  run: (inv) => withReport(inv, (report) => userRows(report).flatMap((row) => {
    const r = rowResource(row);
    const unused = row.password_enabled === 'true'
      ? [1, 2].filter((n) => row[`access_key_${n}_active`] === 'true' && row[`access_key_${n}_last_used_date`] === 'N/A')
      : [];
    if (unused.length === 0) return [pass(r, `User ${row.user} does not have access keys or uses the access keys configured.`)];
    return unused.map((n) => fail(r, `User ${row.user} has never used access key ${n}.`));
  })),
};
