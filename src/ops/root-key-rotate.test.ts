import assert from 'node:assert/strict';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { postgresAvailable, startPostgres, type TestPostgres } from '../../test/postgres.js';
import { adoptStaged, openSealer, stageRotation } from '../crypto/key-ring.js';
import { checkRootKeyFingerprint, rootKeyFingerprint, Sealer } from '../crypto/root-key.js';
import { migrate, openSqlite, type Db } from '../store/database.js';
import { openPostgres } from '../store/postgres/postgres.js';
import { openTrailSqlite, prepareTrailDatabase } from '../trail/database.js';
import { rotateRootKey } from './root-key-rotate.js';
import { scanSealed } from './sealed-scan.js';

const ACCOUNT = '123456789012';
const SECRET = Buffer.from('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');

/** A value in the original v1 format, as data directories made before key ids hold them. */
function sealV1(key: Buffer, aad: string, plain: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'coffer/seal/v1', 32)), iv);
  cipher.setAAD(Buffer.from(aad));
  return Buffer.concat([Buffer.of(1), iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

async function seed(db: Db, trailDb: Db, key: Buffer, n: number): Promise<void> {
  const sealer = new Sealer(key);
  await db.insertInto('accounts').values({ id: ACCOUNT, name: 't', canonical_user_id: 'a'.repeat(64), created_at: '2024-01-01T00:00:00.000Z' }).execute();
  for (let i = 0; i < n; i++) {
    const id = `AKIATEST${String(i).padStart(12, '0')}`;
    const aad = `access_keys/${id}/secret`;
    await db.insertInto('access_keys').values({
      access_key_id: id, account_id: ACCOUNT, principal_arn: `arn:aws:iam::${ACCOUNT}:root`, principal_type: 'Root', principal_id: null,
      user_name: null, status: 'Active', secret_sealed: i % 2 ? sealV1(key, aad, SECRET) : sealer.seal(aad, SECRET), created_at: '2024-01-01T00:00:00.000Z',
      last_used_at: null, last_used_service: null, last_used_region: null,
    }).execute();
  }
  await db.insertInto('meta').values({ key: 'sts_session_token_key', value: sealer.seal('meta/sts_session_token_key', randomBytes(32)).toString('base64') }).execute();
  await trailDb.insertInto('trail_checkpoints').values({ name: 'events', seq: 1, hash: 'h', sealed: sealer.seal('trail_checkpoints/events', Buffer.from('1\nh')) }).execute();
}

async function secrets(db: Db): Promise<Buffer[]> {
  return (await db.selectFrom('access_keys').select('secret_sealed').orderBy('access_key_id').execute()).map((r) => Buffer.from(r.secret_sealed));
}

/** One store to rotate in: a fresh, migrated database and its trail database, and how to throw them away. */
type Backend = () => Promise<{ db: Db; trailDb: Db; cleanup(): Promise<void> }>;

const sqlite: Backend = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-rotate-'));
  const db = await openSqlite(join(dir, 'coffer.sqlite'));
  const { db: trailDb } = await openTrailSqlite(dir);
  await migrate(db);
  await prepareTrailDatabase(db, trailDb);
  return { db, trailDb, cleanup: async () => {
    await trailDb.destroy();
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  } };
};

let pg: Promise<TestPostgres> | undefined;
const postgres: Backend = async () => {
  pg ??= startPostgres();
  const db = await openPostgres(await (await pg).createDatabase());
  await migrate(db);
  return { db, trailDb: db, cleanup: () => db.destroy() };
};
after(async () => {
  await (await pg)?.stop();
});

rotationSuite('SQLite', sqlite);
rotationSuite('PostgreSQL', postgres, postgresAvailable() ? undefined : 'PostgreSQL is not installed');

function rotationSuite(name: string, backend: Backend, skip?: string): void {
  describe(`root-key rotation (${name})`, { skip }, () => {
    let db: Db;
    let trailDb: Db;
    let cleanup: () => Promise<void>;
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);

    beforeEach(async () => {
      ({ db, trailDb, cleanup } = await backend());
      await checkRootKeyFingerprint(db, oldKey);
      await seed(db, trailDb, oldKey, 450); // more than two pages of 200
    });
    afterEach(async () => {
      await cleanup();
    });

    it('re-wraps every registered value (v1 and v2) under the new key and retires the old one', async () => {
      const lines: string[] = [];
      const report = await rotateRootKey({ db, trailDb, key: oldKey, newKey, graceMs: 0, progress: (l) => lines.push(l) });
      assert.equal(report.to, rootKeyFingerprint(newKey));
      assert.equal(report.rewrapped['access_keys.secret_sealed (access_keys/{access_key_id}/secret)'], 450);
      assert.equal(report.rewrapped['meta.value (meta/sts_session_token_key)'], 1);
      assert.equal(report.rewrapped['trail_checkpoints.sealed (trail_checkpoints/{name})'], 1);
      assert.equal(report.passes, 2, 'the second pass finds nothing left');
      const alone = new Sealer(newKey);
      for (const [i, sealed] of (await secrets(db)).entries()) {
        assert.equal(alone.isCurrent(sealed), true, `row ${i}`);
        assert.deepEqual(alone.open(`access_keys/AKIATEST${String(i).padStart(12, '0')}/secret`, sealed), SECRET);
      }
      // Only the new key starts a server now; the old one is refused and opens nothing.
      await assert.rejects(openSealer(db, oldKey), /not the one this data directory was created with/);
      assert.equal((await openSealer(db, newKey)).fingerprint, rootKeyFingerprint(newKey));
      assert.equal((await db.selectFrom('meta').select('key').where('key', 'in', ['root_key_next', 'root_key_ring']).execute()).length, 0);
      await assert.rejects(scanSealed({ main: db, trail: trailDb }, new Sealer(oldKey), { rewrap: false }), /does not open with the root key ring/);
      assert.ok(lines.some((l) => l.includes('is now the data directory')));
    });

    it('during a staged rotation both keys start a server; the old one adopts the new key', async () => {
      await stageRotation(db, oldKey, newKey);
      const viaOld = await openSealer(db, oldKey);
      assert.equal(viaOld.fingerprint, rootKeyFingerprint(newKey), 'a server holding the old key seals with the new one');
      const viaNew = await openSealer(db, newKey);
      assert.deepEqual(viaNew.fingerprints, [rootKeyFingerprint(newKey), rootKeyFingerprint(oldKey)]);
      const [first] = await secrets(db);
      assert.deepEqual(viaNew.open('access_keys/AKIATEST000000000000/secret', first!), SECRET);
      await assert.rejects(openSealer(db, randomBytes(32)), /not the one this data directory/);
      await assert.rejects(stageRotation(db, oldKey, randomBytes(32)), /already staged/);
    });

    it('a live server that started before staging adopts the key on its next poll', async () => {
      const live = await openSealer(db, oldKey);
      assert.equal(await adoptStaged(db, live), undefined);
      await stageRotation(db, oldKey, newKey);
      assert.equal(await adoptStaged(db, live), rootKeyFingerprint(newKey));
      assert.equal(await adoptStaged(db, live), undefined, 'adopting twice changes nothing');
    });

    it('an interrupted rotation is finished by running it again with the new key, and concurrent writes are kept', async () => {
      await assert.rejects(rotateRootKey({ db, trailDb, key: oldKey, newKey, graceMs: 0, onStaged: async () => { throw new Error('killed'); } }), /killed/);
      // A server (holding the new key through the ring) writes while the rotation runs.
      const server = await openSealer(db, newKey);
      const writer = (async () => {
        for (let seq = 2; seq < 60; seq++) {
          const sealed = server.seal('trail_checkpoints/events', Buffer.from(`${seq}\nh`));
          await trailDb.updateTable('trail_checkpoints').set({ seq, sealed }).where('name', '=', 'events').execute();
          await new Promise((r) => setImmediate(r));
        }
      })();
      await assert.rejects(rotateRootKey({ db, trailDb, key: newKey, newKey: randomBytes(32), graceMs: 0 }), /already staged/);
      const report = await rotateRootKey({ db, trailDb, key: newKey, graceMs: 0 });
      await writer;
      assert.equal(report.to, rootKeyFingerprint(newKey));
      const cp = await trailDb.selectFrom('trail_checkpoints').selectAll().executeTakeFirstOrThrow();
      assert.equal(new Sealer(newKey).open('trail_checkpoints/events', Buffer.from(cp.sealed)).toString(), `${cp.seq}\nh`);
      assert.equal(cp.seq, 59, 'the last concurrent write is the one kept');
    });

    it('refuses to retire the old key while a value does not open', async () => {
      await db.updateTable('access_keys').set({ secret_sealed: new Sealer(randomBytes(32)).seal('x', SECRET) }).where('access_key_id', '=', 'AKIATEST000000000007').execute();
      await assert.rejects(rotateRootKey({ db, trailDb, key: oldKey, newKey, graceMs: 0 }), /row AKIATEST000000000007 does not open/);
      // Nothing was retired: the old key still starts a server (and adopts the staged key).
      assert.equal((await openSealer(db, oldKey)).fingerprint, rootKeyFingerprint(newKey));
    });
  });
}
