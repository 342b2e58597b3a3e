/**
 * Deleting the blobs a committed transaction stopped referencing (an overwritten or deleted
 * object's body, a replaced part, an aborted upload's parts). The transaction queued them in
 * `s3_blob_garbage`; they are deleted once that commit is durable (a crash must not bring back a
 * version whose body is gone), then taken off the queue.
 *
 * A request does not wait for it: its answer goes out once the commit is durable, and the deletion
 * follows. Unlinking a 64 MiB blob took 11-12 ms here (a sixth of a 64 MiB PUT at concurrency 1
 * that overwrote one), and a 5 GiB one far longer; S3 does not make a DeleteObject wait for its
 * storage either. A deletion that fails, or that a shutdown cuts short, leaves its blobs queued for
 * the sweep (blobGarbageCollector in service.ts).
 */
import type { Background } from '../../server/services.js';
import type { S3Deps } from './context.js';

export class BlobReclaimer implements Background {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: Pick<S3Deps, 'objects' | 'bodies' | 'log'>) {}

  /**
   * Deletes `blobIds` and clears them from the queue; resolves with how many it deleted (a blob it
   * could not delete stays queued).
   */
  async now(blobIds: string[]): Promise<number> {
    if (blobIds.length === 0) return 0;
    await this.deps.objects.durable();
    const deleted = await this.deps.bodies.delete(blobIds);
    await this.deps.objects.clearGarbage(deleted);
    return deleted.length;
  }

  /** Deletes `blobIds` in the background: the request that freed them answers meanwhile. */
  later(blobIds: string[]): void {
    if (blobIds.length === 0) return;
    const deletion = this.now(blobIds)
      .then(() => undefined, (err: unknown) => this.deps.log.warn({ err }, 's3: deleting unreferenced blobs failed; the sweep retries'))
      .finally(() => this.pending.delete(deletion));
    this.pending.add(deletion);
  }

  /** Resolves once every deletion started so far has ended (tests; shutdown). */
  async runOnce(): Promise<void> {
    await Promise.all(this.pending);
  }

  stop(): Promise<void> {
    return this.runOnce();
  }
}
