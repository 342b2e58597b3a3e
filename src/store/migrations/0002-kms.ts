/**
 * KMS tables: keys, their materials (sealed), aliases and tags. Forward-only, like 0001: rolling
 * back would drop key material and with it every ciphertext made under it.
 *
 * The design note in src/services/kms/key-store.ts says how the columns are used.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** `bytea` on PostgreSQL, `blob` on SQLite (as in 0001). */
function binary(db: Kysely<any>): 'bytea' | 'blob' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.schema
      .createTable('kms_keys')
      .addColumn('arn', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('key_spec', 'text', (c) => c.notNull())
      .addColumn('key_usage', 'text', (c) => c.notNull())
      .addColumn('key_state', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('key_manager', 'text', (c) => c.notNull().check(sql`key_manager in ('AWS', 'CUSTOMER')`))
      .addColumn('multi_region', 'integer', (c) => c.notNull())
      .addColumn('primary_region', 'text')
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('deletion_date', 'text')
      .addColumn('pending_window_days', 'integer')
      .addColumn('current_material_version', 'integer')
      .addColumn('expiration_model', 'text')
      .addColumn('valid_to', 'text')
      .addColumn('rotation_period_days', 'integer')
      .addColumn('next_rotation_date', 'text')
      .addColumn('last_used_at', 'text')
      .addColumn('last_used_operation', 'text')
      .addColumn('last_used_request_id', 'text')
      .addUniqueConstraint('kms_keys_id_unique', ['account_id', 'region', 'key_id'])
      .execute();

    // The deletion sweep looks for keys whose waiting period has ended.
    await tx.schema.createIndex('kms_keys_by_deletion').on('kms_keys').columns(['key_state', 'deletion_date']).execute();

    await tx.schema
      .createTable('kms_key_materials')
      // No ON DELETE CASCADE: destroying material is always an explicit step of the deletion.
      .addColumn('key_arn', 'text', (c) => c.notNull().references('kms_keys.arn'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('material_id', 'text', (c) => c.notNull())
      .addColumn('material_sealed', binary(db), (c) => c.notNull())
      .addColumn('public_key', binary(db))
      .addColumn('imported', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addPrimaryKeyConstraint('kms_key_materials_pk', ['key_arn', 'version'])
      .execute();

    await tx.schema
      .createTable('kms_aliases')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('alias_name', 'text', (c) => c.notNull())
      .addColumn('target_key_arn', 'text', (c) => c.notNull().references('kms_keys.arn'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('kms_aliases_pk', ['account_id', 'region', 'alias_name'])
      .execute();
    await tx.schema.createIndex('kms_aliases_by_target').on('kms_aliases').column('target_key_arn').execute();

    await tx.schema
      .createTable('kms_tags')
      .addColumn('key_arn', 'text', (c) => c.notNull().references('kms_keys.arn'))
      .addColumn('tag_key', 'text', (c) => c.notNull())
      .addColumn('tag_value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('kms_tags_pk', ['key_arn', 'tag_key'])
      .execute();
  });
}
