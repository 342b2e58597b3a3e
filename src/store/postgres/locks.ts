/**
 * Cluster-wide mutual exclusion through PostgreSQL advisory locks, and the same calls as no-ops on
 * SQLite, where one process owns the database file and Kysely runs every transaction on its single
 * connection (so transactions already serialize).
 *
 * Lock names are hashed to PostgreSQL's 64-bit lock space with `hashtextextended(name, 0)`; a
 * collision between two names only makes them wait for each other.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './postgres.js';

/**
 * Takes the transaction-scoped lock `name` in `tx` (released at commit or rollback). Call it first
 * in a read-modify-write transaction that two nodes may run on the same rows at once: PostgreSQL's
 * READ COMMITTED would otherwise let both read the same state and both write.
 */
export async function lockInTransaction(tx: Kysely<any>, name: string): Promise<void> {
  if (!tx.isTransaction) throw new Error('lockInTransaction needs a transaction');
  if (isPostgres(tx)) await sql`select pg_advisory_xact_lock(hashtextextended(${name}, 0))`.execute(tx);
}

/**
 * Runs `fn` while holding the session lock `name` on a connection of its own (so `fn` may use the
 * pool freely): waits for another node holding it. Used for start-up (migrations, bootstrap, the
 * root key's wrapped copy), which every node runs and which must not interleave.
 */
export async function withClusterLock<T>(db: Kysely<any>, name: string, fn: () => Promise<T>): Promise<T> {
  if (!isPostgres(db)) return fn();
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtextextended(${name}, 0))`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${name}, 0))`.execute(conn);
    }
  });
}
