/**
 * The pass that really deletes keys whose deletion date has passed (ScheduleKeyDeletion): grants,
 * tags, aliases, sealed materials and the key row go in one transaction, and opened material is
 * dropped from memory. A multi-Region primary waits in PendingReplicaDeletion until its last replica
 * is deleted; then its own waiting period starts, as in AWS.
 * https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-delete.html
 */
import type { Logger } from '../../server/logger.js';
import type { KmsDeps } from './key-lookup.js';
import { DAY_MS } from './ops/rotation.js';

/** One deletion pass: every key whose deletion date has passed is destroyed (run by background.ts). */
export function keyDeletionPass(deps: KmsDeps, log: Logger): () => Promise<void> {
  return async () => {
    const now = deps.clock.now().toISOString();
    for (const key of await deps.store.dueForDeletion(now)) {
      if (!(await deps.store.deleteKeyIfPending(key.arn, now))) continue;
      deps.materials.evict(key.arn);
      deps.usage.forget(key.arn);
      log.info({ keyArn: key.arn }, 'kms key deleted');
      if (key.multi_region === 1) await startPrimaryWindow(deps, key.account_id, key.key_id);
    }
  };
}

/** Once a primary pending replica deletion has no replicas left, its own waiting period begins. */
async function startPrimaryWindow(deps: KmsDeps, accountId: string, keyId: string): Promise<void> {
  const set = await deps.store.multiRegionSet(accountId, keyId);
  const primary = set.find((k) => k.region === k.primary_region);
  if (!primary || primary.key_state !== 'PendingReplicaDeletion' || set.length > 1) return;
  const days = primary.pending_window_days ?? 30;
  const date = new Date(deps.clock.now().getTime() + days * DAY_MS).toISOString();
  await deps.store.updateKey(primary.arn, { key_state: 'PendingDeletion', deletion_date: date });
}
