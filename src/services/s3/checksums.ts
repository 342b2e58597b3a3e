/**
 * Flexible checksums of objects (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html):
 * which one a write asks for (`x-amz-checksum-*` header, `x-amz-sdk-checksum-algorithm`, a
 * trailer), whether the value is well formed, and the response members that carry it back.
 * Objects written without one get CRC64NVME, as S3 computes it by default since 2024.
 */
import { isWellFormedChecksum, type ChecksumAlgorithm } from '../../auth/checksums.js';
import type { ChecksumAlgorithm as WireAlgorithm, ChecksumType } from '../../generated/s3/shapes.js';
import { invalidRequest } from './errors.js';

export type { ChecksumAlgorithm };

/** An object's stored checksum. */
export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  /** base64, as on the wire. */
  value: string;
  type: ChecksumType;
}

/** The checksum members of a write request. */
export interface ChecksumRequest {
  ChecksumAlgorithm?: WireAlgorithm;
  ChecksumCRC32?: string;
  ChecksumCRC32C?: string;
  ChecksumCRC64NVME?: string;
  ChecksumSHA1?: string;
  ChecksumSHA256?: string;
  ChecksumSHA512?: string;
  ChecksumMD5?: string;
  ChecksumXXHASH64?: string;
  ChecksumXXHASH3?: string;
  ChecksumXXHASH128?: string;
}

/** The checksum members of a response. */
export interface ChecksumMembers {
  ChecksumCRC32?: string;
  ChecksumCRC32C?: string;
  ChecksumCRC64NVME?: string;
  ChecksumSHA1?: string;
  ChecksumSHA256?: string;
  ChecksumType?: ChecksumType;
}

const SUPPORTED: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];
const UNSUPPORTED = ['SHA512', 'MD5', 'XXHASH64', 'XXHASH3', 'XXHASH128'] as const;

function unsupported(): never {
  throw invalidRequest('Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
}

/** What a write must compute, and the value the client claimed in a header (verified after the body). */
export interface ChecksumPlan {
  algorithm: ChecksumAlgorithm;
  expected?: string;
}

/** Reads the checksum a write asks for; S3's InvalidRequest for conflicting or malformed values. */
export function planChecksum(req: ChecksumRequest): ChecksumPlan {
  if (UNSUPPORTED.some((a) => req[`Checksum${a}`] !== undefined)) unsupported();
  const given = SUPPORTED.filter((a) => req[`Checksum${a}`] !== undefined);
  if (given.length > 1) throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const requested = req.ChecksumAlgorithm;
  if (requested !== undefined && !(SUPPORTED as string[]).includes(requested)) unsupported();
  const [algorithm] = given;
  if (algorithm === undefined) return { algorithm: (requested as ChecksumAlgorithm | undefined) ?? 'CRC64NVME' };
  const expected = req[`Checksum${algorithm}`]!;
  if (requested !== undefined && requested !== algorithm) {
    throw invalidRequest(`Checksum Type mismatch occurred, expected checksum Type: ${requested.toLowerCase()}, actual checksum Type: ${algorithm.toLowerCase()}`);
  }
  if (!isWellFormedChecksum(algorithm, expected)) throw invalidRequest(`Value for x-amz-checksum-${algorithm.toLowerCase()} header is invalid.`);
  return { algorithm, expected };
}

/** The response members for a stored checksum. */
export function checksumMembers(checksum: StoredChecksum | null): ChecksumMembers {
  if (!checksum) return {};
  return { [`Checksum${checksum.algorithm}`]: checksum.value, ChecksumType: checksum.type };
}

/** `x-amz-checksum-crc32` -> CRC32 for the trailer values the aws-chunked decoder verified. */
export function trailerChecksum(verified: Record<string, string>): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  for (const [name, value] of Object.entries(verified)) {
    const algorithm = SUPPORTED.find((a) => name === `x-amz-checksum-${a.toLowerCase()}`);
    if (algorithm) return { algorithm, value };
  }
  return undefined;
}
