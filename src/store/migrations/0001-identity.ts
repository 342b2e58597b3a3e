/**
 * Identity tables: accounts, their access keys, and `meta` (server-wide facts such as the root key
 * fingerprint). Forward-only: there is no `down`, because rolling back would drop sealed secrets.
 *
 * Portable across SQLite and PostgreSQL: schema builder only, `text` for strings and ISO-8601
 * timestamps, and the dialect's own binary type (see `binary`).
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** `bytea` on PostgreSQL, `blob` on SQLite: the two have no common name for a byte string. */
function binary(db: Kysely<any>): 'bytea' | 'blob' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
}

// Migrations run against whatever schema existed at the time, not today's `Database`, hence `any`.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('canonical_user_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('access_keys')
    .addColumn('access_key_id', 'text', (c) => c.primaryKey())
    // No ON DELETE CASCADE: closing an account must revoke its keys explicitly, never as a side effect.
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('principal_arn', 'text', (c) => c.notNull())
    .addColumn('principal_type', 'text', (c) => c.notNull())
    // AWS's unique id of the principal (AIDA... for users); null for the root, whose id is the account.
    .addColumn('principal_id', 'text')
    .addColumn('user_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('Active', 'Inactive')`))
    .addColumn('secret_sealed', binary(db), (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('last_used_service', 'text')
    .addColumn('last_used_region', 'text')
    .execute();

  // IAM ListAccessKeys lists by user (or the root, user_name null) within an account.
  await db.schema
    .createIndex('access_keys_by_user')
    .on('access_keys')
    .columns(['account_id', 'user_name'])
    .execute();
}
