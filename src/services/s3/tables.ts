/**
 * The S3 tables as Kysely sees them (schema: src/store/migrations/0003-s3.ts, which documents
 * every column). Timestamps are ISO-8601 text; JSON columns are text; flags are 0/1.
 */
import type { Timestamp } from '../../store/database.js';

export interface S3BucketsTable {
  name: string;
  account_id: string;
  region: string;
  location_constraint: string;
  created_at: Timestamp;
  object_ownership: string | null;
  versioning: string | null;
  acl: string;
}

export interface S3BucketConfigsTable {
  bucket: string;
  name: string;
  document: string;
}

export interface S3ObjectsTable {
  id: string;
  bucket: string;
  key: string;
  version_id: string;
  seq: number;
  is_latest: number;
  delete_marker: number;
  /** bigint: PostgreSQL's driver returns it as a string; read it with Number(). */
  size: number | string;
  etag: string;
  last_modified: Timestamp;
  owner_account: string;
  storage_class: string;
  metadata: string;
  checksum: string | null;
  tags: string;
  acl: string;
  encryption: string | null;
  parts_count: number | null;
  /** Random, new with every write of the row (migrations/0010-s3-generations.ts); null before that migration. */
  generation: string | null;
}

export interface S3ObjectBlobsTable {
  object_id: string;
  seq: number;
  blob_id: string;
  size: number | string;
}

export interface S3ObjectInlineTable {
  object_id: string;
  body: Buffer;
}

export interface S3BlobGarbageTable {
  blob_id: string;
  created_at: Timestamp;
}

/**
 * Every column that names a body in the blob store: what a backup copies and the orphan-blob sweep
 * keeps. `src/ops/backup.test.ts` fails when a table gains a `blob_id` column this list lacks
 * (except the deletion queue, `s3_blob_garbage`, whose bodies are garbage).
 */
export const BLOB_REFERENCES: ReadonlyArray<{ table: string; column: string }> = [
  { table: 's3_object_blobs', column: 'blob_id' },
  { table: 's3_upload_parts', column: 'blob_id' },
];
