/**
 * The trail database: where the event history (`trail_events`, `trail_event_resources`,
 * `trail_checkpoints`) lives.
 *
 * - Embedded: its own SQLite file, `<dataDir>/trail.sqlite` (0600, WAL, group commit, as
 *   openSqlite opens every file). The trail's append worker (append-worker.ts) writes it on its
 *   own thread; were the history in `coffer.sqlite`, the worker's transactions would hold the
 *   main database's single write lock, and a main-thread writer waiting for it sleeps in SQLite's
 *   busy handler on the event loop. Its own file also keeps the trail's WAL traffic (and
 *   checkpoints) out of the main WAL. The main thread keeps a connection for reads (LookupEvents,
 *   delivery, `coffer trail verify`) and retention.
 * - PostgreSQL (cluster mode): the history stays in the shared database, where every node appends
 *   to one chain; the trail database is the main one, and the worker opens a small pool to it.
 *
 * Data directories written before the split hold the history in `coffer.sqlite` (migration
 * 0005-trail): {@link prepareTrailDatabase} moves it, see {@link moveEventHistory}.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Migrator, type Kysely, type Migration } from 'kysely';
import { openSqlite, type Db } from '../store/database.js';
import { createEventHistory } from '../store/migrations/0005-trail.js';

/** The embedded trail database's file name in the data directory. */
export const TRAIL_FILE = 'trail.sqlite';

/**
 * The embedded trail database's page size. Its rows are whole events (about 1 KB of JSON each):
 * with 16 KiB pages an append costs a quarter less CPU than with SQLite's default 4 KiB (fewer
 * page splits and WAL frames per event; measured on 300-event batches).
 */
export const TRAIL_PAGE_SIZE = 16 * 1024;

/** Where the append worker opens its own connection to the trail database. */
export type TrailLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** The trail database as the main thread holds it. */
export interface TrailDatabase {
  db: Db;
  location: TrailLocation;
}

/** The embedded trail database of `dataDir`, opened (created if needed) but not migrated. */
export async function openTrailSqlite(dataDir: string): Promise<TrailDatabase> {
  const file = join(dataDir, TRAIL_FILE);
  return { db: await openSqlite(file, { pageSize: TRAIL_PAGE_SIZE }), location: { kind: 'sqlite', file } };
}

/**
 * For commands run beside (or instead of) a server, on an embedded data directory whose main
 * database `main` is open: its trail database as it stands, never created. A directory no server
 * has opened since the history got its own file still keeps it in `coffer.sqlite`: then `main`.
 */
export async function existingTrailDatabase(dataDir: string, main: Db): Promise<Db> {
  const file = join(dataDir, TRAIL_FILE);
  return existsSync(file) ? openSqlite(file) : main;
}

/** The trail file's own schema history (its migrator's table lives in the file, apart from coffer.sqlite's). */
const migrations: Record<string, Migration> = {
  '0001-event-history': { up: (db: Kysely<any>) => db.transaction().execute(createEventHistory) },
};

/**
 * Readies the trail database at start-up, after the main database's migrations: on embedded,
 * brings the trail file's schema up to date and moves a history still kept in `coffer.sqlite`.
 * Nothing to do where the trail database is the main one (PostgreSQL).
 */
export async function prepareTrailDatabase(main: Db, trail: Db): Promise<void> {
  if (trail === main) return;
  await migrateTrailDatabase(trail);
  await moveEventHistory(main, trail);
}

/** Brings an embedded trail database's schema up to date; a no-op when it already is. */
export async function migrateTrailDatabase(trail: Db): Promise<void> {
  const migrator = new Migrator({ db: trail, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw new Error(`trail database migration failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

const PAGE = 500;

/**
 * Moves the event history from `coffer.sqlite` (where migration 0005-trail created it) into the
 * trail file, crash-safely and idempotently, in two steps:
 *
 * 1. Copy, in one transaction of the trail file, and only if the trail file holds no history yet
 *    (no event and no checkpoint): rows keep their seq, hashes and sealed checkpoints, so the
 *    chain verifies as before. A crash before the commit leaves the trail file empty, and the
 *    next start copies again.
 * 2. Drop the three tables from `coffer.sqlite`, in one transaction, after step 1 committed. A
 *    crash between the steps leaves both copies: the next start finds the trail file's history,
 *    skips the copy, and drops.
 *
 * Nothing appends to the trail file before this returns (the server starts its worker later), so
 * "the trail file holds history" means exactly "step 1 committed". A fresh data directory goes the
 * same way with empty tables. Resolves to the number of events moved.
 */
export async function moveEventHistory(main: Db, trail: Db): Promise<number> {
  const tables = new Set((await main.introspection.getTables()).map((t) => t.name));
  if (!tables.has('trail_events')) return 0;
  const moved = await trail.transaction().execute(async (tx) => {
    const present = await tx.selectFrom('trail_checkpoints').select('name').limit(1).executeTakeFirst()
      ?? await tx.selectFrom('trail_events').select('seq').limit(1).executeTakeFirst();
    if (present) return 0;
    const checkpoints = await main.selectFrom('trail_checkpoints').selectAll().execute();
    if (checkpoints.length > 0) await tx.insertInto('trail_checkpoints').values(checkpoints).execute();
    let count = 0;
    let cursor = -(2 ** 31);
    for (;;) {
      const events = await main.selectFrom('trail_events').selectAll().where('seq', '>', cursor).orderBy('seq').limit(PAGE).execute();
      if (events.length === 0) break;
      const last = events[events.length - 1]!.seq;
      await tx.insertInto('trail_events').values(events).execute();
      const resources = await main.selectFrom('trail_event_resources').selectAll().where('seq', '>', cursor).where('seq', '<=', last).execute();
      for (let k = 0; k < resources.length; k += PAGE) await tx.insertInto('trail_event_resources').values(resources.slice(k, k + PAGE)).execute();
      count += events.length;
      cursor = last;
    }
    return count;
  });
  await main.transaction().execute(async (tx) => {
    for (const table of ['trail_event_resources', 'trail_events', 'trail_checkpoints']) await tx.schema.dropTable(table).execute();
  });
  return moved;
}
