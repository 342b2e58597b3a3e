import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../../../errors.js';
import { objectIdFor, uploadChecksum } from './multipart.js';

describe('multipart upload checksum settings', () => {
  it('defaults the type by algorithm and keeps CRC64NVME without one', () => {
    assert.deepEqual(uploadChecksum(undefined, undefined), { algorithm: null, type: 'FULL_OBJECT' });
    assert.deepEqual(uploadChecksum('CRC32', undefined), { algorithm: 'CRC32', type: 'COMPOSITE' });
    assert.deepEqual(uploadChecksum('SHA1', undefined), { algorithm: 'SHA1', type: 'COMPOSITE' });
    assert.deepEqual(uploadChecksum('CRC64NVME', undefined), { algorithm: 'CRC64NVME', type: 'FULL_OBJECT' });
    assert.deepEqual(uploadChecksum('CRC32C', 'FULL_OBJECT'), { algorithm: 'CRC32C', type: 'FULL_OBJECT' });
  });

  it('refuses the combinations S3 refuses, with its messages', () => {
    for (const [algorithm, type, message] of [
      ['SHA1', 'FULL_OBJECT', 'The FULL_OBJECT checksum type cannot be used with the sha1 checksum algorithm.'],
      ['SHA256', 'FULL_OBJECT', 'The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.'],
      ['CRC64NVME', 'COMPOSITE', 'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.'],
      [undefined, 'FULL_OBJECT', 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.'],
      ['CRC32', 'PARTS', 'Value for x-amz-checksum-type header is invalid.'],
      ['MD5', undefined, 'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]'],
    ] as const) {
      assert.throws(() => uploadChecksum(algorithm, type), (err: unknown) => err instanceof AwsError && err.code === 'InvalidRequest' && err.message === message);
    }
  });

  it('derives an upload\'s object id from its upload id, distinctly', () => {
    assert.equal(objectIdFor('a'), objectIdFor('a'));
    assert.notEqual(objectIdFor('a'), objectIdFor('b'));
    assert.match(objectIdFor('a'), /^[0-9a-f]{32}$/);
  });
});
