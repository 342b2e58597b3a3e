/**
 * SSE-C: the customer's key arrives with every request (`x-amz-server-side-encryption-customer-*`),
 * is checked as AWS checks it, wraps the version's data key, and is never stored: only a salted
 * HMAC recognizes it on later requests (the descriptor format is in encryption.ts).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
 *
 * Validation order, from AWS's recorded answers: a write checks SSE-C against
 * `x-amz-server-side-encryption`, then the algorithm/key pairing, the algorithm, the MD5, and the
 * key's length last (a 10-byte key with its MD5 is "secret key was invalid", a 24-byte key with a
 * wrong MD5 is the MD5 error). A read never checks the length: any key that is not the object's,
 * whatever its size, is the 403 "correct secret key".
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Sealer } from '../../crypto/root-key.js';
import { dataKeyAad, DATA_KEY_BYTES, type SseCDescriptor, type SseCustomerKeyInput } from './encryption.js';
import {
  sseCBadAlgorithm, sseCBadKeySize, sseCBadMd5, sseCIncompatible, sseCNoAlgorithm, sseCNoKey, sseCNotApplicable, sseCPartMismatch,
  sseCPartMissing, sseCRequired, sseCWrongKey,
} from './sse-errors.js';
import { accessDenied } from './errors.js';

/** A customer key that passed the request checks. */
export interface CustomerKey {
  key: Buffer;
  /** base64 MD5 of the key. */
  md5: string;
}

const HMAC_LABEL = 'coffer/sse-c/v1';

/** Whether a request carries any of the three SSE-C members. */
export function hasCustomerKey(input: SseCustomerKeyInput): boolean {
  return input.SSECustomerAlgorithm !== undefined || input.SSECustomerKey !== undefined || input.SSECustomerKeyMD5 !== undefined;
}

function md5Of(key: Buffer): string {
  return createHash('md5').update(key).digest('base64');
}

/** The pairing and algorithm checks shared by writes and reads. */
function checkPairing(input: SseCustomerKeyInput): { algorithm: string; encoded: string } {
  if (input.SSECustomerAlgorithm === undefined) throw sseCNoAlgorithm();
  if (input.SSECustomerKey === undefined) throw sseCNoKey();
  if (input.SSECustomerAlgorithm !== 'AES256') throw sseCBadAlgorithm(input.SSECustomerAlgorithm);
  return { algorithm: input.SSECustomerAlgorithm, encoded: input.SSECustomerKey };
}

/**
 * The customer key a write names, or undefined when it names none; AWS's errors for every fault.
 * `sse` is the request's `x-amz-server-side-encryption`, which SSE-C excludes.
 */
export function customerKeyForWrite(input: SseCustomerKeyInput, sse: string | undefined): CustomerKey | undefined {
  if (input.SSECustomerAlgorithm === undefined && input.SSECustomerKey === undefined) {
    // A lone MD5 is a key without an algorithm.
    if (input.SSECustomerKeyMD5 !== undefined) throw sseCNoAlgorithm();
    return undefined;
  }
  if (sse !== undefined) throw sseCIncompatible(sse);
  const { encoded } = checkPairing(input);
  const key = Buffer.from(encoded, 'base64');
  const md5 = md5Of(key);
  if (input.SSECustomerKeyMD5 === undefined || !sameText(md5, input.SSECustomerKeyMD5)) throw sseCBadMd5();
  if (key.length !== DATA_KEY_BYTES) throw sseCBadKeySize();
  return { key, md5 };
}

/**
 * The customer key a read presents for an SSE-C object (`descriptor`), checked against the salted
 * HMAC. No key: InvalidRequest ("stored using a form of Server Side Encryption"); a key that is not
 * the object's: 403, worded as GetObject words it, or `Access Denied` for a copy source.
 */
export function customerKeyForRead(input: SseCustomerKeyInput, descriptor: SseCDescriptor, copySource = false): CustomerKey {
  if (!hasCustomerKey(input)) throw sseCRequired();
  const { encoded } = checkPairing(input);
  const key = Buffer.from(encoded, 'base64');
  const md5 = md5Of(key);
  // The MD5 is an integrity check of the transmitted key: optional on reads, but never wrong.
  if (input.SSECustomerKeyMD5 !== undefined && !sameText(md5, input.SSECustomerKeyMD5)) throw sseCBadMd5();
  if (!recognizes(descriptor, key)) throw copySource ? accessDenied() : sseCWrongKey();
  return { key, md5 };
}

/** SSE-C members on a read of an object that is not SSE-C: refused, as AWS refuses them. */
export function refuseCustomerKey(input: SseCustomerKeyInput): void {
  if (hasCustomerKey(input)) throw sseCNotApplicable();
}

/**
 * UploadPart's SSE-C members against the upload's: both or neither, and the same key. Returns the
 * key (for an SSE-C upload) once it is the upload's.
 */
export function customerKeyForPart(input: SseCustomerKeyInput, descriptor: SseCDescriptor | undefined): CustomerKey | undefined {
  const present = hasCustomerKey(input);
  if (!descriptor) {
    if (present) throw sseCPartMissing();
    return undefined;
  }
  if (!present) throw sseCPartMissing();
  const key = customerKeyForWrite(input, undefined)!;
  if (!recognizes(descriptor, key.key)) throw sseCPartMismatch();
  return key;
}

/** Whether `key` is the customer key `descriptor` was written with (constant-time). */
function recognizes(descriptor: SseCDescriptor, key: Buffer): boolean {
  const expected = Buffer.from(descriptor.hmac, 'base64');
  const actual = hmacOf(key, Buffer.from(descriptor.salt, 'base64'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function hmacOf(key: Buffer, salt: Buffer): Buffer {
  return createHmac('sha256', key).update(HMAC_LABEL).update(salt).digest();
}

/** A new data key for an SSE-C version and its descriptor (the key itself is not kept). */
export function newSseCKey(rootSealer: Sealer, objectId: string, customer: CustomerKey): { key: Buffer; descriptor: SseCDescriptor } {
  const key = randomBytes(DATA_KEY_BYTES);
  const salt = randomBytes(16);
  const aad = dataKeyAad(objectId);
  const inner = new Sealer(customer.key).seal(aad, key);
  return {
    key,
    descriptor: {
      v: 1, algorithm: 'AES256', source: 'sse-c', keyMd5: customer.md5,
      salt: salt.toString('base64'), hmac: hmacOf(customer.key, salt).toString('base64'),
      wrapped: rootSealer.seal(aad, inner).toString('base64'),
    },
  };
}

/** The data key of an SSE-C version, given its (already recognized) customer key; SealError if altered. */
export function openSseCKey(rootSealer: Sealer, objectId: string, descriptor: SseCDescriptor, customer: CustomerKey): Buffer {
  const aad = dataKeyAad(objectId);
  const inner = rootSealer.open(aad, Buffer.from(descriptor.wrapped, 'base64'));
  return new Sealer(customer.key).open(aad, inner);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
