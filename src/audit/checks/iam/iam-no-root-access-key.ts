import { fail, pass } from '../lib/results.js';
import { rootResource, rootRow, withReport } from '../lib/iam.js';
import type { Check } from '../types.js';

/** Root access keys, from the credential report's `<root_account>` row. */
export const check: Check = {
  id: 'iam_no_root_access_key',
  title: 'Root account has no active access keys',
  severity: 'critical',
  service: 'iam',
  resourceType: 'AwsIamAccessKey',
  cis: ['1.4'],
  risk: 'A root access key is a long-lived credential with unrestricted power that no policy can limit.',
  remediation: 'Delete the root user\'s access keys; use IAM roles or users with least privilege for programmatic access.',
  cli: 'aws iam delete-access-key --access-key-id <root-access-key-id>   # run with the root user\'s credentials',
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html',
  uses: ['iam'],
  run: (inv) => withReport(inv, (report) => {
    const root = rootResource(inv);
    const row = rootRow(report);
    if (!row) return [fail(root, 'The credential report has no root account row.')];
    const active = [row.access_key_1_active, row.access_key_2_active].filter((v) => v === 'true').length;
    return [active > 0
      ? fail(root, `Root account has ${active === 1 ? 'one active access key' : 'two active access keys'}.`)
      : pass(root, 'Root account does not have access keys.')];
  }),
};
