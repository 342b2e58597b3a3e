/**
 * Prepared statements reused across queries on embedded SQLite. Kysely's SQLite driver prepares
 * every query afresh, and SQLite's parse and plan cost more than running a point lookup; the SQL
 * text of a query depends only on its shape (values are bound parameters), so a small LRU keyed by
 * the text serves the hot path (access-key lookups, object writes) from statements prepared once.
 * SQLite re-prepares a cached statement itself when the schema changes (migrations).
 *
 * The same wrapper tells group commit (group-commit.ts) about every commit: a statement that may
 * write, run to the end outside a transaction, has committed (COMMIT itself, or a write in
 * autocommit mode; a ROLLBACK or PRAGMA counted too only costs one spare sync).
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** A connection for Kysely's SqliteDialect whose prepare() reuses statements by their SQL text. */
export function withStatementCache(sqlite: Database.Database, onCommit: () => void = () => undefined, max = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  // Pure reads pass through untouched. SQLite counts COMMIT (and RELEASE) as read-only, since they
  // change nothing themselves, so those are watched by their text.
  const wrap = (sql: string, statement: Database.Statement): SqliteStatement => {
    if (statement.readonly && !/^\s*(commit|end|release)\b/i.test(sql)) return statement as unknown as SqliteStatement;
    const committed = <T>(result: T): T => {
      if (!sqlite.inTransaction) onCommit();
      return result;
    };
    return {
      reader: statement.reader,
      get busy() {
        return statement.busy;
      },
      all: (parameters: readonly unknown[]) => committed(statement.all(parameters)),
      run: (parameters: readonly unknown[]) => committed(statement.run(parameters)),
      iterate: (parameters: readonly unknown[]) => statement.iterate(parameters),
    } as unknown as SqliteStatement;
  };
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      // A statement still being iterated (a streamed query) cannot run again: prepare another.
      if (hit && !(hit as unknown as Database.Statement).busy) {
        // Re-insert: a Map iterates in insertion order, so the first entry is the least recently used.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = wrap(sql, sqlite.prepare(sql));
      if (!hit) {
        cache.set(sql, statement);
        if (cache.size > max) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
  };
}
