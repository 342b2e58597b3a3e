/**
 * Where an object version's data key comes from and how it is kept: the seam between object
 * storage and server-side encryption. Every body is encrypted at rest (crypto/object-stream.ts)
 * under a random 256-bit data key of its own; the version row stores an {@link EncryptionDescriptor}
 * saying how that key is wrapped.
 *
 * This module does SSE-S3 (`AES256`, the default for every object since 2023-01-05): the data key
 * is sealed by the root key's Sealer under the AAD `s3/objects/<object id>/data-key`, so a sealed
 * key copied onto another version fails to open. The SSE task adds SSE-KMS (the data key wrapped
 * by KMS, `source: 'sse-kms'`) and SSE-C (wrapped under the customer's key, only a salted HMAC of
 * it stored, `source: 'sse-c'`) as further descriptor sources behind the same two calls.
 */
import { randomBytes } from 'node:crypto';
import type { Sealer } from '../../crypto/root-key.js';
import type { ServerSideEncryption } from '../../generated/s3/shapes.js';
import { notImplementedError } from './errors.js';

/** The encryption of one stored version, as kept in `s3_objects.encryption` (JSON). */
export interface EncryptionDescriptor {
  /** Format of this descriptor. */
  v: 1;
  /** What responses say in `x-amz-server-side-encryption`. */
  algorithm: ServerSideEncryption;
  /** Who wraps the data key: 'sse-s3' = the root key's Sealer. */
  source: 'sse-s3';
  /** The data key sealed by the Sealer (base64). */
  sealedKey: string;
}

/** The SSE members of a write request (PutObject, CopyObject, CreateMultipartUpload). */
export interface EncryptionRequest {
  ServerSideEncryption?: ServerSideEncryption;
  SSEKMSKeyId?: string;
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
}

/** The SSE members a response carries for a version. */
export interface EncryptionResponse {
  ServerSideEncryption?: ServerSideEncryption;
}

const DATA_KEY_BYTES = 32;

function aad(objectId: string): string {
  return `s3/objects/${objectId}/data-key`;
}

/** Creates and opens the data keys of object versions. */
export class ObjectKeyring {
  constructor(private readonly sealer: Sealer) {}

  /**
   * A new data key for the version `objectId` being written, and the descriptor to store with it.
   * Requests for other modes are refused until the SSE task implements them.
   */
  create(objectId: string, request: EncryptionRequest): { key: Buffer; descriptor: EncryptionDescriptor } {
    if (request.SSECustomerAlgorithm !== undefined || request.SSECustomerKey !== undefined) {
      throw notImplementedError('x-amz-server-side-encryption-customer-algorithm');
    }
    if (request.ServerSideEncryption !== undefined && request.ServerSideEncryption !== 'AES256') {
      throw notImplementedError('x-amz-server-side-encryption');
    }
    if (request.SSEKMSKeyId !== undefined) throw notImplementedError('x-amz-server-side-encryption-aws-kms-key-id');
    const key = randomBytes(DATA_KEY_BYTES);
    return { key, descriptor: { v: 1, algorithm: 'AES256', source: 'sse-s3', sealedKey: this.sealer.seal(aad(objectId), key).toString('base64') } };
  }

  /** The data key of a stored version; throws SealError if its descriptor was altered or moved. */
  open(objectId: string, descriptor: EncryptionDescriptor): Buffer {
    return this.sealer.open(aad(objectId), Buffer.from(descriptor.sealedKey, 'base64'));
  }

  /** The SSE headers every response about this version carries. */
  response(descriptor: EncryptionDescriptor | null): EncryptionResponse {
    return descriptor ? { ServerSideEncryption: descriptor.algorithm } : {};
  }
}
