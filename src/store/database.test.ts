import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { durabilityOf } from './group-commit.js';
import { migrate, openSqlite, type Db, type NewAccessKey } from './database.js';

const ACCOUNT = { id: '123456789012', name: 'test', canonical_user_id: 'a'.repeat(64), created_at: '2024-01-01T00:00:00.000Z' };

function accessKey(overrides: Partial<NewAccessKey> = {}): NewAccessKey {
  return {
    access_key_id: 'AKIAIOSFODNN7EXAMPLE',
    account_id: ACCOUNT.id,
    principal_arn: `arn:aws:iam::${ACCOUNT.id}:root`,
    principal_type: 'Root',
    status: 'Active',
    secret_sealed: Buffer.from([0x01, 0x00, 0xff, 0x80]),
    created_at: '2024-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('sqlite store', () => {
  let dir: string;
  let file: string;
  let db: Db;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-db-'));
    file = join(dir, 'nested', 'coffer.db');
    db = await openSqlite(file);
    await migrate(db);
  });
  after(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the file 0600 in WAL mode with durable commits and foreign keys on', async () => {
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const pragma = async (name: string) => (await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(db)).rows[0];
    assert.deepEqual(await pragma('journal_mode'), { journal_mode: 'wal' });
    // NORMAL: commits are made durable by group commit (group-commit.test.ts), never skipped.
    assert.deepEqual(await pragma('synchronous'), { synchronous: 1 });
    assert.ok(durabilityOf(db), 'a group commit is attached');
    assert.deepEqual(await pragma('foreign_keys'), { foreign_keys: 1 });
    assert.deepEqual(await pragma('busy_timeout'), { timeout: 5000 });
  });

  it('migrations are idempotent, also across a reopen', async () => {
    await migrate(db);
    const again = await openSqlite(file);
    try {
      const before = (await again.introspection.getTables()).map((t) => t.name).sort();
      await migrate(again);
      const tables = (await again.introspection.getTables()).map((t) => t.name).sort();
      assert.deepEqual(tables, before, 'a second migrate changed the schema');
      for (const table of ['access_keys', 'accounts', 'meta']) assert.ok(tables.includes(table), table);
    } finally {
      await again.destroy();
    }
  });

  it('inserts and selects through Kysely, blobs as Buffers and nulls preserved', async () => {
    await db.insertInto('accounts').values(ACCOUNT).execute();
    await db.insertInto('access_keys').values(accessKey()).execute();
    const row = await db.selectFrom('access_keys').selectAll().where('access_key_id', '=', 'AKIAIOSFODNN7EXAMPLE').executeTakeFirstOrThrow();
    assert.ok(Buffer.isBuffer(row.secret_sealed));
    assert.deepEqual(row.secret_sealed, Buffer.from([0x01, 0x00, 0xff, 0x80]));
    assert.equal(row.user_name, null);
    assert.equal(row.last_used_at, null);
    assert.equal(row.status, 'Active');

    await db
      .updateTable('access_keys')
      .set({ last_used_at: '2024-02-02T00:00:00.000Z', last_used_service: 'kms', last_used_region: 'us-east-1' })
      .where('access_key_id', '=', row.access_key_id)
      .execute();
    const used = await db.selectFrom('access_keys').select(['last_used_service', 'last_used_region']).executeTakeFirstOrThrow();
    assert.deepEqual(used, { last_used_service: 'kms', last_used_region: 'us-east-1' });
  });

  it('enforces keys and constraints', async () => {
    await assert.rejects(
      db.insertInto('access_keys').values(accessKey({ access_key_id: 'AKIAORPHAN', account_id: '999999999999' })).execute(),
      /FOREIGN KEY/,
    );
    await assert.rejects(
      db.insertInto('access_keys').values(accessKey({ access_key_id: 'AKIABADSTATUS', status: 'Bogus' as 'Active' })).execute(),
      /CHECK/,
    );
    await assert.rejects(db.insertInto('accounts').values({ ...ACCOUNT, id: '210987654321' }).execute(), /UNIQUE/);
    await assert.rejects(db.insertInto('access_keys').values(accessKey()).execute(), /UNIQUE|PRIMARY/);
  });

  it('rolls back a failed transaction', async () => {
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('meta').values({ key: 'tx-probe', value: '1' }).execute();
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.equal(await db.selectFrom('meta').select('value').where('key', '=', 'tx-probe').executeTakeFirst(), undefined);
  });
});
