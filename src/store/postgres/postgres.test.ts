import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import { postgresAvailable, startPostgres, type TestPostgres } from '../../../test/postgres.js';
import { PostgresLeadership } from '../../server/leader.js';
import { migrate, openSqlite, type Db } from '../database.js';
import { lockInTransaction, withClusterLock } from './locks.js';
import { openPostgres } from './postgres.js';

const skip = postgresAvailable() ? false : 'PostgreSQL is not installed (scripts/setup-test.sh installs it)';
const log = pino({ level: 'silent' });

/** Tables and their columns (name, a portable type class, nullability), sorted: what both dialects must agree on. */
async function schemaOf(db: Db, postgres: boolean): Promise<Record<string, string[]>> {
  const classOf = (t: string) => ({ int4: 'integer', int8: 'bigint', bytea: 'binary', blob: 'binary' } as Record<string, string>)[t.toLowerCase()] ?? t.toLowerCase();
  const out: Record<string, string[]> = {};
  for (const table of await db.introspection.getTables()) {
    // SQLite lets a (non-integer) primary key column hold NULL; PostgreSQL's never do. Coffer
    // never writes one, so both count as not null.
    const keyColumns = postgres ? new Set<string>() : new Set((await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${table.name})`.execute(db)).rows.filter((r) => r.pk > 0).map((r) => r.name));
    out[table.name] = table.columns.map((c) => `${c.name} ${classOf(c.dataType)}${c.isNullable && !keyColumns.has(c.name) ? '' : ' not null'}`).sort();
  }
  return out;
}

/** Indexes created by name (those behind primary keys and unique columns have dialect-made names). */
async function indexesOf(db: Db, postgres: boolean): Promise<string[]> {
  const rows = postgres
    ? await sql<{ name: string }>`select indexname as name from pg_indexes i where schemaname = 'public' and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`.execute(db)
    : await sql<{ name: string }>`select name from sqlite_master where type = 'index' and name not like 'sqlite_autoindex%'`.execute(db);
  return rows.rows.map((r) => r.name).filter((n) => !n.startsWith('kysely_')).sort();
}

describe('PostgreSQL metadata store', { skip }, () => {
  let server: TestPostgres;
  let url: string;
  let db: Db;

  before(async () => {
    server = await startPostgres();
    url = await server.createDatabase();
    db = await openPostgres(url);
  });
  after(async () => {
    await db?.destroy();
    await server?.stop();
  });

  it('runs every migration once, however many nodes start at the same moment', async () => {
    const nodes = await Promise.all([1, 2, 3].map(() => openPostgres(url)));
    try {
      await Promise.all(nodes.map((node) => migrate(node)));
      await migrate(db);
      const { rows } = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(db);
      const sqlite = await openSqlite(':memory:');
      await migrate(sqlite);
      const expected = (await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(sqlite)).rows[0]!.n;
      await sqlite.destroy();
      assert.equal(rows[0]!.n, expected);
    } finally {
      await Promise.all(nodes.map((node) => node.destroy()));
    }
  });

  it('has exactly the tables, columns, types, nullability and indexes SQLite has', async () => {
    const sqlite = await openSqlite(':memory:');
    try {
      await migrate(sqlite);
      await migrate(db);
      const [pgSchema, sqliteSchema] = await Promise.all([schemaOf(db, true), schemaOf(sqlite, false)]);
      assert.ok(Object.keys(sqliteSchema).length > 20, 'the schema has its tables');
      assert.deepEqual(pgSchema, sqliteSchema);
      assert.deepEqual(await indexesOf(db, true), await indexesOf(sqlite, false));
    } finally {
      await sqlite.destroy();
    }
  });

  it('reads bytes, big integers, counts, flags and timestamps back as SQLite does', async () => {
    await migrate(db);
    const now = new Date().toISOString();
    const secret = randomBytes(61);
    await db.insertInto('accounts').values({ id: '111122223333', name: 'types', canonical_user_id: 'c'.repeat(64), created_at: now }).execute();
    await db.insertInto('access_keys').values({
      access_key_id: 'AKIATYPES', account_id: '111122223333', principal_arn: 'arn:aws:iam::111122223333:root', principal_type: 'Root',
      principal_id: null, user_name: null, status: 'Active', secret_sealed: secret, created_at: now,
      last_used_at: null, last_used_service: null, last_used_region: null,
    }).execute();
    const key = await db.selectFrom('access_keys').selectAll().where('access_key_id', '=', 'AKIATYPES').executeTakeFirstOrThrow();
    assert.ok(Buffer.isBuffer(key.secret_sealed));
    assert.deepEqual(key.secret_sealed, secret);
    assert.equal(key.created_at, now);
    assert.equal(key.principal_id, null);

    await db.insertInto('s3_buckets').values({ name: 'types-bucket', account_id: '111122223333', region: 'us-east-1', location_constraint: '', created_at: now, object_ownership: null, versioning: null, acl: '[]' }).execute();
    const big = 5 * 1024 ** 4; // 5 TiB: S3's largest object, beyond 32 bits
    await db.insertInto('s3_objects').values(objectRow('types-bucket', 'big', big)).execute();
    const row = await db.selectFrom('s3_objects').selectAll().where('key', '=', 'big').executeTakeFirstOrThrow();
    assert.equal(row.size, big);
    assert.equal(typeof row.size, 'number');
    assert.equal(row.is_latest, 1);
    const counted = await db.selectFrom('s3_objects').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size').as('total'), eb.fn.max('seq').as('top')]).executeTakeFirstOrThrow();
    assert.deepEqual(counted, { n: 1, total: big, top: 1 });
  });

  it('lists object keys in byte order whatever the database collation', async () => {
    await migrate(db);
    const now = new Date().toISOString();
    await db.insertInto('accounts').values({ id: '444455556666', name: 'order', canonical_user_id: 'd'.repeat(64), created_at: now }).onConflict((oc) => oc.doNothing()).execute();
    await db.insertInto('s3_buckets').values({ name: 'order-bucket', account_id: '444455556666', region: 'us-east-1', location_constraint: '', created_at: now, object_ownership: null, versioning: null, acl: '[]' }).execute();
    const keys = ['ab', 'a-b', 'aB', 'B', 'a.c', 'a/b', 'é', 'z', 'A', '_x', '😀', 'ａ'];
    for (const k of keys) await db.insertInto('s3_objects').values(objectRow('order-bucket', k, 1)).execute();
    const listed = (await db.selectFrom('s3_objects').select('key').where('bucket', '=', 'order-bucket').orderBy('key').execute()).map((r) => r.key);
    const bytewise = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(listed, bytewise);
    // Range predicates (prefix listing) follow the same order.
    const ranged = (await db.selectFrom('s3_objects').select('key').where('bucket', '=', 'order-bucket').where('key', '>=', 'a').where('key', '<', 'b').orderBy('key').execute()).map((r) => r.key);
    assert.deepEqual(ranged, bytewise.filter((k) => k >= 'a' && k < 'b'));
  });

  it('serializes transactions that take the same lock, and only those', async () => {
    const events: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const first = db.transaction().execute(async (tx) => {
      await lockInTransaction(tx, 'object:b/k');
      locked();
      await held;
      events.push('first done');
    });
    await isLocked;
    const second = db.transaction().execute(async (tx) => {
      await lockInTransaction(tx, 'object:b/k');
      events.push('second locked');
    });
    const other = db.transaction().execute(async (tx) => {
      await lockInTransaction(tx, 'object:b/other');
      events.push('other locked');
    });
    await other;
    assert.deepEqual(events, ['other locked']);
    release();
    await Promise.all([first, second]);
    assert.deepEqual(events, ['other locked', 'first done', 'second locked']);
    await assert.rejects(lockInTransaction(db, 'x'), /needs a transaction/);
  });

  it('runs start-up sections one node at a time', async () => {
    let inside = 0;
    let most = 0;
    const nodes = await Promise.all([1, 2, 3].map(() => openPostgres(url)));
    try {
      await Promise.all(nodes.map((node) => withClusterLock(node, 'coffer:test-startup', async () => {
        inside++;
        most = Math.max(most, inside);
        await node.selectFrom('meta').selectAll().execute();
        await new Promise((resolve) => setImmediate(resolve));
        inside--;
      })));
    } finally {
      await Promise.all(nodes.map((node) => node.destroy()));
    }
    assert.equal(most, 1);
  });

  it('elects one leader per job, and hands over when the leader stops', async () => {
    const a = new PostgresLeadership(url, log);
    const b = new PostgresLeadership(url, log);
    try {
      assert.equal(await a.isLeader('rotation'), true);
      assert.equal(await b.isLeader('rotation'), false);
      assert.equal(await a.isLeader('rotation'), true, 'a leader keeps leading');
      assert.equal(await b.isLeader('delivery'), true, 'each job has its own leader');
      assert.equal(await a.isLeader('delivery'), false);
      await a.stop();
      assert.equal(await b.isLeader('rotation'), true);
      assert.equal(await a.isLeader('rotation'), false, 'a stopped node leads nothing');
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('loses the lead with its connection, and another node takes over', async () => {
    const a = new PostgresLeadership(url, log);
    const b = new PostgresLeadership(url, log);
    try {
      assert.equal(await a.isLeader('sweep'), true);
      // The database ends a's session (as a failover or a network cut would), waiting until it is gone.
      await sql`select pg_terminate_backend(pid, 10000) from pg_locks where locktype = 'advisory' and objid = (hashtextextended('coffer:leader:sweep', 0) & 4294967295)::oid and pid <> pg_backend_pid()`.execute(db);
      assert.equal(await b.isLeader('sweep'), true, 'another node takes over');
      assert.equal(await a.isLeader('sweep'), false, 'the old leader knows it no longer leads');
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

function objectRow(bucket: string, key: string, size: number) {
  return {
    id: randomBytes(8).toString('hex'), bucket, key, version_id: 'null', seq: 1, is_latest: 1, delete_marker: 0, size, etag: '',
    last_modified: new Date().toISOString(), owner_account: '111122223333', storage_class: 'STANDARD', metadata: '{}',
    checksum: null, tags: '[]', acl: '[]', encryption: null, parts_count: null,
  };
}
