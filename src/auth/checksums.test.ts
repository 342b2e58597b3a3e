import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { Crc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { checksumAlgorithmOf, createChecksum, isWellFormedChecksum, type ChecksumAlgorithm } from './checksums.js';

// The values the S3 user guide gives for "Hello world" (checking object integrity), SHA from coreutils.
const HELLO: Record<ChecksumAlgorithm, string> = {
  CRC32: 'i9aeUg==',
  CRC32C: 'crUfeA==',
  CRC64NVME: 'OOJZ0D8xKts=',
  SHA1: 'e1AsOh9IyGCa4hLN+2Od7jlnP14=',
  SHA256: 'ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=',
};

describe('createChecksum', () => {
  for (const [algorithm, expected] of Object.entries(HELLO) as Array<[ChecksumAlgorithm, string]>) {
    it(`${algorithm} of "Hello world", fed in pieces`, () => {
      const checksum = createChecksum(algorithm);
      for (const piece of ['Hel', 'lo', ' world']) checksum.update(Buffer.from(piece));
      const digest = checksum.digest();
      assert.equal(digest, expected);
      assert.ok(isWellFormedChecksum(algorithm, digest));
    });
  }

  // The AWS SDKs' own implementations are the reference: Coffer must agree with what a client sends.
  it('agrees with the AWS SDKs on CRC32C and CRC64NVME, for bodies fed in random pieces at the same time', async () => {
    const reference = {
      CRC32C: (data: Buffer) => {
        const crc = new Crc32c().update(data);
        const bytes = Buffer.alloc(4);
        bytes.writeUInt32BE(crc.digest() >>> 0);
        return bytes.toString('base64');
      },
      CRC64NVME: async (data: Buffer) => {
        const crc = new Crc64Nvme();
        crc.update(data);
        return Buffer.from(await crc.digest()).toString('base64');
      },
    };
    for (const algorithm of ['CRC32C', 'CRC64NVME'] as const) {
      // Bodies hashed in turns, one piece each: every body keeps its own state in the shared hasher.
      const bodies = [0, 1, 4096, 65_537, 1_000_003].map((size) => ({ data: randomBytes(size), at: 0, checksum: createChecksum(algorithm) }));
      while (bodies.some((b) => b.at < b.data.length)) {
        for (const body of bodies) {
          const end = Math.min(body.data.length, body.at + randomInt(1, 100_000));
          body.checksum.update(body.data.subarray(body.at, end));
          body.at = end;
        }
      }
      for (const body of bodies) assert.equal(body.checksum.digest(), await reference[algorithm](body.data), `${algorithm} of ${body.data.length} bytes`);
    }
  });

  it('names algorithms by their header', () => {
    assert.equal(checksumAlgorithmOf('X-Amz-Checksum-CRC64NVME'), 'CRC64NVME');
    assert.equal(checksumAlgorithmOf('x-amz-checksum-md5'), undefined);
  });

  it('knows a malformed value', () => {
    assert.ok(!isWellFormedChecksum('CRC32', 'AAAAAAA='));
    assert.ok(!isWellFormedChecksum('CRC32', 'i9aeUg'));
    assert.ok(!isWellFormedChecksum('SHA1', HELLO.CRC32));
  });
});
