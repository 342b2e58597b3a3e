import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openSqlite, type Db } from './database.js';
import { durabilityOf, durable, WalSync } from './group-commit.js';

describe('group commit (embedded SQLite)', () => {
  let dir: string;
  let db: Db;
  let wal: WalSync;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-group-commit-'));
    db = await openSqlite(join(dir, 'coffer.sqlite'));
    wal = durabilityOf(db) as WalSync;
    await sql`create table t (n integer)`.execute(db);
    await durable(db);
  });
  after(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('commits with synchronous=NORMAL: the sync is ours, off the event loop', async () => {
    assert.ok(wal instanceof WalSync);
    assert.equal((await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db)).rows[0]!.synchronous, 1);
  });

  it('makes many concurrent commits durable with fewer syncs than commits, each waiter after its own commit', async () => {
    const before = wal.syncs;
    await Promise.all(Array.from({ length: 40 }, async (_, i) => {
      await db.transaction().execute((tx) => tx.executeQuery(sql`insert into t values (${i})`.compile(tx)));
      await durable(db);
    }));
    const syncs = wal.syncs - before;
    assert.ok(syncs >= 1 && syncs < 40, `40 commits took ${syncs} syncs`);
    assert.equal((await sql<{ c: number }>`select count(*) as c from t`.execute(db)).rows[0]!.c, 40);
  });

  it('syncs nothing when nothing was committed since the last sync (reads, a rolled-back write)', async () => {
    await durable(db);
    const before = wal.syncs;
    await sql`select count(*) from t`.execute(db);
    await durable(db);
    assert.equal(wal.syncs, before);
  });

  it('a commit made while a sync runs waits for the next sync, not the one already under way', async () => {
    await db.insertInto('t' as never).values({ n: 100 } as never).execute();
    const first = durable(db);
    await db.insertInto('t' as never).values({ n: 101 } as never).execute();
    const second = durable(db);
    await first;
    const afterFirst = wal.syncs;
    await second;
    assert.equal(wal.syncs, afterFirst + 1, 'the second commit got a sync of its own');
  });
});
