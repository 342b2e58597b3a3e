/**
 * KMS's background work, driven by service time (`rt.clock`) so tests move the clock instead of
 * waiting: flushing GetKeyLastUsage records, deleting imported material whose ValidTo has passed,
 * automatic rotation, and the key deletion sweep. One pass runs them in that order (expiry first, so
 * an expired key is not rotated); a pass is cheap when nothing is due.
 */
import { leaderOnly, soleLeader, type Leadership } from '../../server/leader.js';
import type { Logger } from '../../server/logger.js';
import { periodicJob } from '../../server/periodic-job.js';
import type { Background } from '../../server/services.js';
import { keyDeletionPass } from './deletion-sweep.js';
import type { KmsDeps } from './key-lookup.js';
import { keyLockId } from './key-locks.js';
import { DAY_MS, rotate } from './ops/rotation.js';
import { specInfo } from './key-specs.js';

/**
 * Automatic rotation: every Enabled key whose next rotation date has come gets a new material
 * version (on every Region's copy), and its next date moves one period on from now.
 * https://docs.aws.amazon.com/kms/latest/developerguide/rotating-keys-enable.html
 */
export function rotationPass(deps: KmsDeps, log: Logger): () => Promise<void> {
  return async () => {
    const now = deps.clock.now();
    for (const due of await deps.store.dueForRotation(now.toISOString())) {
      await deps.locks.run(keyLockId(due.account_id, due.key_id), async () => {
        // Re-read under the lock: an on-demand rotation or DisableKeyRotation may have won.
        const key = await deps.store.findKeyByArn(due.arn);
        if (!key || key.key_state !== 'Enabled' || key.rotation_period_days === null || key.next_rotation_date === null) return;
        if (key.next_rotation_date > now.toISOString()) return;
        const next = { next_rotation_date: new Date(now.getTime() + key.rotation_period_days * DAY_MS).toISOString() };
        if (key.origin === 'AWS_KMS' && specInfo(key.key_spec)?.kind === 'symmetric') {
          await rotate(deps, key, 'AUTOMATIC', next);
          log.info({ keyArn: key.arn }, 'kms key rotated');
        } else {
          await deps.store.updateKey(key.arn, { rotation_period_days: null, next_rotation_date: null });
        }
      });
    }
  };
}

/**
 * Imported material whose ValidTo has passed is deleted, as AWS does: the secret goes, the version
 * and KeyMaterialId stay (the same material can be imported again), and the key becomes
 * PendingImport (a key pending deletion keeps its state). Material imported for a rotation that
 * never happened is simply dropped.
 * https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-set-expiration.html
 */
export function importExpiryPass(deps: KmsDeps, log: Logger): () => Promise<void> {
  return async () => {
    const now = deps.clock.now().toISOString();
    for (const material of await deps.store.expiredMaterials(now)) {
      const key = await deps.store.findKeyByArn(material.key_arn);
      if (!key) continue;
      await deps.locks.run(keyLockId(key.account_id, key.key_id), async () => {
        const fresh = await deps.store.material(material.key_arn, material.version);
        if (!fresh?.material_sealed || fresh.expires_at === null || fresh.expires_at > now) return;
        const current = (await deps.store.findKeyByArn(key.arn)) ?? key;
        const pendingRotation = current.current_material_version !== null && fresh.version > current.current_material_version;
        const pendingDeletion = current.key_state === 'PendingDeletion' || current.key_state === 'PendingReplicaDeletion';
        const keyPatch = {
          ...(pendingDeletion ? {} : { key_state: 'PendingImport' }),
          ...(fresh.version === current.current_material_version ? { expiration_model: null, valid_to: null } : {}),
        };
        await deps.store.writeMaterials(pendingRotation
          ? { remove: [{ keyArn: key.arn, version: fresh.version }] }
          : {
            update: [{ keyArn: key.arn, version: fresh.version, patch: { material_sealed: null, expires_at: null, expiration_model: null } }],
            keys: [{ arn: key.arn, patch: keyPatch }],
          });
        deps.materials.evict(key.arn);
        log.info({ keyArn: key.arn, keyMaterialId: fresh.material_id }, 'kms imported key material expired');
      });
    }
  };
}

/**
 * Starts the passes on a wall-clock timer (every `intervalMs`) and exposes one pass for tests. In a
 * cluster, expiry, rotation and deletion run on the elected leader only (two nodes rotating one key
 * at once would both write version n+1); each node flushes its own usage records.
 */
export function startKmsBackground(deps: KmsDeps, log: Logger, leader: Leadership = soleLeader, intervalMs = 60_000): Background {
  const passes = [
    () => deps.usage.flush(),
    leaderOnly(leader, 'kms-import-expiry', importExpiryPass(deps, log)),
    leaderOnly(leader, 'kms-rotation', rotationPass(deps, log)),
    leaderOnly(leader, 'kms-deletion', keyDeletionPass(deps, log)),
  ];
  const pass = async (): Promise<void> => {
    let failure: unknown;
    for (const p of passes) {
      // One failing pass doesn't starve the others; the first failure is reported.
      try {
        await p();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
  };
  // One pass at a time: a test-driven pass during a timer's waits for it instead of racing it.
  return periodicJob({
    pass,
    intervalMs,
    onError: (err) => log.error({ err }, 'kms background pass failed'),
    onStop: () => deps.usage.flush().catch((err) => log.error({ err }, 'kms usage flush failed')),
  });
}
