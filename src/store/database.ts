/**
 * The metadata store: Kysely over embedded SQLite (better-sqlite3) today, PostgreSQL later.
 *
 * Portability rules for every query and migration: Kysely's query and schema builders only, no
 * SQLite-only SQL. Timestamps are ISO-8601 UTC text with milliseconds (`Date#toISOString()`):
 * they sort as text, read the same in both databases, and avoid node-pg returning `bigint` columns
 * as strings. Byte strings are `Buffer` (SQLite `blob`, PostgreSQL `bytea`).
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  type Insertable,
  type Migration,
  type Selectable,
  type Updateable,
} from 'kysely';
import type { PrincipalType } from '../server/context.js';
import { registerWalSync, WalSync } from './group-commit.js';
import { withStatementCache } from './statement-cache.js';
import { ImmediateSqliteDialect } from './sqlite-dialect.js';
import * as identity from './migrations/0001-identity.js';
import * as kms from './migrations/0002-kms.js';
import * as s3 from './migrations/0003-s3.js';
import * as iam from './migrations/0004-iam.js';
import * as trail from './migrations/0005-trail.js';
import * as ec2 from './migrations/0006-ec2.js';
import * as kmsB from './migrations/0007-kms-b.js';
import * as s3Multipart from './migrations/0008-s3-multipart.js';
import * as s3Inline from './migrations/0009-s3-inline-bodies.js';
import * as s3Generations from './migrations/0010-s3-generations.js';
import type { IamTables } from '../services/iam/tables.js';
import type { TrailTables } from '../trail/tables.js';
import type { Ec2Tables } from '../services/ec2/tables.js';
import type { KmsAliasesTable, KmsGrantsTable, KmsKeyMaterialsTable, KmsKeysTable, KmsTagsTable } from '../services/kms/tables.js';
import type { S3MultipartTables } from '../services/s3/upload-tables.js';
import type { S3BlobGarbageTable, S3BucketConfigsTable, S3BucketsTable, S3ObjectBlobsTable, S3ObjectInlineTable, S3ObjectsTable } from '../services/s3/tables.js';

/** ISO-8601 UTC timestamp with milliseconds, as `new Date().toISOString()` writes it. */
export type Timestamp = string;

export interface AccountsTable {
  /** The 12-digit account id. */
  id: string;
  name: string;
  /** S3's canonical user id: 64 lower-case hex characters. */
  canonical_user_id: string;
  created_at: Timestamp;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeysTable {
  access_key_id: string;
  account_id: string;
  principal_arn: string;
  principal_type: PrincipalType;
  /** AWS's unique id of the principal (`AIDA...`); null for the root, whose id is the account id. */
  principal_id: string | null;
  /** null for the account root's keys. */
  user_name: string | null;
  status: AccessKeyStatus;
  /** The secret access key sealed by the root key (`Sealer`), AAD `access_keys/<id>/secret`. */
  secret_sealed: Buffer;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  last_used_service: string | null;
  last_used_region: string | null;
}

/** Server-wide facts, one row each (e.g. `root_key_fingerprint`). */
export interface MetaTable {
  key: string;
  value: string;
}

export interface Database extends IamTables, TrailTables, Ec2Tables, S3MultipartTables {
  accounts: AccountsTable;
  access_keys: AccessKeysTable;
  meta: MetaTable;
  kms_keys: KmsKeysTable;
  kms_key_materials: KmsKeyMaterialsTable;
  kms_aliases: KmsAliasesTable;
  kms_tags: KmsTagsTable;
  kms_grants: KmsGrantsTable;
  s3_buckets: S3BucketsTable;
  s3_bucket_configs: S3BucketConfigsTable;
  s3_objects: S3ObjectsTable;
  s3_object_blobs: S3ObjectBlobsTable;
  s3_object_inline: S3ObjectInlineTable;
  s3_blob_garbage: S3BlobGarbageTable;
}

export type Db = Kysely<Database>;

export type AccountRow = Selectable<AccountsTable>;
export type AccessKeyRow = Selectable<AccessKeysTable>;
export type NewAccessKey = Insertable<AccessKeysTable>;
export type AccessKeyUpdate = Updateable<AccessKeysTable>;

/**
 * Opens (creating if needed) the SQLite file. Pragmas:
 * - `journal_mode=WAL`: readers never block the writer.
 * - `synchronous=NORMAL` with group commit (group-commit.ts): a commit does not fsync on the event
 *   loop; the WAL is fdatasynced on the thread pool, one sync for every commit made before it, and
 *   no request is answered before the commits made so far are on disk. Losing an acknowledged
 *   CreateKey or CreateAccessKey would leave clients holding ciphertexts or credentials we can no
 *   longer honour, so every commit is durable before we answer, exactly as with FULL.
 * - `foreign_keys=ON`: SQLite leaves them off by default; the schema relies on them.
 * - `busy_timeout=5000`: wait for a lock (another process, e.g. the CLI) rather than fail at once;
 *   transactions begin IMMEDIATE so that the wait applies to them too (src/store/sqlite-dialect.ts).
 *
 * `pageSize` applies to a file created now; an existing file keeps the page size it was made with.
 */
export async function openSqlite(file: string, options: { pageSize?: number } = {}): Promise<Db> {
  const inMemory = file === ':memory:';
  if (!inMemory) {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    // Create the file 0600 ourselves: SQLite gives its -wal and -shm files the database file's mode.
    await (await open(file, 'a', 0o600)).close();
  }
  const sqlite = new SqliteDatabase(file);
  try {
    if (options.pageSize) sqlite.pragma(`page_size = ${options.pageSize}`);
    const mode = sqlite.pragma('journal_mode = WAL', { simple: true });
    if (!inMemory && mode !== 'wal') {
      throw new Error(`SQLite refused WAL mode for ${file} (got ${String(mode)}); is it on a network filesystem?`);
    }
    sqlite.pragma(`synchronous = ${inMemory ? 'FULL' : 'NORMAL'}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
  } catch (err) {
    sqlite.close();
    throw err;
  }
  const wal = inMemory ? undefined : new WalSync(`${file}-wal`);
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite, () => wal?.noteCommit()) }, async () => wal?.close()),
  });
  if (wal) registerWalSync(db, wal);
  return db;
}

/**
 * Every migration, in order. Listed statically (no directory scan) so the same code runs from
 * `dist/` and under tsx; a new migration is one import and one line here.
 */
const migrations: Record<string, Migration> = {
  '0001-identity': identity,
  '0002-kms': kms,
  '0003-s3': s3,
  '0004-iam': iam,
  '0005-trail': trail,
  '0006-ec2': ec2,
  '0007-kms-b': kmsB,
  '0008-s3-multipart': s3Multipart,
  '0009-s3-inline-bodies': s3Inline,
  '0010-s3-generations': s3Generations,
};

/**
 * On PostgreSQL, whose DDL is transactional, Kysely runs every pending migration inside one
 * transaction, where calling `transaction()` throws. A migration's own `db.transaction()` (needed
 * on SQLite to make it atomic) therefore joins the transaction it already runs in.
 */
function joiningTransactions(migration: Migration): Migration {
  return {
    up: (db: Kysely<any>) => {
      if (!db.isTransaction) return migration.up(db);
      const joined = new Proxy(db, {
        get(target, prop) {
          if (prop === 'transaction') return () => ({ execute: <T>(fn: (tx: Kysely<any>) => Promise<T>) => fn(joined) });
          const value = Reflect.get(target, prop, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      return migration.up(joined);
    },
  };
}

/** Brings the schema up to date; a no-op when it already is. Throws if any migration fails. */
export async function migrate(db: Db): Promise<void> {
  const all = Object.fromEntries(Object.entries(migrations).map(([name, m]) => [name, joiningTransactions(m)]));
  const migrator = new Migrator({ db, provider: { getMigrations: async () => all } });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '(before any migration ran)';
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration ${failed} failed: ${reason}`, { cause: error });
  }
}
