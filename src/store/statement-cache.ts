/**
 * Prepared statements reused across queries on embedded SQLite. Kysely's SQLite driver prepares
 * every query afresh, and SQLite's parse and plan cost more than running a point lookup; the SQL
 * text of a query depends only on its shape (values are bound parameters), so a small LRU keyed by
 * the text serves the hot path (access-key lookups, trail appends) from statements prepared once.
 * SQLite re-prepares a cached statement itself when the schema changes (migrations).
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** A connection for Kysely's SqliteDialect whose prepare() reuses statements by their SQL text. */
export function withStatementCache(sqlite: Database.Database, max = 256): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      // A statement still being iterated (a streamed query) cannot run again: prepare another.
      if (hit && !hit.busy) {
        // Re-insert: a Map iterates in insertion order, so the first entry is the least recently used.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit as unknown as SqliteStatement;
      }
      const statement = sqlite.prepare(sql);
      if (!hit) {
        cache.set(sql, statement);
        if (cache.size > max) cache.delete(cache.keys().next().value!);
      }
      return statement as unknown as SqliteStatement;
    },
  };
}
