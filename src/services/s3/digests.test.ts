import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import type { ChecksumAlgorithm } from '../../auth/checksums.js';
import { bodyDigests, OFFLOAD_MIN_BYTES } from './digests.js';

/** Feeds `body` in uneven chunks, honouring the back-pressure `update` asks for. */
async function digest(body: Buffer, algorithm: ChecksumAlgorithm, sizeHint?: number, md5 = true) {
  const d = bodyDigests({ md5, algorithm, sizeHint });
  for (let at = 0, step = 1; at < body.length; at += step, step = (step * 7 + 13) % 300_000 + 1) {
    await d.update(body.subarray(at, at + step));
  }
  return d.result();
}

describe('body digests', () => {
  const body = randomBytes(3 * OFFLOAD_MIN_BYTES + 12_345);

  for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
    it(`${algorithm} and MD5 are the same on the worker thread as inline`, async () => {
      const inline = await digest(body, algorithm);
      const offloaded = await digest(body, algorithm, body.length);
      assert.deepEqual(offloaded, inline);
      assert.equal(inline.md5!.toString('hex'), createHash('md5').update(body).digest('hex'));
    });
  }

  it('gives the known CRC32 and skips the MD5 when not asked for it', async () => {
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(crc32(body) >>> 0);
    const r = await digest(body, 'CRC32', body.length, false);
    assert.equal(r.checksum, expected.toString('base64'));
    assert.equal(r.md5, undefined);
  });

  it('keeps many bodies apart on the workers, and bounds what is in flight', async () => {
    const bodies = Array.from({ length: 6 }, () => randomBytes(12 * OFFLOAD_MIN_BYTES));
    const results = await Promise.all(bodies.map((b) => digest(b, 'SHA256', b.length)));
    results.forEach((r, i) => assert.equal(r.checksum, createHash('sha256').update(bodies[i]!).digest('base64')));
  });

  it('an empty body and a discarded one leave the workers usable', async () => {
    const discarded = bodyDigests({ md5: true, algorithm: 'CRC32', sizeHint: body.length });
    await discarded.update(body);
    discarded.discard();
    const empty = await digest(Buffer.alloc(0), 'CRC32', OFFLOAD_MIN_BYTES);
    assert.equal(empty.md5!.toString('hex'), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(empty.checksum, 'AAAAAA==');
  });
});
