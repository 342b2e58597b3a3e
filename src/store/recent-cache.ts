/**
 * Short-lived caching of what a store's tables say, for the hot path (every Encrypt looks up its
 * key, and authorization its policy, tags, aliases and grants; every S3 request its bucket), and
 * of what they let a caller fetch (S3 Bucket Keys, s3/bucket-keys.ts).
 *
 * - Every write this process makes to the tables bumps the store's ChangeCounter; an entry read
 *   before a write is never used after it, so a change is seen at once by the next request on
 *   this node.
 * - Entries live at most `ttlMs` (default one second). A cluster's stores pass 0 and read fresh.
 * - Concurrent lookups of one id share one load.
 * - Lookups that find nothing or fail are not kept, and the cache holds at most `max` entries.
 */

/** Counts the writes this process makes to one store's tables. */
export class ChangeCounter {
  value = 0;

  /** Awaits a write and counts it, whether it succeeds or not. */
  async count<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.value++;
    }
  }
}

interface Entry<T> {
  value: Promise<T | undefined>;
  version: number;
  expires: number;
}

/** Recent lookups by id, dropped by the next write or after `ttlMs` (by `clock`, in ms). */
export class RecentCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly changes: ChangeCounter,
    private readonly ttlMs = 1000,
    private readonly clock: () => number = () => performance.now(),
    private readonly max = 10_000,
  ) {}

  /** The cached value of `id`, or `load()`'s (kept if it found something). A load that always finds something types its result so. */
  get<V extends T | undefined>(id: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock();
    const hit = this.entries.get(id);
    if (hit && hit.version === this.changes.value && hit.expires > now) return hit.value as Promise<V>;
    // The version is read before loading: a write during the load leaves this entry stale.
    const entry: Entry<T> = { value: load(), version: this.changes.value, expires: now + this.ttlMs };
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    entry.value.then((v) => {
      if (v === undefined && this.entries.get(id) === entry) this.entries.delete(id);
    }, () => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
    });
    return entry.value as Promise<V>;
  }
}
