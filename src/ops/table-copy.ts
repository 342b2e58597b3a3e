/**
 * Copies every Coffer table between PostgreSQL and a SQLite file of the same schema (both made by
 * the same migrations, store/database.ts): how `coffer backup` snapshots a PostgreSQL-backed
 * cluster into the backup format's `coffer.sqlite`, and how `coffer restore` loads one into a new
 * PostgreSQL database. Values cross as they are read: text, numbers (int8 as numbers, as the
 * server's own pool reads them) and byte strings (`bytea` <-> `blob`).
 *
 * Tables are copied parents first (foreign keys), in one transaction on each side: the PostgreSQL
 * side of a backup is one REPEATABLE READ snapshot, so it is the database as of one commit while
 * the nodes keep writing. Rows stream through cursors in batches; no table is held in memory.
 */
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { migrate, openSqlite } from '../store/database.js';
import { pgTypes } from '../store/postgres/postgres.js';

const BATCH = 500;

interface Table {
  name: string;
  columns: string[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Coffer's tables in `sqlite` (not the migrator's own), every table after those it references. */
export function tablesInOrder(sqlite: SqliteDatabase.Database): Table[] {
  const names = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
  const ordered: Table[] = [];
  const placed = new Set<string>();
  const visit = (name: string, path: Set<string>) => {
    if (placed.has(name)) return;
    if (path.has(name)) throw new Error(`foreign keys form a cycle through ${name}`);
    path.add(name);
    for (const fk of sqlite.prepare(`PRAGMA foreign_key_list(${quote(name)})`).all() as Array<{ table: string }>) {
      if (fk.table !== name) visit(fk.table, path);
    }
    placed.add(name);
    const columns = (sqlite.prepare(`PRAGMA table_info(${quote(name)})`).all() as Array<{ name: string }>).map((c) => c.name);
    ordered.push({ name, columns });
  };
  for (const name of names) visit(name, new Set());
  return ordered;
}

/** A new SQLite file at `file` with today's schema and nothing else. */
async function createSchema(file: string): Promise<void> {
  const db = await openSqlite(file);
  try {
    await migrate(db);
  } finally {
    await db.destroy();
  }
}

/**
 * Writes PostgreSQL's `url` database, as of one commit, into a new SQLite file `file`; rows
 * counted per table. The file is left in rollback-journal mode: one self-contained file.
 */
export async function postgresToSqlite(url: string, file: string): Promise<Record<string, number>> {
  await createSchema(file);
  const sqlite = new SqliteDatabase(file, { fileMustExist: true });
  const client = new pg.Client({ connectionString: url, types: pgTypes, options: '-c TimeZone=UTC' });
  await client.connect();
  const counts: Record<string, number> = {};
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    sqlite.exec('BEGIN');
    for (const table of tablesInOrder(sqlite)) {
      const cols = table.columns.map(quote).join(', ');
      // Migrations may seed rows (meta): the snapshot's rows replace them.
      sqlite.prepare(`DELETE FROM ${quote(table.name)}`).run();
      const insert = sqlite.prepare(`INSERT INTO ${quote(table.name)} (${cols}) VALUES (${table.columns.map(() => '?').join(', ')})`);
      await client.query(`DECLARE copy_rows NO SCROLL CURSOR FOR SELECT ${cols} FROM ${quote(table.name)}`);
      let n = 0;
      for (;;) {
        const { rows } = await client.query({ text: `FETCH ${BATCH} FROM copy_rows`, rowMode: 'array' });
        for (const row of rows as unknown[][]) insert.run(...row);
        n += rows.length;
        if (rows.length < BATCH) break;
      }
      await client.query('CLOSE copy_rows');
      counts[table.name] = n;
    }
    sqlite.exec('COMMIT');
    await client.query('COMMIT');
    sqlite.pragma('journal_mode = DELETE');
    return counts;
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    sqlite.close();
    await client.end();
  }
}

/**
 * Inserts every row of the SQLite files `files` (a backup's `coffer.sqlite`, and its `trail.sqlite`
 * when it has one) into PostgreSQL's `url` database, whose schema is already migrated and whose
 * Coffer tables are empty (checked here, in the same transaction): all of it or, on any error,
 * none. Rows counted per table.
 */
export async function sqliteToPostgres(files: string[], url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url, types: pgTypes, options: '-c TimeZone=UTC' });
  await client.connect();
  const counts: Record<string, number> = {};
  try {
    await client.query('BEGIN');
    for (const file of files) Object.assign(counts, await loadFile(file, client));
    await client.query('COMMIT');
    return counts;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

/** One file's rows, inserted in the transaction `client` has open. */
async function loadFile(file: string, client: pg.Client): Promise<Record<string, number>> {
  const sqlite = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  const counts: Record<string, number> = {};
  try {
    const tables = tablesInOrder(sqlite);
    for (const table of tables) {
      const { rows } = await client.query(`SELECT 1 FROM ${quote(table.name)} LIMIT 1`);
      if (rows.length > 0) throw new Error(`the target database is not empty (${table.name} has rows): restore into a new database`);
    }
    for (const table of tables) {
      const cols = table.columns.map(quote).join(', ');
      const width = table.columns.length;
      let batch: unknown[][] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const values = batch.map((_, r) => `(${table.columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
        await client.query(`INSERT INTO ${quote(table.name)} (${cols}) VALUES ${values}`, batch.flat());
        batch = [];
      };
      let n = 0;
      for (const row of sqlite.prepare(`SELECT ${cols} FROM ${quote(table.name)}`).raw().iterate() as Iterable<unknown[]>) {
        batch.push(row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
        n++;
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      counts[table.name] = n;
    }
    return counts;
  } finally {
    sqlite.close();
  }
}
