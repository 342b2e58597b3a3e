/**
 * S3 Bucket Keys: a bucket-level key from KMS, kept for a bounded time and reused to wrap the data
 * keys of many objects, so KMS is called once per requester and period instead of once per object.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
 *
 * As in AWS, "unique bucket-level keys are fetched at least once per requester": every entry is
 * keyed by the caller's principal, so a principal without kms:GenerateDataKey / kms:Decrypt never
 * uses a key another principal fetched. An entry also dies early when anything in KMS changes
 * (a key disabled, a policy or grant changed), so a revoked permission or a disabled key takes
 * effect at once in this process rather than at the end of the period. Concurrent misses share
 * one KMS call. sse-kms.ts keeps them in RecentCaches (store/recent-cache.ts) counting KMS's
 * writes, on the service clock.
 */

/** How long a bucket key is reused. AWS does not publish its period; 5 minutes bounds exposure. */
export const BUCKET_KEY_TTL_MS = 5 * 60_000;
/** The period in cluster mode: a change made on another node is seen within it (as KMS's 1 s caches). */
export const CLUSTER_BUCKET_KEY_TTL_MS = 1_000;
