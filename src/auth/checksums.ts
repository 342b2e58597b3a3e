import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { IHasher } from 'hash-wasm';
import crc32Bundle from 'hash-wasm/dist/crc32.umd.min.js';
import crc64Bundle from 'hash-wasm/dist/crc64.umd.min.js';

/** The flexible checksums S3 takes in `x-amz-checksum-*` headers and trailers. */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

/** A running checksum; `digest` gives it base64-encoded, as S3 sends and expects it. Call it once. */
export interface Checksum {
  update(data: Uint8Array): void;
  digest(): string;
}

/** Digest sizes in bytes: a value of another size is malformed. */
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

/**
 * CRC32C and CRC64/NVME come from hash-wasm (WebAssembly; its CRC bundles only, see
 * hash-wasm-crcs.d.ts): here about 2,300 and 1,800 MB/s on one core, against 130 and 680 MB/s
 * for the JavaScript implementations the AWS SDKs ship, so a PUT with no checksum of its own (S3
 * then computes CRC64NVME) or with CRC32C is no longer bounded by its checksum. One instance of
 * each serves every body: a body keeps its own running state (a few bytes, `save()`) and loads it
 * for each update, which runs synchronously, so bodies streaming at the same time never see each
 * other's state.
 */
const reflectedCrcs: Record<'CRC32C' | 'CRC64NVME', IHasher> = {
  CRC32C: await crc32Bundle.createCRC32(0x82f63b78),
  CRC64NVME: await crc64Bundle.createCRC64('9a6c9329ac4bc9b5'),
};

function reflectedCrc(hasher: IHasher): Checksum {
  hasher.init();
  let state = hasher.save();
  return {
    update(data) {
      hasher.load(state);
      hasher.update(data);
      state = hasher.save();
    },
    digest() {
      hasher.load(state);
      return Buffer.from(hasher.digest('binary')).toString('base64');
    },
  };
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'CRC32': {
      let value = 0;
      return { update: (data) => { value = crc32(data, value); }, digest: () => uint32Base64(value) };
    }
    case 'CRC32C':
    case 'CRC64NVME':
      return reflectedCrc(reflectedCrcs[algorithm]);
    case 'SHA1':
    case 'SHA256': {
      const hash = createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (data) => { hash.update(data); }, digest: () => hash.digest('base64') };
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
