import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SealError, Sealer } from '../../crypto/root-key.js';
import { migrate, openSqlite, type Db } from '../../store/database.js';
import { newKeyId, newKeyRow } from './key-factory.js';
import { generateMaterial, KeyMaterials, type GeneratedMaterial } from './key-material.js';
import { KeyStore } from './key-store.js';

const ACCOUNT = '123456789012';

/** The secret parts of material: all of a symmetric/HMAC key; the private values of a key pair (the modulus is public). */
function secretParts(spec: string, secret: Buffer): Buffer[] {
  if (spec === 'SYMMETRIC_DEFAULT' || spec.startsWith('HMAC')) return [secret];
  const jwk = createPrivateKey({ key: secret, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }) as Record<string, string>;
  return ['d', 'p', 'q', 'dp', 'dq', 'qi'].filter((k) => jwk[k]).map((k) => Buffer.from(jwk[k]!, 'base64url'));
}

describe('key material at rest', () => {
  let dir: string;
  let db: Db;
  let store: KeyStore;
  let materials: KeyMaterials;
  const secrets: Array<{ spec: string; arn: string; generated: GeneratedMaterial }> = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-kms-'));
    db = await openSqlite(join(dir, 'coffer.sqlite'));
    await migrate(db);
    await db.insertInto('accounts').values({ id: ACCOUNT, name: 't', canonical_user_id: 'a'.repeat(64), created_at: new Date().toISOString() }).execute();
    store = new KeyStore(db);
    materials = new KeyMaterials(store, new Sealer(randomBytes(32)), { maxEntries: 2, ttlMs: 60_000 });
    for (const [spec, usage] of [['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'], ['HMAC_256', 'GENERATE_VERIFY_MAC'], ['RSA_2048', 'SIGN_VERIFY'], ['ECC_NIST_P256', 'SIGN_VERIFY']] as const) {
      const now = new Date().toISOString();
      const key = newKeyRow({
        accountId: ACCOUNT, region: 'us-east-1', keyId: newKeyId(false), spec, usage, origin: 'AWS_KMS', manager: 'CUSTOMER',
        multiRegion: false, description: '', policy: '{}', createdAt: now,
      });
      const generated = await generateMaterial(spec);
      // sealRow may scrub nothing: keep a copy to search the file for.
      secrets.push({ spec, arn: key.arn, generated: { secret: Buffer.from(generated.secret), publicKey: generated.publicKey } });
      await store.insertKey(key, [materials.sealRow(key.arn, 1, generated, now)], []);
    }
  });
  after(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('no plaintext material (or any 16-byte window of it) is in the database files', async () => {
    const files = await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f))));
    const all = Buffer.concat(files);
    assert.ok(all.length > 0);
    for (const { spec, generated } of secrets) {
      for (const secret of secretParts(spec, generated.secret)) {
        for (let i = 0; i + 16 <= secret.length; i += 8) {
          assert.equal(all.indexOf(secret.subarray(i, i + 16)), -1, `${spec} secret bytes ${i}.. found in the database`);
        }
      }
    }
  });

  it('opens what it sealed, parsed for use', async () => {
    for (const { spec, arn, generated } of secrets) {
      const opened = (await materials.open(arn, spec, 1))!;
      assert.match(opened.materialId, /^[0-9a-f]{64}$/);
      if (spec === 'SYMMETRIC_DEFAULT' || spec === 'HMAC_256') {
        assert.deepEqual(opened.secret, generated.secret);
      } else {
        const expected = createPrivateKey({ key: generated.secret, format: 'der', type: 'pkcs8' });
        assert.ok(opened.privateKey!.equals(expected));
        assert.deepEqual(opened.publicKey!.export({ type: 'spki', format: 'der' }), generated.publicKey);
      }
    }
    assert.equal(await materials.open(secrets[0]!.arn, 'SYMMETRIC_DEFAULT', 2), undefined);
  });

  it('sealed material moved to another key or version does not open', async () => {
    const [a, b] = secrets;
    const rowA = (await store.material(a!.arn, 1))!;
    const rowB = (await store.material(b!.arn, 1))!;
    await db.updateTable('kms_key_materials').set({ material_sealed: rowA.material_sealed }).where('key_arn', '=', b!.arn).execute();
    materials.evict(b!.arn);
    await assert.rejects(materials.open(b!.arn, b!.spec, 1), SealError);
    await db.updateTable('kms_key_materials').set({ material_sealed: rowB.material_sealed }).where('key_arn', '=', b!.arn).execute();
    await db.insertInto('kms_key_materials').values({ ...rowA, version: 2 }).execute();
    await assert.rejects(materials.open(a!.arn, a!.spec, 2), SealError);
  });

  it('the cache is bounded and evicts a key at once', async () => {
    let reads = 0;
    const counting = new KeyStore(db);
    const original = counting.material.bind(counting);
    counting.material = async (arn, version) => { reads++; return original(arn, version); };
    const cache = new KeyMaterials(counting, (materials as unknown as { sealer: Sealer }).sealer, { maxEntries: 2, ttlMs: 60_000 });
    const [sym, hmac, rsa] = secrets;
    await cache.open(sym!.arn, sym!.spec, 1);
    await cache.open(sym!.arn, sym!.spec, 1);
    assert.equal(reads, 1, 'a hit does not read the store');
    await cache.open(hmac!.arn, hmac!.spec, 1);
    await cache.open(rsa!.arn, rsa!.spec, 1); // evicts the least recently used: sym
    await cache.open(sym!.arn, sym!.spec, 1);
    assert.equal(reads, 4);
    cache.evict(sym!.arn);
    await cache.open(sym!.arn, sym!.spec, 1);
    assert.equal(reads, 5);
  });
});
