/**
 * Uploads left behind by a deleted bucket: S3 deletes a bucket that has uploads in progress, and
 * the uploads go with it. Their rows are removed and their parts' blobs queued for the blob
 * garbage collector, at start and then every few minutes (they are invisible meanwhile: every
 * upload lookup checks that the upload is younger than its bucket).
 */
import { periodicJob } from '../../server/periodic-job.js';
import type { Background } from '../../server/services.js';
import type { S3Deps } from './context.js';

const SWEEP_MS = 5 * 60_000;
const BATCH = 100;

export function orphanUploadSweeper(deps: S3Deps): Background {
  const pass = async (): Promise<void> => {
    for (;;) {
      const orphans = await deps.uploads.orphans(BATCH);
      for (const uploadId of orphans) await deps.reclaim.now((await deps.uploads.abort(uploadId)) ?? []);
      if (orphans.length < BATCH) break;
    }
  };
  return periodicJob({
    pass: () => pass().catch((err: unknown) => deps.log.warn({ err }, 's3: sweeping the uploads of deleted buckets failed; retrying later')),
    intervalMs: SWEEP_MS,
    runAtStart: true,
    onError: () => undefined, // the pass logs its own failures
  });
}
