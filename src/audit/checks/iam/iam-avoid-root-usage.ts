import { fail, pass } from '../lib/results.js';
import { daysBefore, reportDate, rootResource, rootRow, withReport } from '../lib/iam.js';
import type { Check } from '../types.js';

/** How recent a root sign-in or key use may be before it counts as daily use (Prowler: one day). */
const MAX_DAYS = 1;

/** Root use, from the root row's password and access key last-used dates. */
export const check: Check = {
  id: 'iam_avoid_root_usage',
  title: 'AWS account root user has not been used in the last day',
  severity: 'high',
  service: 'iam',
  resourceType: 'AwsIamUser',
  cis: ['1.7'],
  risk: 'Everyday work as the root user bypasses every permission boundary and makes its credentials more exposed.',
  remediation: 'Do daily and administrative work through IAM roles or users; keep the root user for the few tasks only it can do.',
  cli: 'aws iam create-role --role-name <admin-role> --assume-role-policy-document file://trust.json   # then work through that role',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html',
  uses: ['iam'],
  run: (inv) => withReport(inv, (report) => {
    const root = rootResource(inv);
    const row = rootRow(report);
    if (!row) return [fail(root, 'The credential report has no root account row.')];
    const uses = [row.password_last_used, row.access_key_1_last_used_date, row.access_key_2_last_used_date]
      .map(reportDate).filter((d): d is Date => d !== undefined);
    if (uses.length === 0) return [pass(root, `Root user in the account wasn't accessed in the last ${MAX_DAYS} days.`)];
    const days = daysBefore(report, new Date(Math.max(...uses.map((d) => d.getTime()))));
    return [days <= MAX_DAYS
      ? fail(root, `Root user in the account was last accessed ${days} days ago.`)
      : pass(root, `Root user in the account wasn't accessed in the last ${MAX_DAYS} days.`)];
  }),
};
