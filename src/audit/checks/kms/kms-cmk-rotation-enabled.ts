import { rotationApplies } from '../../inventory.js';
import { fail, judge, pass } from '../lib/results.js';
import { perCustomerKey } from '../lib/kms.js';
import type { Check } from '../types.js';

/** Automatic yearly rotation of enabled customer managed symmetric keys (CIS 3.6). */
export const check: Check = {
  id: 'kms_cmk_rotation_enabled',
  title: 'KMS customer-managed symmetric CMK has automatic rotation enabled',
  severity: 'high',
  service: 'kms',
  resourceType: 'AwsKmsKey',
  cis: ['3.6'],
  risk: 'Key material that never changes protects ever more data, so a compromise of it reaches further back.',
  remediation: 'Enable automatic rotation on the key (yearly by default; 90 to 2560 days can be set).',
  cli: 'aws kms enable-key-rotation --key-id <key-id>',
  url: 'https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html',
  uses: ['kms'],
  run: (inv) => perCustomerKey(inv, rotationApplies, (k, r) => judge(k.rotationEnabled ?? { ok: true, value: false }, r, (enabled) => [enabled
    ? pass(r, `KMS key ${k.id} has automatic rotation enabled.`)
    : fail(r, `KMS key ${k.id} has automatic rotation disabled.`)])),
};
