import { fail, pass } from '../lib/results.js';
import { daysBefore, reportDate, rowResource, userRows, withReport } from '../lib/iam.js';
import type { Check } from '../types.js';

const MAX_DAYS = 90;

/** Active access keys older than 90 days (the credential report's last rotation date). */
export const check: Check = {
  id: 'iam_rotate_access_key_90_days',
  title: 'IAM user does not have active access keys older than 90 days',
  severity: 'medium',
  service: 'iam',
  resourceType: 'AwsIamUser',
  cis: ['1.14'],
  risk: 'The longer a key lives, the more places it is copied to and the longer a leaked copy stays useful.',
  remediation: 'Create a new access key, move its users to it, then deactivate and delete the old one.',
  cli: 'aws iam create-access-key --user-name <user> && aws iam update-access-key --user-name <user> --access-key-id <old-key-id> --status Inactive',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#Using_RotateAccessKey',
  uses: ['iam'],
  run: (inv) => withReport(inv, (report) => userRows(report).flatMap((row) => {
    const r = rowResource(row);
    const old = [1, 2].flatMap((n) => {
      const rotated = row[`access_key_${n}_active`] === 'true' ? reportDate(row[`access_key_${n}_last_rotated`]) : undefined;
      const days = rotated ? daysBefore(report, rotated) : 0;
      return days > MAX_DAYS ? [fail(r, `User ${row.user} has not rotated access key ${n} in over ${MAX_DAYS} days (${days} days).`)] : [];
    });
    if (old.length > 0) return old;
    const hasKeys = row.access_key_1_active === 'true' || row.access_key_2_active === 'true';
    return [pass(r, hasKeys ? `User ${row.user} does not have access keys older than ${MAX_DAYS} days.` : `User ${row.user} does not have access keys.`)];
  })),
};
