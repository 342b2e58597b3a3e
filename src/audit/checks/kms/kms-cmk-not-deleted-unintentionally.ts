import { fail, pass } from '../lib/results.js';
import { perCustomerKey } from '../lib/kms.js';
import type { Check } from '../types.js';

/** Customer managed keys scheduled for deletion: everything they encrypt becomes unreadable when it happens. */
export const check: Check = {
  id: 'kms_cmk_not_deleted_unintentionally',
  title: 'AWS KMS customer managed key is not scheduled for deletion',
  severity: 'critical',
  service: 'kms',
  resourceType: 'AwsKmsKey',
  cis: [],
  risk: 'Once a key is deleted, every ciphertext under it is lost for good.',
  remediation: 'If the deletion was not intended, cancel it (then enable the key again).',
  cli: 'aws kms cancel-key-deletion --key-id <key-id> && aws kms enable-key --key-id <key-id>',
  url: 'https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-scheduling-key-deletion.html',
  uses: ['kms'],
  run: (inv) => perCustomerKey(inv, () => true, (k, r) => [k.state === 'PendingDeletion'
    ? fail(r, `KMS key ${k.id} is scheduled for deletion${k.deletionDate ? ` on ${k.deletionDate}` : ''}.`)
    : pass(r, `KMS key ${k.id} is not scheduled for deletion.`)]),
};
