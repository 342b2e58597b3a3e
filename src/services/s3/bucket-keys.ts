/**
 * S3 Bucket Keys: a bucket-level key from KMS, kept for a bounded time and reused to wrap the data
 * keys of many objects, so KMS is called once per requester and period instead of once per object.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
 *
 * As in AWS, "unique bucket-level keys are fetched at least once per requester": every entry is
 * keyed by the caller's principal, so a principal without kms:GenerateDataKey / kms:Decrypt never
 * uses a key another principal fetched. An entry also dies early when anything in KMS changes
 * (a key disabled, a policy or grant changed: `version()` moves), so a revoked permission or a
 * disabled key takes effect at once in this process rather than at the end of the period.
 * Concurrent misses share one KMS call.
 */

/** How long a bucket key is reused. AWS does not publish its period; 5 minutes bounds exposure. */
export const BUCKET_KEY_TTL_MS = 5 * 60_000;
/** The period in cluster mode: a change made on another node is seen within it (as KMS's 1 s caches). */
export const CLUSTER_BUCKET_KEY_TTL_MS = 1_000;
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  value: Promise<T>;
  expires: number;
  version: number;
}

/** A small time- and version-bounded cache of promises (bucket keys fetched or opened by KMS). */
export class BucketKeyCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly now: () => number, private readonly version: () => number, private readonly ttlMs = BUCKET_KEY_TTL_MS) {}

  /** The cached value for `id`, or the one `load` produces (shared by concurrent callers). Failures are not kept. */
  get(id: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = this.entries.get(id);
    if (hit && hit.expires > now && hit.version === this.version()) return hit.value;
    // The version is read before loading: a KMS change during the load leaves this entry stale.
    const entry: Entry<T> = { value: load(), expires: now + this.ttlMs, version: this.version() };
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    entry.value.catch(() => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
    });
    return entry.value;
  }
}
