/**
 * What a multipart object's ETag and checksums are, as S3 computes them from its parts
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html#large-object-checksums):
 *
 * - ETag: the hex MD5 of the parts' binary MD5s concatenated, then `-<number of parts>`.
 * - COMPOSITE checksum: the algorithm applied to the parts' binary checksums concatenated, base64,
 *   then `-<number of parts>` (a checksum of checksums).
 * - FULL_OBJECT checksum (CRC algorithms only): the CRC of the whole object, obtained by combining
 *   the parts' CRCs with their lengths (zlib's crc32_combine, generalized to any reflected CRC),
 *   so it is exact without reading the object again.
 */
import { createHash } from 'node:crypto';
import { createChecksum, type ChecksumAlgorithm } from '../../auth/checksums.js';

/** `hex(md5(md5_1 || ... || md5_n))-n`, unquoted. */
export function multipartEtag(partMd5s: Buffer[]): string {
  const md5 = createHash('md5');
  for (const digest of partMd5s) md5.update(digest);
  return `${md5.digest('hex')}-${partMd5s.length}`;
}

/** The COMPOSITE checksum of parts whose checksums (base64) are given in order: `base64-n`. */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: string[]): string {
  const checksum = createChecksum(algorithm);
  for (const value of partChecksums) checksum.update(Buffer.from(value, 'base64'));
  return `${checksum.digest()}-${partChecksums.length}`;
}

/** The reflected polynomials of the CRCs S3 offers, and their widths. */
const CRCS = {
  CRC32: { width: 32n, poly: 0xedb88320n },
  CRC32C: { width: 32n, poly: 0x82f63b78n },
  CRC64NVME: { width: 64n, poly: 0x9a6c9329ac4bc9b5n },
} as const;

export type CrcAlgorithm = keyof typeof CRCS;

/** Whether an algorithm can give a FULL_OBJECT checksum of a multipart object (only CRCs combine). */
export function isCrc(algorithm: ChecksumAlgorithm): algorithm is CrcAlgorithm {
  return algorithm in CRCS;
}

/**
 * Polynomial arithmetic modulo a CRC's polynomial, in the reflected bit order CRCs use (the top
 * bit is x^0). After zlib's `multmodp` and `x2nmodp`.
 */
class CrcField {
  private readonly top: bigint;
  /** x^(2^k) mod p, for k = 0..63: enough for any length below 2^64 bytes. */
  private readonly powers: bigint[] = [];

  constructor(private readonly poly: bigint, width: bigint) {
    this.top = 1n << (width - 1n);
    let p = this.top >> 1n; // x^1
    for (let k = 0; k < 64; k++) {
      this.powers.push(p);
      p = this.multiply(p, p);
    }
  }

  /** a(x) * b(x) mod p(x). */
  multiply(a: bigint, b: bigint): bigint {
    let m = this.top;
    let product = 0n;
    while (m !== 0n) {
      if ((a & m) !== 0n) product ^= b;
      m >>= 1n;
      b = (b & 1n) !== 0n ? (b >> 1n) ^ this.poly : b >> 1n;
    }
    return product;
  }

  /** x^(8 * bytes) mod p(x): the effect of appending `bytes` zero bytes. */
  shift(bytes: bigint): bigint {
    let p = this.top; // x^0
    let n = bytes * 8n;
    for (let k = 0; n !== 0n; k++, n >>= 1n) {
      if ((n & 1n) !== 0n) p = this.multiply(this.powers[k]!, p);
    }
    return p;
  }
}

const fields = new Map<CrcAlgorithm, CrcField>();

function fieldOf(algorithm: CrcAlgorithm): CrcField {
  let field = fields.get(algorithm);
  if (!field) fields.set(algorithm, (field = new CrcField(CRCS[algorithm].poly, CRCS[algorithm].width)));
  return field;
}

/**
 * The CRC of the concatenation of byte strings whose CRCs (base64, as S3 sends them) and lengths
 * are given in order. The CRCs' initial value and final XOR (all ones for all three) cancel out,
 * so the formula is zlib's: crc(A||B) = crc(A) * x^(8|B|) + crc(B).
 */
export function combineCrcs(algorithm: CrcAlgorithm, parts: Array<{ checksum: string; size: number }>): string {
  const { width } = CRCS[algorithm];
  const field = fieldOf(algorithm);
  let crc: bigint | undefined;
  for (const part of parts) {
    const value = BigInt('0x' + Buffer.from(part.checksum, 'base64').toString('hex'));
    crc = crc === undefined ? value : field.multiply(field.shift(BigInt(part.size)), crc) ^ value;
  }
  const bytes = Number(width / 8n);
  return Buffer.from((crc ?? 0n).toString(16).padStart(bytes * 2, '0'), 'hex').toString('base64');
}
