/**
 * S3 multipart uploads: uploads in progress, their parts, and the per-part facts a completed
 * multipart object keeps. Forward-only, like every migration.
 *
 * - `s3_uploads`: one row per upload in progress, keyed by its (random, unguessable) upload id.
 *   Everything CreateMultipartUpload fixes for the object to be is stored here: metadata, tags,
 *   ACL, storage class, checksum algorithm and type, and the encryption descriptor of the data key
 *   every part is encrypted under (sealed to `object_id`, the id the completed object's row will
 *   have). The bucket is named but not referenced: S3 deletes a bucket with uploads in progress,
 *   and an upload initiated before its bucket's `created_at` belongs to a deleted namesake (the
 *   upload sweep aborts those).
 * - `s3_upload_parts`: the latest body uploaded for each part number; the blob is owned by the
 *   row (a re-upload queues the replaced blob in `s3_blob_garbage` in the same transaction).
 * - `s3_object_parts`: for each part of a completed multipart object, its size and checksum
 *   (GetObjectAttributes' ObjectParts, GetObject `partNumber`); the blobs themselves move to
 *   `s3_object_blobs`, `seq` = part number.
 *
 * Sizes are `bigint`; flags and counts integers; JSON columns text; timestamps ISO-8601 text.
 */
import type { Kysely } from 'kysely';

// Migrations run against whatever schema existed at the time, not today's `Database`, hence `any`.
export async function up(db: Kysely<any>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.schema
      .createTable('s3_uploads')
      .addColumn('upload_id', 'text', (c) => c.primaryKey())
      .addColumn('bucket', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      // The internal id of the object the upload becomes: the AAD its data key is sealed to.
      .addColumn('object_id', 'text', (c) => c.notNull().unique())
      .addColumn('initiated', 'text', (c) => c.notNull())
      // The account that will own the object (the initiator, or the bucket owner under BucketOwnerEnforced).
      .addColumn('owner_account', 'text', (c) => c.notNull())
      // The principal that initiated the upload (ListMultipartUploads' Initiator): {arn, accountId} JSON.
      .addColumn('initiator', 'text', (c) => c.notNull())
      .addColumn('storage_class', 'text', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('acl', 'text', (c) => c.notNull())
      .addColumn('encryption', 'text', (c) => c.notNull())
      // The checksum algorithm the client asked for (null: none asked; CRC64NVME is kept regardless).
      .addColumn('checksum_algorithm', 'text')
      // COMPOSITE or FULL_OBJECT.
      .addColumn('checksum_type', 'text', (c) => c.notNull())
      .execute();
    // ListMultipartUploads: by key, then by initiation.
    await tx.schema.createIndex('s3_uploads_by_key').on('s3_uploads').columns(['bucket', 'key', 'initiated', 'upload_id']).execute();

    await tx.schema
      .createTable('s3_upload_parts')
      .addColumn('upload_id', 'text', (c) => c.notNull().references('s3_uploads.upload_id').onDelete('cascade'))
      .addColumn('part_number', 'integer', (c) => c.notNull())
      .addColumn('blob_id', 'text', (c) => c.notNull().unique())
      .addColumn('size', 'bigint', (c) => c.notNull())
      // Hex MD5 of the part's plaintext (its ETag, unquoted).
      .addColumn('etag', 'text', (c) => c.notNull())
      // {algorithm: value} of every checksum computed on the part (JSON, base64 values).
      .addColumn('checksums', 'text', (c) => c.notNull())
      .addColumn('last_modified', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('s3_upload_parts_pk', ['upload_id', 'part_number'])
      .execute();

    await tx.schema
      .createTable('s3_object_parts')
      .addColumn('object_id', 'text', (c) => c.notNull().references('s3_objects.id').onDelete('cascade'))
      .addColumn('part_number', 'integer', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      // The part's checksum in the object's algorithm (base64), or null when the object has none per part.
      .addColumn('checksum', 'text')
      .addPrimaryKeyConstraint('s3_object_parts_pk', ['object_id', 'part_number'])
      .execute();
  });
}
