/**
 * The multipart tables as Kysely sees them (schema: src/store/migrations/0008-s3-multipart.ts,
 * which documents every column). Timestamps are ISO-8601 text; JSON columns are text.
 */
import type { Timestamp } from '../../store/database.js';

export interface S3UploadsTable {
  upload_id: string;
  bucket: string;
  key: string;
  object_id: string;
  initiated: Timestamp;
  owner_account: string;
  initiator: string;
  storage_class: string;
  metadata: string;
  tags: string;
  acl: string;
  encryption: string;
  checksum_algorithm: string | null;
  checksum_type: string;
}

export interface S3UploadPartsTable {
  upload_id: string;
  part_number: number;
  blob_id: string;
  /** bigint: PostgreSQL's driver returns it as a string; read it with Number(). */
  size: number | string;
  etag: string;
  checksums: string;
  last_modified: Timestamp;
}

export interface S3ObjectPartsTable {
  object_id: string;
  part_number: number;
  size: number | string;
  checksum: string | null;
}

/** The multipart tables, for `Database`. */
export interface S3MultipartTables {
  s3_uploads: S3UploadsTable;
  s3_upload_parts: S3UploadPartsTable;
  s3_object_parts: S3ObjectPartsTable;
}
