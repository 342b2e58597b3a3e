/** What every CloudTrail operation is built from. */
import type { Clock } from '../../server/clock.js';
import type { Db } from '../../store/database.js';
import type { SigningKeys } from '../../trail/signing-keys.js';
import type { TrailStore } from '../../trail/store.js';

/**
 * S3's view of a trail's bucket. Absent while Coffer's S3 cannot answer; CreateTrail and
 * UpdateTrail then skip the bucket checks.
 */
export interface TrailBuckets {
  exists(bucket: string): Promise<boolean>;
  /**
   * Whether the bucket policy lets `cloudtrail.amazonaws.com` put objects under
   * `<prefix/>AWSLogs/<accountId>/` (the policy AWS requires before it creates a trail).
   */
  allowsDelivery(bucket: string, keyPrefix: string | undefined, accountId: string, trailArn: string): Promise<boolean>;
}

export interface CloudTrailDeps {
  db: Db;
  /** Service time: logging start/stop times, the 90-day window of event history. */
  clock: Clock;
  events: TrailStore;
  /** Resolves once every call recorded so far is in the store: LookupEvents reads its own writes. */
  flush(): Promise<void>;
  keys: SigningKeys;
  buckets?: TrailBuckets;
}
