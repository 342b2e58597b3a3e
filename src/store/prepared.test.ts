import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { migrate, openSqlite, type Db } from './database.js';
import { prepared } from './prepared.js';

describe('prepared queries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-prepared-'));
  let db: Db;
  let other: Db;
  const created = new Date().toISOString();

  before(async () => {
    db = await openSqlite(join(dir, 'db.sqlite'));
    await migrate(db);
    other = await openSqlite(join(dir, 'db.sqlite'));
    for (const [id, name] of [['111111111111', 'one'], ['222222222222', 'two'], ['333333333333', 'three']]) {
      await db.insertInto('accounts').values({ id: id!, name: name!, canonical_user_id: id!.padEnd(64, '0'), created_at: created }).execute();
    }
  });
  after(async () => {
    await db.destroy();
    await other.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds a query once per database and binds each call\'s values where the placeholders were, constants kept', async () => {
    let builds = 0;
    const named = prepared((d, v: { name: string; after: string }) => {
      builds++;
      return d.selectFrom('accounts').select('id').where('name', '=', v.name).where('id', '>', v.after).where('created_at', '=', created);
    });
    assert.deepEqual(await named(db, { name: 'two', after: '1' }), [{ id: '222222222222' }]);
    // Keys in another order, other values: the same text, bound by name.
    assert.deepEqual(await named(db, { after: '3', name: 'three' }), [{ id: '333333333333' }]);
    assert.deepEqual(await named(db, { name: 'one', after: '2' }), []);
    await db.transaction().execute(async (tx) => assert.deepEqual(await named(tx, { name: 'one', after: '0' }), [{ id: '111111111111' }]));
    assert.equal(builds, 1);
    assert.deepEqual(await named(other, { name: 'one', after: '0' }), [{ id: '111111111111' }]);
    assert.equal(builds, 2);
  });

  it('refuses a query that does not bind each value exactly once', async () => {
    const twice = prepared((d, v: { name: string }) => d.selectFrom('accounts').select('id').where('name', '=', v.name).where('id', '=', v.name));
    await assert.rejects(twice(db, { name: 'one' }), /name must be bound exactly once/);
    const computed = prepared((d, v: { name: string }) => d.selectFrom('accounts').select('id').where('name', '=', v.name.toUpperCase()));
    await assert.rejects(computed(db, { name: 'one' }), /name must be bound exactly once/);
  });
});
