/**
 * Bodies no metadata names: a crash after a body's blob was written but before the commit that
 * records it (PutObject, UploadPart, CopyObject, CompleteMultipartUpload) leaves a blob that is
 * invisible — nothing can read it — but keeps its space. This job deletes such blobs.
 *
 * Whether a blob is referenced is read from the database after the blob is listed, so the one
 * danger is a blob written by a request that has not committed *yet*. A blob is therefore only an
 * orphan when, besides being named by no row (BLOB_REFERENCES, nor queued in `s3_blob_garbage`):
 * - it was written before this process started: no request of this process can still commit it;
 * - it is older than {@link ORPHAN_AGE_MS} on service time: in a cluster, another node's request
 *   is well past its commit after that long (a body's blob is written when its upload has ended,
 *   and the commit follows at once).
 *
 * Runs at start (a crash is followed by a start) and then every hour.
 */
import type { Kysely } from 'kysely';
import { periodicJob } from '../../server/periodic-job.js';
import type { Background } from '../../server/services.js';
import type { BlobStore } from '../../store/blobs.js';
import type { Db } from '../../store/database.js';
import type { S3Deps } from './context.js';
import { BLOB_REFERENCES } from './tables.js';

/** How old an unreferenced blob must be on service time before it is an orphan. */
export const ORPHAN_AGE_MS = 3600_000;
const SWEEP_MS = 3600_000;
/** Blob ids looked up in the database at once. */
const BATCH = 500;

export function orphanBlobSweeper(deps: S3Deps, db: Db, blobs: BlobStore): Background {
  const startedAt = Date.now();
  // The registry names tables at run time: the typed schema cannot follow.
  const any = db as unknown as Kysely<any>;

  /** The ids of `batch` no row names. */
  const unreferenced = async (batch: string[]): Promise<string[]> => {
    const named = new Set<string>();
    for (const { table, column } of [...BLOB_REFERENCES, { table: 's3_blob_garbage', column: 'blob_id' }]) {
      const rows = (await any.selectFrom(table).select(column).where(column, 'in', batch).execute()) as Array<Record<string, string>>;
      for (const row of rows) named.add(row[column]!);
    }
    return batch.filter((id) => !named.has(id));
  };

  const pass = async (): Promise<void> => {
    const cutoff = Math.min(startedAt, deps.clock.now().getTime() - ORPHAN_AGE_MS);
    let swept = 0;
    let batch: string[] = [];
    const flush = async () => {
      const orphans = await unreferenced(batch);
      batch = [];
      if (orphans.length > 0) swept += (await deps.bodies.delete(orphans)).length;
    };
    for await (const blob of blobs.list()) {
      if (blob.writtenAt.getTime() >= cutoff) continue;
      batch.push(blob.id);
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    if (swept > 0) deps.log.info({ swept }, 's3: deleted bodies no object or upload references (left by a crash)');
  };

  return periodicJob({
    pass: () => pass().catch((err: unknown) => deps.log.warn({ err }, 's3: orphan body sweep failed; retrying later')),
    intervalMs: SWEEP_MS,
    runAtStart: true,
    onError: () => undefined, // the pass logs its own failures
  });
}
