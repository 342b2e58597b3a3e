/**
 * S3 tables: buckets, their configuration documents, object versions, the blobs that hold each
 * version's (encrypted) body, and blobs waiting to be deleted. Forward-only, like every migration.
 *
 * - `s3_buckets`: bucket names are global across accounts (the primary key), as on AWS.
 * - `s3_bucket_configs`: one row per configuration document of a bucket (tagging, cors, policy,
 *   public-access-block; later tasks add encryption, lifecycle ...) without a schema change.
 * - `s3_objects`: one row per object version, delete markers included. `seq` orders the versions
 *   of one key (the newest has the highest); `is_latest` marks the current one so listings read
 *   one index range. `version_id` is 'null' for the null version, as S3 names it.
 * - `s3_object_blobs`: the body of a version as an ordered list of blobs (one for a single PUT, one
 *   per part for a multipart upload), each a self-authenticating object stream.
 * - `s3_blob_garbage`: blobs no row references any more, written in the same transaction that
 *   drops the reference and deleted after commit, so a crash in between leaves a record, not an
 *   orphan on disk.
 *
 * Sizes are `bigint` (objects reach 5 TiB); readers convert them with Number(). Flags are integers
 * 0/1, the one boolean spelling SQLite and PostgreSQL share.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Bucket names and object keys compare byte by byte, as S3 lists them (and as SQLite compares text): PostgreSQL
 * would otherwise use the database's collation (often a natural-language one, where 'a-b' sorts
 * after 'ab'), breaking list order and the prefix ranges of object-store.ts.
 */
function keyText(db: Kysely<any>) {
  return db.getExecutor().adapter instanceof PostgresAdapter ? sql`text collate "C"` : 'text';
}

// Migrations run against whatever schema existed at the time, not today's `Database`, hence `any`.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('s3_buckets')
    .addColumn('name', keyText(db), (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('region', 'text', (c) => c.notNull())
    // What GetBucketLocation answers: '' for us-east-1, else the constraint as given ('EU' stays 'EU').
    .addColumn('location_constraint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // null: no ownership controls (S3 then behaves as ObjectWriter).
    .addColumn('object_ownership', 'text')
    // null: never versioned; 'Enabled' or 'Suspended'.
    .addColumn('versioning', 'text')
    // The grants of the bucket ACL (JSON); the owner is always the owning account.
    .addColumn('acl', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('s3_buckets_by_account').on('s3_buckets').columns(['account_id', 'name']).execute();

  await db.schema
    .createTable('s3_bucket_configs')
    .addColumn('bucket', 'text', (c) => c.notNull().references('s3_buckets.name').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('s3_bucket_configs_pk', ['bucket', 'name'])
    .execute();

  await db.schema
    .createTable('s3_objects')
    // Random internal id: the identity the data key is sealed to; never shown to clients.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bucket', 'text', (c) => c.notNull().references('s3_buckets.name'))
    .addColumn('key', keyText(db), (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('is_latest', 'integer', (c) => c.notNull())
    .addColumn('delete_marker', 'integer', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    // Unquoted: the hex MD5 of a single PUT's plaintext, `<hex>-<n>` for multipart. '' for a delete marker.
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('last_modified', 'text', (c) => c.notNull())
    // The account that owns the version (the writer, or the bucket owner under BucketOwnerEnforced).
    .addColumn('owner_account', 'text', (c) => c.notNull())
    .addColumn('storage_class', 'text', (c) => c.notNull())
    // Content-* headers, Cache-Control, Expires, x-amz-meta-*, website redirect (JSON).
    .addColumn('metadata', 'text', (c) => c.notNull())
    // {algorithm, value, type} of the object's flexible checksum (JSON), or null.
    .addColumn('checksum', 'text')
    // The tag set (JSON array of {Key, Value}).
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('acl', 'text', (c) => c.notNull())
    // How the body is encrypted and where its data key is (JSON); null for a delete marker.
    .addColumn('encryption', 'text')
    // The number of parts of a multipart object; null for a single PUT.
    .addColumn('parts_count', 'integer')
    .execute();
  await db.schema.createIndex('s3_objects_by_version').unique().on('s3_objects').columns(['bucket', 'key', 'version_id']).execute();
  await db.schema.createIndex('s3_objects_by_seq').unique().on('s3_objects').columns(['bucket', 'key', 'seq']).execute();
  await db.schema.createIndex('s3_objects_current').on('s3_objects').columns(['bucket', 'is_latest', 'key']).execute();

  await db.schema
    .createTable('s3_object_blobs')
    .addColumn('object_id', 'text', (c) => c.notNull().references('s3_objects.id').onDelete('cascade'))
    // Position of the blob in the body (1-based; the part number for multipart).
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('blob_id', 'text', (c) => c.notNull().unique())
    // Plaintext bytes this blob holds.
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('s3_object_blobs_pk', ['object_id', 'seq'])
    .execute();

  await db.schema
    .createTable('s3_blob_garbage')
    .addColumn('blob_id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
