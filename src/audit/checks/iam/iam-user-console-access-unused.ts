import { fail, pass } from '../lib/results.js';
import { daysBefore, reportDate, rowResource, userRows, withReport } from '../lib/iam.js';
import type { Check } from '../types.js';

const MAX_DAYS = 45;

/**
 * Console passwords unused for more than 45 days; as CIS 1.12 audits it, a password never used
 * counts from when it was last changed.
 */
export const check: Check = {
  id: 'iam_user_console_access_unused',
  title: 'IAM user console access is disabled, used within 45 days, or recently set',
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamUser',
  cis: ['1.12'],
  risk: 'A password nobody uses can be guessed or phished and used without anyone noticing.',
  remediation: 'Remove the console password (login profile) of users who have not signed in for 45 days.',
  cli: 'aws iam delete-login-profile --user-name <user>',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html',
  uses: ['iam'],
  run: (inv) => withReport(inv, (report) => userRows(report).map((row) => {
    const r = rowResource(row);
    if (row.password_enabled !== 'true') return pass(r, `User ${row.user} does not have console access enabled.`);
    const used = reportDate(row.password_last_used);
    const since = used ?? reportDate(row.password_last_changed);
    const days = since ? daysBefore(report, since) : 0;
    if (days <= MAX_DAYS) return pass(r, `User ${row.user} has ${used ? 'logged in to the console' : 'set a console password'} in the past ${MAX_DAYS} days (${days} days).`);
    return fail(r, used
      ? `User ${row.user} has not logged in to the console in the past ${MAX_DAYS} days (${days} days).`
      : `User ${row.user} has never logged in to the console with a password set ${days} days ago.`);
  })),
};
