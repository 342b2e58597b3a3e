import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Migrator, type Kysely } from 'kysely';
import { openSqlite } from '../database.js';
import * as identity from './0001-identity.js';
import * as kms from './0002-kms.js';
import * as kmsB from './0007-kms-b.js';

describe('migration 0007-kms-b', () => {
  let dir: string;
  let db: Kysely<any>;
  const migrator = () => new Migrator({ db, provider: { getMigrations: async () => ({ '0001-identity': identity, '0002-kms': kms, '0007-kms-b': kmsB }) } });
  const arn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-0007-'));
    db = await openSqlite(join(dir, 'coffer.db'));
  });
  after(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every existing material row while making the sealed secret nullable', async () => {
    assert.equal((await migrator().migrateTo('0002-kms')).error, undefined);
    await db.insertInto('accounts').values({ id: '123456789012', name: 't', canonical_user_id: 'c'.repeat(64), created_at: 't' }).execute();
    await db.insertInto('kms_keys').values({
      arn, account_id: '123456789012', region: 'us-east-1', key_id: arn.slice(-36), key_spec: 'SYMMETRIC_DEFAULT', key_usage: 'ENCRYPT_DECRYPT',
      key_state: 'Enabled', origin: 'AWS_KMS', key_manager: 'CUSTOMER', multi_region: 0, description: '', policy: '{}', created_at: 't',
      current_material_version: 2,
    }).execute();
    const rows = [1, 2].map((version) => ({
      key_arn: arn, version, material_id: String(version).repeat(64), material_sealed: Buffer.from([version, 0, 255]),
      public_key: null, imported: 0, created_at: `t${version}`, expires_at: null,
    }));
    await db.insertInto('kms_key_materials').values(rows).execute();

    assert.equal((await migrator().migrateToLatest()).error, undefined);
    const after = await db.selectFrom('kms_key_materials').selectAll().orderBy('version').execute();
    assert.deepEqual(after, rows.map((r) => ({ ...r, expiration_model: null, description: null, rotation_type: null, rotated_at: null })));
    await db.updateTable('kms_key_materials').set({ material_sealed: null }).where('version', '=', 1).execute();
    await assert.rejects(db.insertInto('kms_key_materials').values({ ...rows[0], version: 3, key_arn: 'arn:none' }).execute(), /FOREIGN KEY/);
    await assert.rejects(db.insertInto('kms_key_materials').values(rows[1]).execute(), /UNIQUE|PRIMARY/);
    assert.deepEqual(await db.selectFrom('kms_grants').selectAll().execute(), []);
  });
});
