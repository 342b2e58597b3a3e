import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { withDeferredSync } from './deferred-sync.js';
import { openSqlite, type Db } from './database.js';
import { withStatementCache } from './statement-cache.js';

describe('statement cache', () => {
  it('reuses a statement by its SQL text, prepares another while one is iterating, and stays bounded', () => {
    const sqlite = new Database(':memory:');
    try {
      const cached = withStatementCache(sqlite, 2);
      sqlite.exec('create table t (n integer)');
      sqlite.exec('insert into t values (1), (2), (3)');
      const a = cached.prepare('select n from t order by n');
      assert.equal(cached.prepare('select n from t order by n'), a);
      const rows = a.iterate([]);
      rows.next();
      // `a` is mid-iteration: the same SQL gets a statement of its own that runs to completion.
      const b = cached.prepare('select n from t order by n');
      assert.notEqual(b, a);
      assert.deepEqual(b.all([]), [{ n: 1 }, { n: 2 }, { n: 3 }]);
      rows.return?.();
      assert.equal(cached.prepare('select n from t order by n'), a);
      // Two more texts push the least recently used one out.
      cached.prepare('select 1');
      cached.prepare('select 2');
      assert.notEqual(cached.prepare('select n from t order by n'), a);
    } finally {
      sqlite.close();
    }
  });
});

describe('deferred sync', () => {
  let dir: string;
  let db: Db;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-deferred-sync-'));
    db = await openSqlite(join(dir, 'coffer.sqlite'));
    await sql`create table batch (n integer)`.execute(db);
  });
  after(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const synchronous = async () => (await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db)).rows[0]!.synchronous;

  it('commits the batch with synchronous=NORMAL and puts FULL back for every other write', async () => {
    assert.equal(await synchronous(), 2);
    const seen = await withDeferredSync(db, (conn) => conn.transaction().execute(async (tx) => {
      await sql`insert into batch values (1), (2)`.execute(tx);
      return (await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(tx)).rows[0]!.synchronous;
    }));
    assert.equal(seen, 1);
    assert.equal(await synchronous(), 2);
    assert.deepEqual((await sql<{ n: number }>`select n from batch order by n`.execute(db)).rows, [{ n: 1 }, { n: 2 }]);
  });

  it('a failed batch rolls back and still puts FULL back', async () => {
    await assert.rejects(withDeferredSync(db, (conn) => conn.transaction().execute(async (tx) => {
      await sql`insert into batch values (3)`.execute(tx);
      throw new Error('boom');
    })), /boom/);
    assert.equal(await synchronous(), 2);
    assert.deepEqual((await sql<{ n: number }>`select count(*) as n from batch`.execute(db)).rows, [{ n: 2 }]);
  });
});
