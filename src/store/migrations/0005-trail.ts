/**
 * CloudTrail: the event history (a hash chain, append-only), its sealed head, trails, their tags,
 * delivered log files, digest chains and the per-region digest signing keys.
 *
 * Portable across SQLite and PostgreSQL: schema builder only, `text` for strings and ISO-8601
 * timestamps, `integer` 0/1 for booleans, and the dialect's own binary type (see `binary`).
 */
import { PostgresAdapter, type Kysely } from 'kysely';

/** `bytea` on PostgreSQL, `blob` on SQLite. */
function binary(db: Kysely<any>): 'bytea' | 'blob' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
}

// Migrations run against whatever schema existed at the time, not today's `Database`, hence `any`.
export async function up(db: Kysely<any>): Promise<void> {
  // One transaction: the migrator already opens one where DDL is transactional (PostgreSQL).
  const atomically = (fn: (tx: Kysely<any>) => Promise<void>) => (db.isTransaction ? fn(db) : db.transaction().execute(fn));
  await atomically(async (tx) => {
    await createEventHistory(tx);

    await tx.schema
      .createTable('trails')
      .addColumn('arn', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('home_region', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('s3_bucket', 'text', (c) => c.notNull())
      .addColumn('s3_key_prefix', 'text')
      .addColumn('sns_topic_name', 'text')
      .addColumn('include_global', 'integer', (c) => c.notNull())
      .addColumn('multi_region', 'integer', (c) => c.notNull())
      .addColumn('log_file_validation', 'integer', (c) => c.notNull())
      .addColumn('organization', 'integer', (c) => c.notNull())
      .addColumn('kms_key_id', 'text')
      .addColumn('cw_log_group_arn', 'text')
      .addColumn('cw_role_arn', 'text')
      // JSON of the basic / advanced selectors; both null means AWS's default (all management events).
      .addColumn('event_selectors', 'text')
      .addColumn('advanced_selectors', 'text')
      .addColumn('is_logging', 'integer', (c) => c.notNull())
      .addColumn('start_logging_time', 'text')
      .addColumn('stop_logging_time', 'text')
      // The last event (seq) already considered for delivery.
      .addColumn('delivered_seq', 'integer', (c) => c.notNull())
      .addColumn('latest_delivery_time', 'text')
      .addColumn('latest_delivery_attempt', 'text')
      .addColumn('latest_delivery_error', 'text')
      .addColumn('latest_digest_time', 'text')
      .addColumn('latest_digest_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await tx.schema.createIndex('trails_by_name').on('trails').columns(['account_id', 'home_region', 'name']).unique().execute();

    await tx.schema
      .createTable('trail_tags')
      .addColumn('trail_arn', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text')
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('trail_tags_pk', ['trail_arn', 'key'])
      .execute();

    // Log files delivered, waiting for (or named in) a digest.
    await tx.schema
      .createTable('trail_log_files')
      .addColumn('s3_key', 'text', (c) => c.primaryKey())
      .addColumn('trail_arn', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('s3_bucket', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('oldest_event_time', 'text', (c) => c.notNull())
      .addColumn('newest_event_time', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text', (c) => c.notNull())
      .addColumn('digest_key', 'text')
      .execute();
    await tx.schema.createIndex('trail_log_files_pending').on('trail_log_files').columns(['trail_arn', 'region', 'digest_key']).execute();

    // The last digest of each trail and region: the next one chains to it.
    await tx.schema
      .createTable('trail_digests')
      .addColumn('trail_arn', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('end_time', 'text', (c) => c.notNull())
      .addColumn('s3_bucket', 'text', (c) => c.notNull())
      .addColumn('s3_key', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('trail_digests_pk', ['trail_arn', 'region'])
      .execute();

    // RSA-2048 digest signing keys, one current key per region; the private key sealed.
    await tx.schema
      .createTable('trail_signing_keys')
      .addColumn('fingerprint', 'text', (c) => c.primaryKey())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('public_der', binary(tx), (c) => c.notNull())
      .addColumn('private_sealed', binary(tx), (c) => c.notNull())
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_to', 'text')
      .execute();
    await tx.schema.createIndex('trail_signing_keys_by_region').on('trail_signing_keys').columns(['region', 'valid_from']).execute();
  });
}

/**
 * The event history: the hash chain's rows, their resources and the sealed checkpoints. Created
 * here in the main database (where PostgreSQL keeps them); embedded servers keep them in their own
 * file since, created by the trail database's migration (src/trail/database.ts).
 */
export async function createEventHistory(tx: Kysely<any>): Promise<void> {
  // One row per event, in chain order. The indexed columns repeat facts of event_json (which
  // alone is hashed); `coffer trail verify` checks they still agree.
  await tx.schema
    .createTable('trail_events')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('event_time', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('event_name', 'text', (c) => c.notNull())
    .addColumn('event_source', 'text', (c) => c.notNull())
    .addColumn('read_only', 'integer', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('access_key_id', 'text')
    .addColumn('event_json', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  // LookupEvents: newest first within an account and region.
  await tx.schema.createIndex('trail_events_by_time').on('trail_events').columns(['account_id', 'region', 'event_time']).execute();

  await tx.schema
    .createTable('trail_event_resources')
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('resource_arn', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text')
    .addColumn('resource_name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('trail_event_resources_pk', ['seq', 'resource_arn'])
    .execute();
  await tx.schema.createIndex('trail_event_resources_by_name').on('trail_event_resources').column('resource_name').execute();
  await tx.schema.createIndex('trail_event_resources_by_type').on('trail_event_resources').column('resource_type').execute();

  // The chain's head, sealed by the root key: truncating the table or rewriting the whole
  // chain is detected, since nobody without the root key can seal a new head.
  await tx.schema
    .createTable('trail_checkpoints')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('sealed', binary(tx), (c) => c.notNull())
    .execute();
}
