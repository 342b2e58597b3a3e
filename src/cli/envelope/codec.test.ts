import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { Base64Decoder, Base64Encoder, Base64Error, chainCodecs, codecStream, type Codec } from './codec.js';

function feed(codec: Codec, data: Buffer, size: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(codec.update(data.subarray(i, i + size)));
  out.push(codec.final());
  return Buffer.concat(out);
}

describe('base64 codecs', () => {
  it('encode exactly as one-shot base64 / padded base64url, whatever the chunk boundaries', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 100, 4099]) {
      const data = randomBytes(n);
      for (const size of [1, 2, 3, 4, 7, 4096]) {
        assert.equal(feed(new Base64Encoder(), data, size).toString(), data.toString('base64'));
        const url = data.toString('base64url');
        assert.equal(feed(new Base64Encoder('base64url'), data, size).toString(), url + '='.repeat((4 - (url.length % 4)) % 4));
      }
    }
  });

  it('decode both alphabets across chunk boundaries, skipping line breaks', () => {
    for (const n of [0, 1, 2, 3, 200, 4099]) {
      const data = randomBytes(n);
      const wrapped = (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n') + '\n';
      for (const size of [1, 3, 5, 4096]) {
        assert.deepEqual(feed(new Base64Decoder(), Buffer.from(wrapped), size), data);
        assert.deepEqual(feed(new Base64Decoder(), Buffer.from(data.toString('base64url')), size), data);
      }
    }
  });

  it('refuses garbage, data after padding, and impossible lengths instead of skipping them', () => {
    for (const bad of ['QUJD*', 'QQ==QQ==', 'QUJDR', '====']) {
      assert.throws(() => feed(new Base64Decoder(), Buffer.from(bad), 2), Base64Error, bad);
    }
  });

  it('chain codecs and run them as a stream', async () => {
    const data = randomBytes(10_000);
    const roundTrip = chainCodecs(new Base64Encoder(), new Base64Decoder());
    const out = await buffer(Readable.from([data.subarray(0, 1), data.subarray(1, 5000), data.subarray(5000)]).pipe(codecStream(roundTrip)));
    assert.deepEqual(out, data);
  });

  it('turn a codec exception into a stream error', async () => {
    await assert.rejects(buffer(Readable.from([Buffer.from('not base64!')]).pipe(codecStream(new Base64Decoder()))), Base64Error);
  });
});
