import { fail, pass } from '../lib/results.js';
import { daysBefore, reportDate, rowResource, userRows, withReport } from '../lib/iam.js';
import type { Check } from '../types.js';

const MAX_DAYS = 45;

/**
 * Active access keys unused for more than 45 days. As CIS 1.12 audits it, a key never used counts
 * from its creation (last rotation), so a forgotten key fails too (Prowler skips never-used keys).
 */
export const check: Check = {
  id: 'iam_user_accesskey_unused',
  title: 'IAM user does not have unused access keys older than 45 days',
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamUser',
  cis: ['1.12'],
  risk: 'Unused keys are credentials nobody watches: if one leaks, its use stands out to no one.',
  remediation: 'Deactivate (then delete) access keys not used for 45 days.',
  cli: 'aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html',
  uses: ['iam'],
  run: (inv) => withReport(inv, (report) => userRows(report).flatMap((row) => {
    const r = rowResource(row);
    const stale = [1, 2].flatMap((n) => {
      if (row[`access_key_${n}_active`] !== 'true') return [];
      const since = reportDate(row[`access_key_${n}_last_used_date`]) ?? reportDate(row[`access_key_${n}_last_rotated`]);
      const days = since ? daysBefore(report, since) : 0;
      return days > MAX_DAYS ? [fail(r, `User ${row.user} has not used access key ${n} in the last ${MAX_DAYS} days (${days} days).`)] : [];
    });
    if (stale.length > 0) return stale;
    const hasKeys = row.access_key_1_active === 'true' || row.access_key_2_active === 'true';
    return [pass(r, hasKeys ? `User ${row.user} does not have unused access keys for ${MAX_DAYS} days.` : `User ${row.user} does not have access keys.`)];
  })),
};
