/**
 * How an object version's data key is kept: the encryption descriptor stored with every version
 * (`s3_objects.encryption`) and every multipart upload (`s3_uploads.encryption`), as JSON.
 *
 * Every body is encrypted at rest (crypto/object-stream.ts) under a random 256-bit data key of its
 * own, whatever the mode; the modes differ only in how that key is wrapped:
 *
 * - `sse-s3` (`AES256`, the default since 2023-01-05): sealed by the root key's Sealer under the
 *   AAD `s3/objects/<object id>/data-key`, so a sealed key copied onto another version fails.
 * - `sse-kms` (`aws:kms`, `aws:kms:dsse`), without a bucket key: the data key is KMS's
 *   GenerateDataKey plaintext; `blob` is its CiphertextBlob, opened by KMS Decrypt with `context`
 *   (the user's pairs plus `aws:s3:arn` = the object ARN). With a bucket key (`bucketKey`): `blob`
 *   is a bucket-level key from KMS (context `aws:s3:arn` = the bucket ARN), and `wrapped` is the
 *   version's own random data key sealed under it (a Sealer keyed by the bucket key, same AAD as
 *   SSE-S3). For `aws:kms:dsse` a second, independent key (`layer`, sealed by the root key) is
 *   combined with the KMS key by HKDF into the body key: reading needs both KMS and Coffer's root
 *   key (see {@link dsseBodyKey}).
 * - `sse-c` (`SSECustomerAlgorithm: AES256`): the customer's key is never stored. `hmac` =
 *   HMAC-SHA256(customer key, "coffer/sse-c/v1" || salt) recognizes it later; `wrapped` is the
 *   random data key sealed under the customer key (a Sealer keyed by it) and then by the root key,
 *   so the stored value opens only with both.
 *
 * Descriptors carry a version (`v: 1`); a reader meeting anything else refuses the body.
 */
import { hkdfSync } from 'node:crypto';
import { secretRandom } from '../../crypto/random-pool.js';
import type { Sealer } from '../../crypto/root-key.js';
import type { ServerSideEncryption } from '../../generated/s3/shapes.js';

/** SSE-S3: the data key sealed by the root key. */
export interface SseS3Descriptor {
  v: 1;
  algorithm: 'AES256';
  source: 'sse-s3';
  /** The data key sealed by the Sealer (base64). */
  sealedKey: string;
}

/** SSE-KMS and DSSE-KMS. */
export interface SseKmsDescriptor {
  v: 1;
  algorithm: 'aws:kms' | 'aws:kms:dsse';
  source: 'sse-kms';
  /** The KMS key's ARN (what responses report in `x-amz-server-side-encryption-aws-kms-key-id`). */
  keyArn: string;
  /** The whole encryption context KMS saw (the user's pairs and `aws:s3:arn`). */
  context: Record<string, string>;
  /** KMS's CiphertextBlob (base64): of the data key, or of the bucket key when `bucketKey`. */
  blob: string;
  bucketKey: boolean;
  /** With a bucket key: the version's data key sealed under the bucket key (base64). */
  wrapped?: string;
  /** DSSE-KMS: the second layer's key sealed by the root key (base64). */
  layer?: string;
}

/** SSE-C: only a salted HMAC of the customer's key is kept. */
export interface SseCDescriptor {
  v: 1;
  algorithm: 'AES256';
  source: 'sse-c';
  /** base64 MD5 of the customer key, as the client sent it (responses echo it). */
  keyMd5: string;
  /** 16 random bytes (base64). */
  salt: string;
  /** HMAC-SHA256(customer key, "coffer/sse-c/v1" || salt) (base64). */
  hmac: string;
  /** The data key sealed under the customer key, then by the root key (base64). */
  wrapped: string;
}

/** The encryption of one stored version or upload. */
export type EncryptionDescriptor = SseS3Descriptor | SseKmsDescriptor | SseCDescriptor;

/** The SSE members a write takes (PutObject, CopyObject's destination, CreateMultipartUpload, POST fields). */
export interface SseWriteInput {
  ServerSideEncryption?: ServerSideEncryption | string;
  SSEKMSKeyId?: string;
  /** base64 of a UTF-8 JSON object of string pairs. */
  SSEKMSEncryptionContext?: string;
  BucketKeyEnabled?: boolean;
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
}

/** The SSE-C members of a request that reads or extends an object (GetObject, HeadObject, UploadPart ...). */
export interface SseCustomerKeyInput {
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
}

/** The SSE members a response carries (every output shape that has them names them so). */
export interface EncryptionResponse {
  ServerSideEncryption?: ServerSideEncryption;
  SSEKMSKeyId?: string;
  SSEKMSEncryptionContext?: string;
  BucketKeyEnabled?: boolean;
  SSECustomerAlgorithm?: string;
  SSECustomerKeyMD5?: string;
}

export const DATA_KEY_BYTES = 32;

/** The AAD every sealed data key of a version is bound to. */
export function dataKeyAad(objectId: string): string {
  return `s3/objects/${objectId}/data-key`;
}

/** A new SSE-S3 data key and its descriptor. */
export function newSseS3Key(sealer: Sealer, objectId: string): { key: Buffer; descriptor: SseS3Descriptor } {
  const key = secretRandom(DATA_KEY_BYTES);
  return { key, descriptor: { v: 1, algorithm: 'AES256', source: 'sse-s3', sealedKey: sealer.seal(dataKeyAad(objectId), key).toString('base64') } };
}

/** The data key of an SSE-S3 version; throws SealError if the descriptor was altered or moved. */
export function openSseS3Key(sealer: Sealer, objectId: string, descriptor: SseS3Descriptor): Buffer {
  return sealer.open(dataKeyAad(objectId), Buffer.from(descriptor.sealedKey, 'base64'));
}

/**
 * DSSE-KMS's body key: HKDF-SHA256 over the KMS data key and the second layer's key, so neither
 * KMS alone nor Coffer's root key alone opens the body.
 */
export function dsseBodyKey(kmsKey: Buffer, layerKey: Buffer, objectId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.concat([kmsKey, layerKey]), Buffer.alloc(0), `coffer/s3/dsse/v1/${objectId}`, DATA_KEY_BYTES));
}

/** Whether a stored value is a descriptor this version of Coffer can read. */
export function isDescriptor(value: unknown): value is EncryptionDescriptor {
  const d = value as EncryptionDescriptor | null;
  return !!d && d.v === 1 && (d.source === 'sse-s3' || d.source === 'sse-kms' || d.source === 'sse-c');
}
