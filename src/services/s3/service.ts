/**
 * S3 as the server wires it (src/server/services.ts): storage built over the runtime (metadata in
 * the database, bodies encrypted into the blob store, or beside their version's row when small),
 * the provider, its actions, and the sweep of blobs no version references any more.
 */
import type { ServiceBinding } from '../../server/gateway.js';
import { periodicJob } from '../../server/periodic-job.js';
import type { Background, Runtime } from '../../server/services.js';
import type { KmsDeps } from '../kms/key-lookup.js';
import { s3Actions } from './actions.js';
import { BodyStore } from './body.js';
import { BUCKET_KEY_TTL_MS, CLUSTER_BUCKET_KEY_TTL_MS } from './bucket-keys.js';
import { BucketStore } from './bucket-store.js';
import { AccountDirectory, type S3Deps } from './context.js';
import { ObjectStore } from './object-store.js';
import { S3Provider } from './provider.js';
import { isLoopbackHost, Sse } from './sse.js';
import { UploadStore } from './upload-store.js';
import { orphanBlobSweeper } from './orphan-blobs.js';
import { orphanUploadSweeper } from './upload-sweep.js';
import { BlobReclaimer } from './reclaim.js';

/**
 * Builds the S3 storage over the runtime's database, blob store and root key, and server-side
 * encryption over KMS (`kms`: the KMS service's deps, for the AWS managed key aws/s3).
 * SSE-C over plain HTTP is refused unless the listener is loopback or COFFER_SSE_C_ALLOW_HTTP=1.
 */
export function s3Deps(rt: Runtime, kms: KmsDeps, env: NodeJS.ProcessEnv = process.env): S3Deps {
  // Cluster mode (a shared database): bucket rows and documents are read fresh (see BucketStore).
  const buckets = new BucketStore(rt.db, rt.config.database ? 0 : undefined);
  const allowPlainHttpSseC = env.COFFER_SSE_C_ALLOW_HTTP === '1' || isLoopbackHost(rt.config.host);
  const objects = new ObjectStore(rt.db);
  const bodies = new BodyStore(rt.blobs, rt.log);
  return {
    buckets,
    objects,
    bodies,
    reclaim: new BlobReclaimer({ objects, bodies, log: rt.log }),
    sse: new Sse({
      sealer: rt.sealer, calls: rt.calls, kms, clock: rt.clock, buckets, log: rt.log, allowPlainHttpSseC,
      bucketKeyTtlMs: rt.config.database ? CLUSTER_BUCKET_KEY_TTL_MS : BUCKET_KEY_TTL_MS,
    }),
    uploads: new UploadStore(rt.db),
    accounts: new AccountDirectory(rt.db),
    clock: rt.clock,
    log: rt.log,
  };
}

/** The S3 service: its gateway binding and background jobs. */
export function buildS3(rt: Runtime, kms: KmsDeps): { binding: ServiceBinding & { provider: S3Provider }; background: Background[] } {
  const deps = s3Deps(rt, kms);
  return {
    binding: { provider: new S3Provider(deps), actions: s3Actions(deps) },
    background: [blobGarbageCollector(deps), orphanUploadSweeper(deps), orphanBlobSweeper(deps, rt.db, rt.blobs), deps.reclaim],
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
  const pass = async (): Promise<void> => {
    for (;;) {
      const batch = await deps.objects.garbage(GARBAGE_BATCH);
      if (batch.length === 0) break;
      const deleted = await deps.reclaim.now(batch);
      // Stop on failures (they wait for the next pass) or once the queue is drained.
      if (deleted < batch.length || batch.length < GARBAGE_BATCH) break;
    }
  };
  return periodicJob({
    pass: () => pass().catch((err: unknown) => deps.log.warn({ err }, 's3: blob garbage sweep failed; retrying later')),
    intervalMs: GARBAGE_SWEEP_MS,
    runAtStart: true,
    onError: () => undefined, // the pass logs its own failures
  });
}
