/** KMS helpers: every key of every audited Region, keys that could not be described reported as ERROR. */
import type { Inventory, KmsKey } from '../../inventory.js';
import type { CheckResult, ResourceRef } from '../types.js';
import { accountResource, judge, unreadable } from './results.js';

export function keyResource(k: KmsKey): ResourceRef {
  return { uid: k.arn, name: k.id, region: k.region };
}

/** Runs `body` for each customer managed key that `wanted` selects, in every audited Region. */
export function perCustomerKey(inv: Inventory, wanted: (k: KmsKey) => boolean, body: (k: KmsKey, r: ResourceRef) => CheckResult[]): CheckResult[] {
  if (!inv.kms) return [{ status: 'ERROR', message: 'The inventory has no kms section (it was recorded for other checks).', resource: accountResource(inv, 'kms') }];
  return inv.regions.flatMap((region) => {
    const keys = inv.kms![region];
    if (!keys) return [];
    return judge(keys, accountResource(inv, 'kms', region), (list) => list.flatMap((k) => {
      if (k.describeError) return [unreadable(keyResource(k), k.describeError)];
      return k.manager === 'CUSTOMER' && wanted(k) ? body(k, keyResource(k)) : [];
    }));
  });
}
