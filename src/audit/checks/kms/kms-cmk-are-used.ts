import { fail, pass } from '../lib/results.js';
import { perCustomerKey } from '../lib/kms.js';
import type { Check } from '../types.js';

/** Customer managed keys that are disabled: unused keys kept around (and paid for). */
export const check: Check = {
  id: 'kms_cmk_are_used',
  title: 'KMS customer managed key is enabled or scheduled for deletion',
  severity: 'low',
  service: 'kms',
  resourceType: 'AwsKmsKey',
  cis: [],
  risk: 'Disabled keys nobody uses are clutter in the key policy review and may be re-enabled without anyone noticing.',
  remediation: 'Schedule unused keys for deletion once you are sure nothing needs them; enable the ones still needed.',
  cli: 'aws kms schedule-key-deletion --key-id <key-id> --pending-window-in-days 30',
  url: 'https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-determining-usage.html',
  uses: ['kms'],
  run: (inv) => perCustomerKey(inv, (k) => k.state !== 'PendingDeletion', (k, r) => [k.state === 'Enabled'
    ? pass(r, `KMS key ${k.id} is being used.`)
    : fail(r, `KMS key ${k.id} is not being used (state ${k.state}).`)]),
};
