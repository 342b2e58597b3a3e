import { fail, pass } from '../lib/results.js';
import { perCustomerKey } from '../lib/kms.js';
import type { Check } from '../types.js';

/** Multi-Region keys share material with replicas elsewhere: one key policy to audit per Region. */
export const check: Check = {
  id: 'kms_cmk_not_multi_region',
  title: 'AWS KMS customer managed key is single-Region',
  severity: 'medium',
  service: 'kms',
  resourceType: 'AwsKmsKey',
  cis: [],
  risk: 'The same key material in several Regions widens where it can be used, under key policies that can drift apart.',
  remediation: 'Use single-Region keys unless data must be decrypted in several Regions; then review every replica\'s policy.',
  cli: 'aws kms create-key --no-multi-region   # then re-encrypt the data under the new key',
  url: 'https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html',
  uses: ['kms'],
  run: (inv) => perCustomerKey(inv, () => true, (k, r) => [k.multiRegion
    ? fail(r, `KMS key ${k.id} is a multi-Region key.`)
    : pass(r, `KMS key ${k.id} is a single-Region key.`)]),
};
