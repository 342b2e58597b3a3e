/**
 * The symmetric ciphertext blob that Encrypt, GenerateDataKey* and ReEncrypt return for
 * SYMMETRIC_DEFAULT keys, and that Decrypt reads back (with or without a KeyId).
 *
 * ## Format, version 0x01 (all integers big-endian)
 *
 * ```
 *   offset     length  field
 *   0          3       magic = "CKM" (0x43 0x4B 0x4D)
 *   3          1       version = 0x01
 *   4          12      account id of the key, ASCII digits
 *   16         1       n = length of the key id (1..64)
 *   17         n       key id, ASCII (a UUID, or `mrk-` + 32 hex digits)
 *   17+n       4       material version (which of the key's materials sealed this blob)
 *   21+n       16      salt, random for every blob
 *   37+n       12      IV, random for every blob
 *   49+n       c       AES-256-GCM ciphertext (c = plaintext length)
 *   49+n+c     16      GCM authentication tag
 * ```
 *
 * - Key: HKDF-SHA256(ikm = the key's 32-byte material, salt = the blob's salt,
 *   info = "coffer/kms/ciphertext/v1"). A fresh key per blob lifts the random-IV limit of one GCM
 *   key (2^32 messages) off hot KMS keys: collisions would now need a 128-bit salt to repeat.
 * - AAD: "coffer/kms/ciphertext/v1" || 0x00 || the header (bytes 0 .. 21+n, so the account, key id
 *   and material version are authenticated) || the canonical encryption context (below).
 * - Canonical encryption context: uint32 pair count, then for each pair in ascending bytewise order
 *   of the UTF-8 keys: uint32 key length, key bytes, uint32 value length, value bytes. The length
 *   prefixes make `{"ab":"c"}` and `{"a":"bc"}` different (emulators that concatenate keys and
 *   values without separators let one context stand for the other). An absent context and `{}`
 *   encode the same, as in AWS.
 * - The region is not in the blob: a multi-Region key's replicas share key id and materials, so a
 *   blob made in one Region decrypts in another.
 * - Every parse or authentication failure is the same InvalidCiphertextException (empty message),
 *   as AWS answers, so the answer says nothing about which part was wrong.
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { publicRandom } from '../../crypto/random-pool.js';

const MAGIC = Buffer.from('CKM', 'ascii');
const VERSION = 0x01;
const ACCOUNT_BYTES = 12;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const INFO = 'coffer/kms/ciphertext/v1';
const AAD_PREFIX = Buffer.from(`${INFO}\0`, 'ascii');
/** HKDF-Expand's only block for a 32-byte key: info || 0x01 (RFC 5869, section 2.3). */
const EXPAND_BLOCK_1 = Buffer.from(`${INFO}\x01`, 'ascii');

/** The identifying fields of a blob, readable without any key. */
export interface BlobHeader {
  accountId: string;
  keyId: string;
  materialVersion: number;
}

interface ParsedBlob extends BlobHeader {
  header: Buffer;
  salt: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** The blob is not one of ours, is truncated, or failed authentication. */
export class BadCiphertextError extends Error {
  constructor() {
    super('invalid ciphertext');
    this.name = 'BadCiphertextError';
  }
}

/** The canonical, length-prefixed encoding of an encryption context (see the module comment). */
export function canonicalContext(context: Record<string, string> | undefined): Buffer {
  const pairs = Object.entries(context ?? {}).map(([k, v]) => [Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')] as const);
  pairs.sort((a, b) => Buffer.compare(a[0], b[0]));
  const parts: Buffer[] = [u32(pairs.length)];
  for (const [k, v] of pairs) parts.push(u32(k.length), k, u32(v.length), v);
  return Buffer.concat(parts);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function encodeHeader(h: BlobHeader): Buffer {
  if (!/^\d{12}$/.test(h.accountId)) throw new RangeError('account id must be 12 digits');
  const id = Buffer.from(h.keyId, 'ascii');
  if (id.length < 1 || id.length > 64) throw new RangeError('key id must be 1..64 characters');
  return Buffer.concat([MAGIC, Buffer.of(VERSION), Buffer.from(h.accountId, 'ascii'), Buffer.of(id.length), id, u32(h.materialVersion)]);
}

function aad(header: Buffer, context: Record<string, string> | undefined): Buffer {
  return Buffer.concat([AAD_PREFIX, header, canonicalContext(context)]);
}

/**
 * HKDF-SHA256 (RFC 5869) of the material, for a 32-byte key: Extract then one block of Expand,
 * written as its two HMACs. Byte for byte what `hkdfSync('sha256', material, salt, INFO, 32)`
 * returns (the unit test checks it), at a third of its cost on the hot path: hkdfSync wraps both
 * inputs in KeyObjects and runs a crypto job for every call.
 */
export function blobKey(material: Buffer, salt: Buffer): Buffer {
  if (material.length !== 32) throw new RangeError('symmetric key material must be 32 bytes');
  const prk = createHmac('sha256', salt).update(material).digest();
  return createHmac('sha256', prk).update(EXPAND_BLOCK_1).digest();
}

/** Encrypts `plaintext` under `material` (the key's material `header.materialVersion`). */
export function sealBlob(header: BlobHeader, material: Buffer, plaintext: Buffer, context?: Record<string, string>): Buffer {
  const head = encodeHeader(header);
  // One draw for both (public-random.ts: per call, the CSPRNG costs more than the bytes).
  const fresh = publicRandom(SALT_BYTES + IV_BYTES);
  const salt = fresh.subarray(0, SALT_BYTES);
  const iv = fresh.subarray(SALT_BYTES);
  const cipher = createCipheriv('aes-256-gcm', blobKey(material, salt), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(head, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([head, salt, iv, ciphertext, cipher.getAuthTag()]);
}

function parse(blob: Buffer): ParsedBlob {
  if (blob.length < 17 || !blob.subarray(0, 3).equals(MAGIC) || blob[3] !== VERSION) throw new BadCiphertextError();
  const accountId = blob.toString('ascii', 4, 4 + ACCOUNT_BYTES);
  const n = blob[16]!;
  const headerEnd = 17 + n + 4;
  if (n < 1 || n > 64 || blob.length < headerEnd + SALT_BYTES + IV_BYTES + TAG_BYTES) throw new BadCiphertextError();
  const keyId = blob.toString('ascii', 17, 17 + n);
  if (!/^\d{12}$/.test(accountId) || !/^[A-Za-z0-9-]+$/.test(keyId)) throw new BadCiphertextError();
  const ivStart = headerEnd + SALT_BYTES;
  return {
    accountId, keyId,
    materialVersion: blob.readUInt32BE(17 + n),
    header: blob.subarray(0, headerEnd),
    salt: blob.subarray(headerEnd, ivStart),
    iv: blob.subarray(ivStart, ivStart + IV_BYTES),
    ciphertext: blob.subarray(ivStart + IV_BYTES, blob.length - TAG_BYTES),
    tag: blob.subarray(blob.length - TAG_BYTES),
  };
}

/** The key a blob names, or undefined if it is not one of ours (nothing is authenticated yet). */
export function readBlobHeader(blob: Buffer): BlobHeader | undefined {
  try {
    const { accountId, keyId, materialVersion } = parse(blob);
    return { accountId, keyId, materialVersion };
  } catch {
    return undefined;
  }
}

/** Decrypts a blob with the material its header names; throws BadCiphertextError on any failure. */
export function openBlob(blob: Buffer, material: Buffer, context?: Record<string, string>): Buffer {
  const p = parse(blob);
  const decipher = createDecipheriv('aes-256-gcm', blobKey(material, p.salt), p.iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(p.tag);
  decipher.setAAD(aad(p.header, context));
  try {
    // update() output is unauthenticated until final() succeeds; only then is it returned.
    return Buffer.concat([decipher.update(p.ciphertext), decipher.final()]);
  } catch {
    throw new BadCiphertextError();
  }
}
