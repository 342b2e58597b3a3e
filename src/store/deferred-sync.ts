/**
 * Commits whose fsync happens off the event loop, for write-behind batches (the trail's appends).
 *
 * Embedded SQLite runs with synchronous=FULL: every commit fsyncs the WAL on the calling thread,
 * and better-sqlite3 calls SQLite on Node's main thread, so each commit stalls every request in
 * flight for as long as the disk takes (milliseconds; tens of them on a busy disk). A batch run
 * through {@link withDeferredSync} commits with synchronous=NORMAL (WAL frames written, not yet
 * synced: still atomic and consistent after a crash) and then fdatasyncs the WAL on libuv's thread
 * pool before it resolves, so the batch is exactly as durable when the promise resolves as with
 * FULL, without blocking anyone meanwhile. If a checkpoint moved the frames into the database file
 * first, SQLite synced that file itself. PostgreSQL syncs in its own process: work runs as is.
 */
import { open } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';

/** The file of each embedded SQLite database, by its Kysely instance (registered by openSqlite). */
const sqliteFiles = new WeakMap<object, string>();

/** Marks `db` as embedded SQLite stored in `file` (`:memory:` databases are never registered). */
export function registerSqliteFile(db: Kysely<any>, file: string): void {
  sqliteFiles.set(db, file);
}

/**
 * Runs `work` (one transaction) on `db` and resolves once its commit is durable, with the fsync
 * done off the event loop on embedded SQLite. `work` gets the connection to run on.
 */
export async function withDeferredSync<D, T>(db: Kysely<D>, work: (db: Kysely<D>) => Promise<T>): Promise<T> {
  const file = sqliteFiles.get(db);
  if (file === undefined) return work(db);
  // One connection throughout, so no other statement runs while synchronous is NORMAL.
  const result = await db.connection().execute(async (conn) => {
    await sql`PRAGMA synchronous = NORMAL`.execute(conn);
    try {
      return await work(conn);
    } finally {
      await sql`PRAGMA synchronous = FULL`.execute(conn);
    }
  });
  await syncFile(`${file}-wal`);
  return result;
}

async function syncFile(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    // No WAL: its frames were checkpointed into the database file, which SQLite synced.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
