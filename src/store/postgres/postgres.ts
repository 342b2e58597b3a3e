/**
 * The metadata store on PostgreSQL (cluster mode): the same Kysely code and migrations as the
 * embedded SQLite store (database.ts), over node-postgres.
 *
 * What makes rows read back exactly as SQLite's do:
 * - `bigint` (int8) columns and aggregates (`count(*)`, `max(bigint)`) come back as numbers, not
 *   strings: node-postgres returns int8 as text because it may exceed 2^53; Coffer's int8 values
 *   are object sizes (< 2^53) and counts, so a value beyond the safe range is refused rather than
 *   rounded. `numeric` (what `sum(bigint)` gives) likewise.
 * - `bytea` is a Buffer and `text` timestamps are the ISO strings written, as in SQLite. Booleans
 *   are `integer` 0/1 in every schema, so PostgreSQL's `boolean` never appears.
 * - Each connection runs in UTC with `READ COMMITTED` (PostgreSQL's default); read-modify-write
 *   sequences that must serialize across nodes take a lock (locks.ts).
 */
import { Kysely, PostgresAdapter, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database, Db } from '../database.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

function toSafeNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) && !(Number.isFinite(n) && /[.eE]/.test(text))) {
    throw new RangeError(`PostgreSQL returned ${text}, beyond what Coffer stores exactly`);
  }
  return n;
}

/**
 * node-postgres type parsers for one pool or client (never the process-wide defaults, which other
 * code may rely on). Also used by the ops commands' own clients (ops/table-copy.ts).
 */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if ((oid === INT8_OID || oid === NUMERIC_OID) && format !== 'binary') return toSafeNumber;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PostgresOptions {
  /** Connections per node (default 10): every request needs at most one at a time. */
  maxConnections?: number;
}

/**
 * Opens a pool on `url` (`postgres://user:password@host:port/database?sslmode=...`, as libpq reads
 * it) and checks the server answers. Call `migrate()` (database.ts) afterwards, under
 * `withClusterLock` when several nodes may start at once.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types: pgTypes,
    // Timestamps are ISO text written by Coffer; UTC keeps any server-side now() consistent with them.
    options: '-c TimeZone=UTC',
    // A dead server must fail a request, not hang it.
    connectionTimeoutMillis: 10_000,
  });
  // An idle connection dropped by the server (restart, failover) is replaced on the next checkout;
  // without a listener node-postgres would crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy();
    throw new Error(`cannot reach PostgreSQL at ${redact(url)}: ${(err as Error).message}`, { cause: err });
  }
  return db;
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable database URL)';
  }
}

/** Whether `db` (or a transaction of it) talks to PostgreSQL. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
