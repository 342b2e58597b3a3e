/**
 * S3 as the server wires it (src/server/services.ts): storage built over the runtime (metadata in
 * the database, bodies encrypted into the blob store), the provider, its actions, and the sweep
 * of blobs no version references any more.
 */
import type { ServiceBinding } from '../../server/gateway.js';
import type { Background, Runtime } from '../../server/services.js';
import { s3Actions } from './actions.js';
import { BodyStore } from './body.js';
import { BucketStore } from './bucket-store.js';
import { AccountDirectory, type S3Deps } from './context.js';
import { ObjectKeyring } from './encryption.js';
import { ObjectStore } from './object-store.js';
import { S3Provider } from './provider.js';

/** Builds the S3 storage over the runtime's database, blob store and root key. */
export function s3Deps(rt: Runtime): S3Deps {
  return {
    buckets: new BucketStore(rt.db),
    objects: new ObjectStore(rt.db),
    bodies: new BodyStore(rt.blobs, rt.log),
    keyring: new ObjectKeyring(rt.sealer),
    accounts: new AccountDirectory(rt.db),
    clock: rt.clock,
    log: rt.log,
  };
}

/** The S3 service: its gateway binding and background jobs. */
export function buildS3(rt: Runtime): { binding: ServiceBinding & { provider: S3Provider }; background: Background[] } {
  const deps = s3Deps(rt);
  return {
    binding: { provider: new S3Provider(deps), actions: s3Actions(deps.buckets) },
    background: [blobGarbageCollector(deps)],
  };
}

/** How often blobs queued for deletion are swept (normally they go right after their commit). */
const GARBAGE_SWEEP_MS = 60_000;
const GARBAGE_BATCH = 500;

/**
 * Deletes blobs no version references any more that were left queued (a failed delete, a crash
 * between commit and delete). Runs at start, then every minute.
 */
export function blobGarbageCollector(deps: S3Deps): Background {
  let running: Promise<void> | undefined;
  const runOnce = async (): Promise<void> => {
    running ??= (async () => {
      try {
        for (;;) {
          const batch = await deps.objects.garbage(GARBAGE_BATCH);
          if (batch.length === 0) break;
          const deleted = await deps.bodies.delete(batch);
          await deps.objects.clearGarbage(deleted);
          // Stop on failures (they wait for the next pass) or once the queue is drained.
          if (deleted.length < batch.length || batch.length < GARBAGE_BATCH) break;
        }
      } catch (err) {
        deps.log.warn({ err }, 's3: blob garbage sweep failed; retrying later');
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void runOnce(), GARBAGE_SWEEP_MS);
  timer.unref();
  setImmediate(() => void runOnce());
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
