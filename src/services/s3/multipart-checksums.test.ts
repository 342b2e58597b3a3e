import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createChecksum, type ChecksumAlgorithm } from '../../auth/checksums.js';
import { combineCrcs, compositeChecksum, multipartEtag, type CrcAlgorithm } from './multipart-checksums.js';

function digest(algorithm: ChecksumAlgorithm, data: Buffer): string {
  const checksum = createChecksum(algorithm);
  checksum.update(data);
  return checksum.digest();
}

describe('multipart checksums', () => {
  for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME'] as CrcAlgorithm[]) {
    it(`combines ${algorithm}s of parts into the CRC of the whole`, () => {
      // Sizes around the edges: empty parts, one byte, odd lengths, a large part.
      const sizes = [0, 1, 7, 65_536, 1_000_003, 0, 13];
      const parts = sizes.map((n) => randomBytes(n));
      const combined = combineCrcs(algorithm, parts.map((p) => ({ checksum: digest(algorithm, p), size: p.length })));
      assert.equal(combined, digest(algorithm, Buffer.concat(parts)));
      assert.equal(combineCrcs(algorithm, []), digest(algorithm, Buffer.alloc(0)));
    });
  }

  it('computes the ETag as md5 of the md5s, with the part count', () => {
    const parts = [Buffer.from('a'), Buffer.from('bc')];
    const md5s = parts.map((p) => createHash('md5').update(p).digest());
    const expected = createHash('md5').update(Buffer.concat(md5s)).digest('hex');
    assert.equal(multipartEtag(md5s), `${expected}-2`);
  });

  it('computes a COMPOSITE checksum as the checksum of the part checksums', () => {
    const parts = [randomBytes(100), randomBytes(5)];
    const sums = parts.map((p) => digest('SHA256', p));
    const expected = createHash('sha256').update(Buffer.concat(sums.map((s) => Buffer.from(s, 'base64')))).digest('base64');
    assert.equal(compositeChecksum('SHA256', sums), `${expected}-2`);
  });
});
