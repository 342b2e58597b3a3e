import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Codec } from '../envelope/codec.js';
import { generateKey, InvalidToken, keyFromBytes, parseKey, tokenDecryptor, tokenEncryptor, type DecryptOptions, type FernetKey } from './fernet.js';

// The acceptance vectors of https://github.com/fernet/spec (generate.json, verify.json, invalid.json).
const SECRET = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
const TOKEN = 'gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==';
const NOW = new Date('1985-10-26T01:20:01-07:00');
const INVALID: { desc: string; token: string; now: string }[] = [
  { desc: 'incorrect mac', token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==', now: '1985-10-26T01:20:01-07:00' },
  { desc: 'too short', token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==', now: '1985-10-26T01:20:01-07:00' },
  { desc: 'invalid base64', token: '%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==', now: '1985-10-26T01:20:01-07:00' },
  { desc: 'payload size not multiple of block size', token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm', now: '1985-10-26T01:20:01-07:00' },
  { desc: 'payload padding error', token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==', now: '1985-10-26T01:20:01-07:00' },
  { desc: 'far-future TS (unacceptable clock skew)', token: 'gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==', now: '1985-10-26T01:20:01-07:00' },
  { desc: 'expired TTL', token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==', now: '1985-10-26T01:21:31-07:00' },
  { desc: 'incorrect IV (causes padding error)', token: 'gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==', now: '1985-10-26T01:20:01-07:00' },
];

/** Runs a codec over `data` cut into pieces of `size` bytes, as a stream would deliver it. */
function runCodec(codec: Codec, data: Buffer, size = 7): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(codec.update(data.subarray(i, i + size)));
  out.push(codec.final());
  return Buffer.concat(out);
}

const encryptToken = (key: FernetKey, data: Buffer, opts: { now?: Date; iv?: Buffer } = {}, size?: number) =>
  runCodec(tokenEncryptor(key, opts), data, size).toString('latin1');
const decryptToken = (key: FernetKey, token: string, opts: DecryptOptions = {}, size?: number) =>
  runCodec(tokenDecryptor(key, opts), Buffer.from(token, 'latin1'), size);

describe('Fernet (spec acceptance vectors)', () => {
  const key = parseKey(SECRET);

  it('generates the spec token byte for byte, whatever the chunking', () => {
    const iv = Buffer.from([...Array(16).keys()]);
    for (const size of [1, 3, 16, 1000]) {
      assert.equal(encryptToken(key, Buffer.from('hello'), { now: new Date('1985-10-26T01:20:00-07:00'), iv }, size), TOKEN);
    }
  });

  it('verifies the spec token within its TTL', () => {
    for (const size of [1, 5, 64]) assert.equal(decryptToken(key, TOKEN, { ttlSeconds: 60, now: NOW }, size).toString(), 'hello');
  });

  for (const vector of INVALID) {
    it(`rejects: ${vector.desc}`, () => {
      assert.throws(() => decryptToken(key, vector.token, { ttlSeconds: 60, now: new Date(vector.now) }), InvalidToken);
    });
  }

  it('names expiry and future timestamps, and treats everything else as one InvalidToken', () => {
    const expired = INVALID.find((v) => v.desc === 'expired TTL')!;
    assert.throws(() => decryptToken(key, expired.token, { ttlSeconds: 60, now: new Date(expired.now) }), /expired/);
    const future = INVALID.find((v) => v.desc.startsWith('far-future'))!;
    assert.throws(() => decryptToken(key, future.token, { ttlSeconds: 60, now: NOW }), /future/);
    const mac = INVALID.find((v) => v.desc === 'incorrect mac')!;
    const padding = INVALID.find((v) => v.desc === 'payload padding error')!;
    const messages = [mac, padding].map((v) => {
      try {
        decryptToken(key, v.token, { ttlSeconds: 60, now: NOW });
      } catch (err) {
        assert.ok(err instanceof InvalidToken);
        return err.message;
      }
      assert.fail('accepted an invalid token');
    });
    // A padding oracle needs padding errors to differ from MAC errors: they must not.
    assert.equal(messages[0], messages[1]);
  });

  it('ignores the TTL when none is given, as Python does', () => {
    assert.equal(decryptToken(key, TOKEN).toString(), 'hello');
  });
});

describe('Fernet round trips', () => {
  it('carries 0 bytes, 1 byte, block edges and 1 MiB in any chunking', () => {
    const key = parseKey(generateKey());
    for (const n of [0, 1, 15, 16, 17, 1 << 20]) {
      const data = randomBytes(n);
      for (const size of n > 1000 ? [65536] : [1, 13, 4096]) {
        assert.deepEqual(decryptToken(key, encryptToken(key, data, {}, size), {}, size), data);
      }
    }
  });

  it('refuses a token under another key, and any flipped byte', () => {
    const key = parseKey(generateKey());
    const token = encryptToken(key, Buffer.from('attack at dawn'));
    assert.throws(() => decryptToken(parseKey(generateKey()), token), InvalidToken);
    const raw = Buffer.from(token, 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i]! ^= 0x01;
      assert.throws(() => decryptToken(key, bad.toString('base64url')), InvalidToken, `byte ${i}`);
    }
  });

  it('reads keys as Python writes them and refuses anything but 32 bytes', () => {
    const key = generateKey();
    assert.match(key, /^[A-Za-z0-9_-]{43}=$/);
    assert.deepEqual(parseKey(`${key}\n`), parseKey(key));
    assert.throws(() => parseKey('c2hvcnQ='), /Fernet key must be 32 url-safe base64-encoded bytes/);
    assert.throws(() => parseKey(key.replace(/.$/, '!')), /32 url-safe/);
    const raw = randomBytes(32);
    assert.deepEqual(keyFromBytes(raw), { signingKey: raw.subarray(0, 16), encryptionKey: raw.subarray(16) });
  });
});
