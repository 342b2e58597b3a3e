import assert from 'node:assert/strict';
import { hkdfSync, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { BadCiphertextError, blobKey, canonicalContext, openBlob, readBlobHeader, sealBlob } from './ciphertext-blob.js';

const material = randomBytes(32);
const header = { accountId: '123456789012', keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', materialVersion: 3 };

test('a blob round-trips and names its key and material version', () => {
  const plaintext = Buffer.from('attack at dawn');
  const blob = sealBlob(header, material, plaintext, { purpose: 'test' });
  assert.deepEqual(readBlobHeader(blob), header);
  assert.deepEqual(openBlob(blob, material, { purpose: 'test' }), plaintext);
  // magic, version, account (12), id length, id (36), version (4), salt (16), IV (12), ct, tag (16)
  assert.equal(blob.length, 3 + 1 + 12 + 1 + 36 + 4 + 16 + 12 + plaintext.length + 16);
});

test('two encryptions of the same plaintext differ (fresh salt and IV)', () => {
  const p = Buffer.from('same');
  assert.notDeepEqual(sealBlob(header, material, p), sealBlob(header, material, p));
});

test('flipping any single byte of a blob makes it fail', () => {
  const blob = sealBlob(header, material, Buffer.from('0123456789abcdef'), { a: 'b' });
  for (let i = 0; i < blob.length; i++) {
    const bad = Buffer.from(blob);
    bad[i]! ^= 0x01;
    assert.throws(() => openBlob(bad, material, { a: 'b' }), BadCiphertextError, `byte ${i}`);
  }
});

test('truncated blobs, garbage and another material fail the same way', () => {
  const blob = sealBlob(header, material, Buffer.from('x'));
  for (const bad of [blob.subarray(0, blob.length - 1), blob.subarray(0, 20), Buffer.from('encrypted data'), Buffer.alloc(0)]) {
    assert.throws(() => openBlob(bad, material), BadCiphertextError);
  }
  assert.throws(() => openBlob(blob, randomBytes(32)), BadCiphertextError);
  assert.equal(readBlobHeader(Buffer.from('encrypted data')), undefined);
});

test('the encryption context must match exactly', () => {
  const blob = sealBlob(header, material, Buffer.from('secret'), { dept: 'finance', user: 'alice' });
  // Key order does not matter: the encoding sorts the pairs.
  assert.deepEqual(openBlob(blob, material, { user: 'alice', dept: 'finance' }), Buffer.from('secret'));
  const wrongs: Array<Record<string, string> | undefined> = [undefined, {}, { dept: 'finance' }, { dept: 'Finance', user: 'alice' }, { dept: 'finance', user: 'alice', x: '' }];
  for (const wrong of wrongs) {
    assert.throws(() => openBlob(blob, material, wrong), BadCiphertextError, JSON.stringify(wrong));
  }
});

test('an absent context and an empty one are the same', () => {
  assert.deepEqual(canonicalContext(undefined), canonicalContext({}));
  const blob = sealBlob(header, material, Buffer.from('p'));
  assert.deepEqual(openBlob(blob, material, {}), Buffer.from('p'));
});

test('canonical contexts that concatenate alike do not collide', () => {
  assert.notDeepEqual(canonicalContext({ ab: 'c' }), canonicalContext({ a: 'bc' }));
  assert.notDeepEqual(canonicalContext({ a: 'b', c: 'd' }), canonicalContext({ a: 'bc', '': 'd' }));
  const blob = sealBlob(header, material, Buffer.from('p'), { ab: 'c' });
  assert.throws(() => openBlob(blob, material, { a: 'bc' }), BadCiphertextError);
});

test('the canonical encoding is length-prefixed and sorted by UTF-8 bytes', () => {
  const enc = canonicalContext({ b: '2', a: 'é' });
  assert.equal(enc.toString('hex'), [
    '00000002',
    '00000001', '61', '00000002', 'c3a9',
    '00000001', '62', '00000001', '32',
  ].join(''));
});

test('the blob key is exactly HKDF-SHA256 (node:crypto hkdfSync) of the material, salt and info', () => {
  for (let i = 0; i < 50; i++) {
    const material = randomBytes(32);
    const salt = randomBytes(16);
    assert.deepEqual(blobKey(material, salt), Buffer.from(hkdfSync('sha256', material, salt, 'coffer/kms/ciphertext/v1', 32)));
  }
});

test('salt and IV are fresh for every blob', () => {
  const material = randomBytes(32);
  const header = { accountId: '111122223333', keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', materialVersion: 1 };
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const blob = sealBlob(header, material, Buffer.alloc(0));
    const start = 17 + header.keyId.length + 4;
    seen.add(blob.subarray(start, start + 28).toString('hex'));
  }
  assert.equal(seen.size, 1000);
});
