import assert from 'node:assert/strict';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { migrate, openSqlite } from '../store/database.js';
import { checkRootKeyFingerprint, loadRootKey, rootKeyFingerprint, SealError, Sealer } from './root-key.js';

const AAD = 'access_keys/AKIAIOSFODNN7EXAMPLE/secret';

describe('Sealer', () => {
  const key = randomBytes(32);
  const sealer = new Sealer(key);
  const secret = Buffer.from('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');

  it('round-trips, including an empty plaintext, in the specified layout', () => {
    const sealed = sealer.seal(AAD, secret);
    assert.equal(sealed[0], 0x02);
    assert.equal(sealed.subarray(1, 5).toString('hex'), rootKeyFingerprint(key).slice(0, 8));
    assert.equal(sealed.length, 1 + 4 + 12 + secret.length + 16);
    assert.deepEqual(sealer.open(AAD, sealed), secret);
    assert.deepEqual(new Sealer(Buffer.from(key)).open(AAD, sealed), secret);
    assert.deepEqual(sealer.open(AAD, sealer.seal(AAD, Buffer.alloc(0))), Buffer.alloc(0));
  });

  it('uses a fresh IV each time', () => {
    assert.notDeepEqual(sealer.seal(AAD, secret), sealer.seal(AAD, secret));
  });

  it('rejects every altered byte', () => {
    const sealed = sealer.seal(AAD, secret);
    for (let i = 0; i < sealed.length; i++) {
      const bad = Buffer.from(sealed);
      bad[i] ^= 0x01;
      assert.throws(() => sealer.open(AAD, bad), SealError, `byte ${i}`);
    }
  });

  it('rejects truncation, another AAD, another key and unknown versions', () => {
    const sealed = sealer.seal(AAD, secret);
    for (const len of [0, 1, 5, 32, sealed.length - 1]) {
      assert.throws(() => sealer.open(AAD, sealed.subarray(0, len)), SealError, `length ${len}`);
    }
    assert.throws(() => sealer.open('access_keys/AKIAOTHERKEYEXAMPLE0/secret', sealed), SealError);
    assert.throws(() => new Sealer(randomBytes(32)).open(AAD, sealed), SealError);
    const v3 = Buffer.from(sealed);
    v3[0] = 0x03;
    assert.throws(() => sealer.open(AAD, v3), /unknown format version 3/);
    const v1 = Buffer.from(sealed);
    v1[0] = 0x01;
    assert.throws(() => sealer.open(AAD, v1), SealError);
  });

  it('keeps the plaintext out of the sealed value and its errors', () => {
    const sealed = sealer.seal(AAD, secret);
    assert.equal(sealed.includes(secret), false);
    assert.throws(() => sealer.open('other', sealed), (err: Error) => !err.message.includes(secret.toString()));
  });

  it('still opens version 0x01 values, sealed before key ids existed', () => {
    // A v1 value as the original Sealer wrote it: HKDF info coffer/seal/v1, AAD = the identity alone.
    const v1Key = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'coffer/seal/v1', 32));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', v1Key, iv);
    cipher.setAAD(Buffer.from(AAD));
    const v1 = Buffer.concat([Buffer.of(0x01), iv, cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
    assert.deepEqual(sealer.open(AAD, v1), secret);
    // ... by any key of a ring, the one that sealed it being a previous key.
    assert.deepEqual(new Sealer(randomBytes(32), [key]).open(AAD, v1), secret);
    assert.throws(() => new Sealer(randomBytes(32)).open(AAD, v1), SealError);
    assert.equal(sealer.isCurrent(v1), false);
  });

  it('a ring seals with its current key and opens with every key it holds', () => {
    const old = randomBytes(32);
    const next = randomBytes(32);
    const before = new Sealer(old);
    const sealedOld = before.seal(AAD, secret);
    const ring = new Sealer(next, [old]);
    assert.deepEqual(ring.fingerprints, [rootKeyFingerprint(next), rootKeyFingerprint(old)]);
    assert.deepEqual(ring.open(AAD, sealedOld), secret);
    assert.equal(ring.isCurrent(sealedOld), false);
    const sealedNew = ring.seal(AAD, secret);
    assert.equal(ring.isCurrent(sealedNew), true);
    assert.throws(() => before.open(AAD, sealedNew), /names root key [0-9a-f]{8}, which this server does not hold/);
    // adopt() switches a live Sealer: what it seals next opens under the new key alone.
    before.adopt(next);
    assert.equal(before.fingerprint, rootKeyFingerprint(next));
    assert.deepEqual(before.open(AAD, sealedNew), secret);
    assert.deepEqual(new Sealer(next).open(AAD, before.seal(AAD, secret)), secret);
    assert.deepEqual(before.open(AAD, sealedOld), secret);
  });

  it('binds the key id: a header changed to another key of the ring fails', () => {
    const old = randomBytes(32);
    const ring = new Sealer(randomBytes(32), [old]);
    const sealed = ring.seal(AAD, secret);
    const moved = Buffer.from(sealed);
    Buffer.from(rootKeyFingerprint(old), 'hex').copy(moved, 1, 0, 4);
    assert.throws(() => ring.open(AAD, moved), SealError);
  });

  it('refuses keys that are not 32 bytes and an empty AAD', () => {
    assert.throws(() => new Sealer(randomBytes(16)), RangeError);
    assert.throws(() => sealer.seal('', secret), TypeError);
  });
});

describe('loadRootKey', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'coffer-key-')), 'data');
  });
  afterEach(async () => {
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('creates root.key 0600 on first start and reuses it', async () => {
    const first = await loadRootKey({ dataDir, env: {} });
    assert.equal(first.source, 'file');
    assert.equal(first.key.length, 32);
    assert.equal((await stat(join(dataDir, 'root.key'))).mode & 0o777, 0o600);
    assert.deepEqual(await readFile(join(dataDir, 'root.key')), first.key);
    const second = await loadRootKey({ dataDir, env: {} });
    assert.deepEqual(second.key, first.key);
  });

  it('lets concurrent first starts agree on one key file', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadRootKey({ dataDir, env: {} })));
    for (const { key } of keys) assert.deepEqual(key, keys[0].key);
    assert.deepEqual(await readdir(dataDir), ['root.key']);
  });

  it('refuses a damaged root.key without printing it', async () => {
    await loadRootKey({ dataDir, env: {} });
    await writeFile(join(dataDir, 'root.key'), 'short');
    await assert.rejects(loadRootKey({ dataDir, env: {} }), /holds 5 bytes, expected 32/);
  });

  it('takes COFFER_ROOT_KEY as hex or base64, ahead of everything else', async () => {
    const raw = randomBytes(32);
    for (const value of [raw.toString('hex'), raw.toString('hex').toUpperCase(), raw.toString('base64'), ` ${raw.toString('base64')}\n`]) {
      const got = await loadRootKey({ dataDir, env: { COFFER_ROOT_KEY: value, COFFER_ROOT_PASSPHRASE: 'ignored' } });
      assert.equal(got.source, 'env');
      assert.deepEqual(got.key, raw);
    }
    await assert.rejects(stat(join(dataDir, 'root.key')), { code: 'ENOENT' });
  });

  it('rejects a bad COFFER_ROOT_KEY clearly, without echoing it', async () => {
    for (const bad of ['abc123', 'zz'.repeat(32), randomBytes(31).toString('base64'), randomBytes(33).toString('hex')]) {
      await assert.rejects(loadRootKey({ dataDir, env: { COFFER_ROOT_KEY: bad } }), (err: Error) => {
        assert.match(err.message, /COFFER_ROOT_KEY must be 64 hex characters or the base64 of exactly 32 bytes/);
        assert.equal(err.message.includes(bad), false);
        return true;
      });
    }
  });

  it('derives a stable key from COFFER_ROOT_PASSPHRASE with a 0600 salt', async () => {
    const env = { COFFER_ROOT_PASSPHRASE: 'correct horse battery staple' };
    const first = await loadRootKey({ dataDir, env });
    assert.equal(first.source, 'passphrase');
    assert.equal(first.key.length, 32);
    assert.equal((await stat(join(dataDir, 'root-key.salt'))).mode & 0o777, 0o600);
    const second = await loadRootKey({ dataDir, env });
    assert.deepEqual(second.key, first.key);
    const other = await loadRootKey({ dataDir, env: { COFFER_ROOT_PASSPHRASE: 'another passphrase' } });
    assert.notDeepEqual(other.key, first.key);
  });
});

describe('checkRootKeyFingerprint', () => {
  it('records the fingerprint on first start and refuses a different key later', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-fp-'));
    const db = await openSqlite(join(dir, 'coffer.db'));
    try {
      await migrate(db);
      const key = randomBytes(32);
      const fingerprint = await checkRootKeyFingerprint(db, key);
      assert.match(fingerprint, /^[0-9a-f]{16}$/);
      assert.equal(fingerprint, rootKeyFingerprint(Buffer.from(key)));
      assert.equal(await checkRootKeyFingerprint(db, key), fingerprint);
      await assert.rejects(checkRootKeyFingerprint(db, randomBytes(32)), /not the one this data directory was created with/);
      // The failed check must not have replaced the recorded fingerprint.
      assert.equal(await checkRootKeyFingerprint(db, key), fingerprint);
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
