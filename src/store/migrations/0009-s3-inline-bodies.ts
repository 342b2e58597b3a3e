/**
 * Small S3 object bodies kept in the database. Forward-only, like every migration.
 *
 * - `s3_object_inline`: the body of a single-PUT version declared at most 64 KiB before it was
 *   read (src/services/s3/body.ts, INLINE_MAX_BYTES): its encrypted object stream, byte for byte
 *   what a blob in the blob store would hold (src/crypto/object-stream.ts, context part 1). It is
 *   written in the transaction that commits its version and removed in the one that removes it,
 *   so a small PUT costs one commit and no file. A version has either this row or
 *   `s3_object_blobs` rows, never both; bodies written before this migration stay blobs.
 */
import { PostgresAdapter, type Kysely } from 'kysely';

/** `bytea` on PostgreSQL, `blob` on SQLite (as in 0001). */
function binary(db: Kysely<any>): 'bytea' | 'blob' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
}

// Migrations run against whatever schema existed at the time, not today's `Database`, hence `any`.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('s3_object_inline')
    .addColumn('object_id', 'text', (c) => c.primaryKey().references('s3_objects.id').onDelete('cascade'))
    .addColumn('body', binary(db), (c) => c.notNull())
    .execute();
}
