import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
    it(`${algorithm} of "Hello world", fed in pieces`, async () => {
      const checksum = createChecksum(algorithm);
      for (const piece of ['Hel', 'lo', ' world']) checksum.update(Buffer.from(piece));
      const digest = await checksum.digest();
      assert.equal(digest, expected);
      assert.ok(isWellFormedChecksum(algorithm, digest));
    });
  }

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
