/**
 * Row types of the CloudTrail tables (migration 0005-trail). Booleans are integers 0/1 (SQLite
 * has no boolean type); timestamps ISO-8601 text.
 */
import type { Timestamp } from '../store/database.js';

/** One event of the hash chain (see chain.ts). Append-only: Coffer never updates a row, and deletes only expired ones (retention.ts). */
export interface TrailEventsTable {
  /** Position in the chain: 1, 2, 3, ... without gaps. */
  seq: number;
  event_id: string;
  /** Second precision, as in the event JSON. */
  event_time: Timestamp;
  /** recipientAccountId. */
  account_id: string;
  region: string;
  event_name: string;
  event_source: string;
  read_only: number;
  category: 'Management' | 'Data';
  /** What LookupEvents' `Username` matches (root, the user name, the role session name). */
  username: string | null;
  access_key_id: string | null;
  /** The event exactly as built: the hash covers these bytes and LookupEvents returns them. */
  event_json: string;
  /** Hex SHA-256 of the previous row (64 zeros for the first). */
  prev_hash: string;
  /** Hex SHA-256(prev_hash bytes || event_json UTF-8). */
  hash: string;
}

export interface TrailEventResourcesTable {
  seq: number;
  resource_arn: string;
  resource_type: string | null;
  /** The name event history shows: bucket and IAM entity names, else the ARN. */
  resource_name: string;
}

/** The chain's head sealed under the root key (AAD `trail_checkpoints/<name>`). */
export interface TrailCheckpointsTable {
  name: string;
  seq: number;
  hash: string;
  sealed: Buffer;
}

export interface TrailsTable {
  arn: string;
  account_id: string;
  home_region: string;
  name: string;
  s3_bucket: string;
  s3_key_prefix: string | null;
  sns_topic_name: string | null;
  include_global: number;
  multi_region: number;
  log_file_validation: number;
  organization: number;
  kms_key_id: string | null;
  cw_log_group_arn: string | null;
  cw_role_arn: string | null;
  /** JSON of EventSelectors / AdvancedEventSelectors; both null: AWS's default selector. */
  event_selectors: string | null;
  advanced_selectors: string | null;
  is_logging: number;
  start_logging_time: Timestamp | null;
  stop_logging_time: Timestamp | null;
  /** Events up to this seq have been considered for delivery. */
  delivered_seq: number;
  latest_delivery_time: Timestamp | null;
  latest_delivery_attempt: Timestamp | null;
  latest_delivery_error: string | null;
  latest_digest_time: Timestamp | null;
  latest_digest_error: string | null;
  created_at: Timestamp;
}

export interface TrailTagsTable {
  trail_arn: string;
  key: string;
  value: string | null;
  /** Keeps tags in the order they were added, as ListTags returns them. */
  position: number;
}

export interface TrailLogFilesTable {
  s3_key: string;
  trail_arn: string;
  /** The Region whose events the file holds (its digest chain). */
  region: string;
  s3_bucket: string;
  /** Hex SHA-256 of the uncompressed file. */
  sha256: string;
  oldest_event_time: Timestamp;
  newest_event_time: Timestamp;
  delivered_at: Timestamp;
  /** The digest that names this file; null until one does. */
  digest_key: string | null;
}

export interface TrailDigestsTable {
  trail_arn: string;
  region: string;
  end_time: Timestamp;
  s3_bucket: string;
  s3_key: string;
  /** Hex SHA-256 of the uncompressed digest. */
  sha256: string;
  /** Hex SHA256withRSA signature. */
  signature: string;
}

export interface TrailSigningKeysTable {
  /** Hex MD5 of the DER public key: what digests name in digestPublicKeyFingerprint. */
  fingerprint: string;
  region: string;
  /** DER PKCS#1 RSAPublicKey. */
  public_der: Buffer;
  /** PKCS#8 DER private key sealed by the root key (AAD `trail_signing_keys/<fingerprint>`). */
  private_sealed: Buffer;
  valid_from: Timestamp;
  valid_to: Timestamp | null;
}

export interface TrailTables {
  trail_events: TrailEventsTable;
  trail_event_resources: TrailEventResourcesTable;
  trail_checkpoints: TrailCheckpointsTable;
  trails: TrailsTable;
  trail_tags: TrailTagsTable;
  trail_log_files: TrailLogFilesTable;
  trail_digests: TrailDigestsTable;
  trail_signing_keys: TrailSigningKeysTable;
}
