/**
 * The background job that really deletes keys whose deletion date has passed (ScheduleKeyDeletion):
 * tags, aliases, sealed materials and the key row go in one transaction, and opened material is
 * dropped from memory. Driven by service time (`rt.clock`), so tests move the clock instead of
 * waiting 7 days. Each pass also flushes the GetKeyLastUsage records.
 */
import type { Clock } from '../../server/clock.js';
import type { Logger } from '../../server/logger.js';
import type { Background } from '../../server/services.js';
import type { KeyMaterials } from './key-material.js';
import type { KeyStore } from './key-store.js';
import type { UsageTracker } from './usage-tracker.js';

export interface SweepDeps {
  store: KeyStore;
  materials: KeyMaterials;
  usage: UsageTracker;
  clock: Clock;
  log: Logger;
}

/** Starts the sweep (every `intervalMs` of wall time; a pass is cheap when nothing is due). */
export function startKeyDeletionSweep(deps: SweepDeps, intervalMs = 60_000): Background {
  let running: Promise<void> | undefined;

  const pass = async (): Promise<void> => {
    await deps.usage.flush();
    const now = deps.clock.now().toISOString();
    for (const key of await deps.store.dueForDeletion(now)) {
      if (await deps.store.deleteKeyIfPending(key.arn, now)) {
        deps.materials.evict(key.arn);
        deps.usage.forget(key.arn);
        deps.log.info({ keyArn: key.arn }, 'kms key deleted');
      }
    }
  };
  // One pass at a time: a timer tick during a test-driven pass waits for it instead of racing it.
  const runOnce = (): Promise<void> => {
    running = (running ?? Promise.resolve()).then(pass, pass);
    return running;
  };

  const timer = setInterval(() => {
    runOnce().catch((err) => deps.log.error({ err }, 'kms key deletion sweep failed'));
  }, intervalMs);
  timer.unref();

  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
      await deps.usage.flush().catch((err) => deps.log.error({ err }, 'kms usage flush failed'));
    },
  };
}
