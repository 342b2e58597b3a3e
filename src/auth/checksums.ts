import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Crc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';

/** The flexible checksums S3 takes in `x-amz-checksum-*` headers and trailers. */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

/** A running checksum; `digest` gives it base64-encoded, as S3 sends and expects it. */
export interface Checksum {
  update(data: Uint8Array): void;
  /** Async because the CRC64/NVME implementation is. Call once. */
  digest(): Promise<string>;
}

/** Digest sizes in bytes: a value of another size is malformed. */
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'CRC32': {
      let value = 0;
      return { update: (data) => { value = crc32(data, value); }, digest: async () => uint32Base64(value) };
    }
    case 'CRC32C': {
      const crc = new Crc32c();
      return { update: (data) => { crc.update(data); }, digest: async () => uint32Base64(crc.digest()) };
    }
    case 'CRC64NVME': {
      const crc = new Crc64Nvme();
      return { update: (data) => crc.update(data), digest: async () => Buffer.from(await crc.digest()).toString('base64') };
    }
    case 'SHA1':
    case 'SHA256': {
      const hash = createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (data) => { hash.update(data); }, digest: async () => hash.digest('base64') };
    }
  }
}

function uint32Base64(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString('base64');
}

/** `x-amz-checksum-crc32` -> CRC32; undefined for a name that is no checksum S3 takes. */
export function checksumAlgorithmOf(headerName: string): ChecksumAlgorithm | undefined {
  const match = /^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/.exec(headerName.toLowerCase());
  return match ? (match[1].toUpperCase() as ChecksumAlgorithm) : undefined;
}

/** Canonical base64 of the algorithm's digest size. */
export function isWellFormedChecksum(algorithm: ChecksumAlgorithm, value: string): boolean {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === DIGEST_BYTES[algorithm] && bytes.toString('base64') === value;
}
