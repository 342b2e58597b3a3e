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

/** KMS's view of a trail's key. Absent while Coffer's KMS cannot answer; the key is then not checked. */
export interface TrailKeys {
  /**
   * Throws KmsKeyNotFoundException unless the key exists in the trail's Region, and
   * InsufficientEncryptionPolicyException unless its policy lets CloudTrail make data keys for the trail.
   */
  check(keyId: string, trail: { arn: string; accountId: string }, bucket: string, keyPrefix: string | undefined): Promise<void>;
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
  kmsKeys?: TrailKeys;
}
