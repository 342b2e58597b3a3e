import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { postgresAvailable, startPostgres, type TestPostgres } from '../../test/postgres.js';
import { migrate, type Db } from '../store/database.js';
import { openPostgres } from '../store/postgres/postgres.js';
import { postgresToSqlite, sqliteToPostgres, tablesInOrder } from './table-copy.js';

const skip = postgresAvailable() ? false : 'PostgreSQL is not installed (scripts/setup-test.sh installs it)';

/** A few rows with every kind of value the schema holds: text, null, integers, bigints, bytes. */
async function seed(db: Db): Promise<void> {
  await db.insertInto('meta').values({ key: 'root_key_fingerprint', value: 'fp' }).execute();
  await db.insertInto('accounts').values({ id: '111122223333', name: 'a', canonical_user_id: 'c'.repeat(64), created_at: '2026-01-01T00:00:00.000Z' }).execute();
  await db.insertInto('access_keys').values({
    access_key_id: 'AKIAEXAMPLE000000001', account_id: '111122223333', principal_arn: 'arn:aws:iam::111122223333:root', principal_type: 'Root',
    principal_id: null, user_name: null, status: 'Active', secret_sealed: Buffer.from([0, 1, 2, 255, 0]), created_at: '2026-01-01T00:00:00.000Z',
    last_used_at: null, last_used_service: null, last_used_region: null,
  }).execute();
  await db.insertInto('s3_blob_garbage').values({ blob_id: 'f'.repeat(32), created_at: 'now' }).execute();
}

async function rowsOf(db: Db) {
  return {
    meta: await db.selectFrom('meta').selectAll().orderBy('key').execute(),
    accounts: await db.selectFrom('accounts').selectAll().execute(),
    keys: await db.selectFrom('access_keys').selectAll().execute(),
  };
}

describe('copying the tables between PostgreSQL and SQLite (cluster backup and restore)', { skip }, () => {
  let server: TestPostgres;
  let dir: string;
  before(async () => {
    server = await startPostgres();
    dir = await mkdtemp(join(tmpdir(), 'coffer-table-copy-'));
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips every row exactly, parents before children, and refuses a target that is not empty', async () => {
    const sourceUrl = await server.createDatabase();
    const source = await openPostgres(sourceUrl);
    const targetUrl = await server.createDatabase();
    const target = await openPostgres(targetUrl);
    try {
      await migrate(source);
      await seed(source);
      const file = join(dir, 'snapshot.sqlite');
      const copied = await postgresToSqlite(sourceUrl, file);
      assert.equal(copied.access_keys, 1);
      assert.equal(copied.s3_blob_garbage, 1);

      const sqlite = new SqliteDatabase(file, { readonly: true });
      try {
        const order = tablesInOrder(sqlite).map((t) => t.name);
        assert.ok(order.indexOf('accounts') < order.indexOf('access_keys'));
        assert.ok(order.indexOf('s3_objects') < order.indexOf('s3_object_blobs'));
        assert.ok(!order.some((name) => name.startsWith('kysely_')));
        const key = sqlite.prepare('SELECT secret_sealed, principal_id FROM access_keys').get() as { secret_sealed: Buffer; principal_id: null };
        assert.deepEqual(key, { secret_sealed: Buffer.from([0, 1, 2, 255, 0]), principal_id: null });
        assert.equal(sqlite.pragma('journal_mode', { simple: true }), 'delete');
      } finally {
        sqlite.close();
      }

      await migrate(target);
      const loaded = await sqliteToPostgres([file], targetUrl);
      assert.deepEqual(loaded, copied);
      assert.deepEqual(await rowsOf(target), await rowsOf(source));
      await assert.rejects(sqliteToPostgres([file], targetUrl), /the target database is not empty/);
      assert.equal((await target.selectFrom('accounts').selectAll().execute()).length, 1, 'the refused load left nothing behind');
    } finally {
      await source.destroy();
      await target.destroy();
    }
  });
});
