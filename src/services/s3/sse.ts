/**
 * Server-side encryption: the one API every S3 operation that writes or reads a body calls
 * (`deps.sse`). It decides the mode of a write (the request's SSE headers, else the bucket's
 * default encryption), validates the headers exactly as AWS does, makes the version's data key
 * (SSE-S3: sealed by the root key; SSE-KMS / DSSE-KMS: from KMS, as the caller; SSE-C: under the
 * customer's key), opens it again for reads, and says which SSE headers a response carries.
 * Formats: encryption.ts. Modes: sse-c.ts, sse-kms.ts. Bucket defaults: encryption-defaults.ts.
 *
 * How each operation uses it (`objectId` is the internal id of the version being written or read:
 * a multipart upload picks the completed object's id at CreateMultipartUpload and keeps it):
 *
 * - PutObject / PostObject / CreateMultipartUpload / CopyObject's destination:
 *   `const enc = await deps.sse.forWrite(ctx, { bucket, key, objectId }, input, { action })` →
 *   encrypt the body with `enc.key`, store `enc.descriptor`, answer with `...enc.response`, ETag
 *   `deps.sse.etag(enc.descriptor, md5)`. (`action`, e.g. 's3:PutObject', words the 403 of a write
 *   naming SSE-C to a bucket that blocks it.)
 * - GetObject / CopyObject's source / UploadPartCopy's source:
 *   `const key = await deps.sse.open(ctx, objectId, descriptor, input, { copySource })` (for a copy
 *   source pass the `CopySourceSSECustomer*` members as `SSECustomer*` via {@link copySourceKey}).
 * - HeadObject / GetObjectAttributes: `deps.sse.checkRead(ctx, descriptor, input)` (SSE-C key
 *   checks only; KMS is not called, as S3 doesn't).
 * - UploadPart: `const key = await deps.sse.forPart(ctx, objectId, upload.descriptor, input)` (the
 *   SSE-C members must match CreateMultipartUpload's, with AWS's InvalidRequest errors); encrypt the
 *   part under `key` with `blobContext(partNumber)`; answer `...deps.sse.response(descriptor)`.
 * - CompleteMultipartUpload: `...deps.sse.response(descriptor, { customer: false })` (AWS's
 *   Complete carries SSE, KMS key id and bucket key, never the SSE-C echo).
 *
 * SSE-C needs TLS: a request carrying any SSE-C header over plain HTTP is refused with AWS's
 * InvalidRequest unless the listener is loopback or COFFER_SSE_C_ALLOW_HTTP=1 (`allowPlainHttpSseC`).
 */
import { publicRandom } from '../../crypto/random-pool.js';
import { SealError, type Sealer } from '../../crypto/root-key.js';
import type { RequestContext } from '../../server/context.js';
import type { Logger } from '../../server/logger.js';
import { objectArn } from './actions.js';
import type { Bucket, BucketStore } from './bucket-store.js';
import {
  isDescriptor, newSseS3Key, openSseS3Key, type EncryptionDescriptor, type EncryptionResponse, type SseCustomerKeyInput, type SseWriteInput,
} from './encryption.js';
import { bucketEncryption } from './encryption-defaults.js';
import { corruptBody } from './errors.js';
import { customerKeyForPart, customerKeyForRead, customerKeyForWrite, hasCustomerKey, newSseCKey, openSseCKey, refuseCustomerKey } from './sse-c.js';
import { kmsKeyWithoutKms, sseCBlocked, sseCInsecure, unsupportedSse } from './sse-errors.js';
import { parseEncryptionContext, SseKms, type SseKmsDeps } from './sse-kms.js';

export interface SseDeps extends SseKmsDeps {
  sealer: Sealer;
  buckets: BucketStore;
  log: Logger;
  /** SSE-C over plain HTTP is allowed (a loopback listener, or COFFER_SSE_C_ALLOW_HTTP=1). */
  allowPlainHttpSseC: boolean;
}

/** What a write encrypts with and records. */
export interface WriteEncryption {
  /** The body's data key (32 bytes), for crypto/object-stream.ts. Never stored as is. */
  key: Buffer;
  /** Stored with the version (or the upload). */
  descriptor: EncryptionDescriptor;
  /** The SSE members of the write's response (the context echoed when the request gave one). */
  response: EncryptionResponse;
}

/** Where a write goes. */
export interface WriteTarget {
  bucket: Bucket;
  key: string;
  objectId: string;
}

/** The copy-source SSE-C members of CopyObject / UploadPartCopy, as the SSE-C members of a read. */
export function copySourceKey(input: { CopySourceSSECustomerAlgorithm?: string; CopySourceSSECustomerKey?: string; CopySourceSSECustomerKeyMD5?: string }): SseCustomerKeyInput {
  return {
    SSECustomerAlgorithm: input.CopySourceSSECustomerAlgorithm,
    SSECustomerKey: input.CopySourceSSECustomerKey,
    SSECustomerKeyMD5: input.CopySourceSSECustomerKeyMD5,
  };
}

/** Whether a listener address accepts only local connections. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export class Sse {
  private readonly kms: SseKms;

  constructor(private readonly deps: SseDeps) {
    this.kms = new SseKms(deps);
  }

  /** The encryption of a new version (or upload): mode, data key, descriptor, response headers. */
  async forWrite(ctx: RequestContext, target: WriteTarget, input: SseWriteInput, opts: { action?: string } = {}): Promise<WriteEncryption> {
    if (hasCustomerKey(input)) this.requireSecure(ctx);
    const customer = customerKeyForWrite(input, input.ServerSideEncryption);
    const defaults = await bucketEncryption(this.deps.buckets, target.bucket.name);
    if (customer) {
      if (defaults.blockSseC) throw sseCBlocked(ctx.principal?.arn, opts.action ?? 's3:PutObject', objectArn(target.bucket.name, target.key));
      if (input.SSEKMSKeyId !== undefined) throw kmsKeyWithoutKms();
      const { key, descriptor } = newSseCKey(this.deps.sealer, target.objectId, customer);
      return { key, descriptor, response: this.response(descriptor) };
    }
    const requested = input.ServerSideEncryption;
    if (requested !== undefined && requested !== 'AES256' && requested !== 'aws:kms' && requested !== 'aws:kms:dsse') throw unsupportedSse(requested);
    const kmsRequested = requested === 'aws:kms' || requested === 'aws:kms:dsse';
    if (input.SSEKMSKeyId !== undefined && !kmsRequested) throw kmsKeyWithoutKms();
    const algorithm = requested ?? defaults.algorithm;
    if (algorithm === 'AES256') {
      const { key, descriptor } = newSseS3Key(this.deps.sealer, target.objectId);
      return { key, descriptor, response: this.response(descriptor) };
    }
    // A request naming aws:kms without a key id gets aws/s3; one naming nothing gets the bucket's default.
    const { key, descriptor } = await this.kms.create(ctx, { bucket: target.bucket.name, key: target.key, objectId: target.objectId }, {
      algorithm,
      keyId: kmsRequested ? input.SSEKMSKeyId : defaults.kmsKeyId,
      context: parseEncryptionContext(input.SSEKMSEncryptionContext),
      bucketKey: input.BucketKeyEnabled ?? defaults.bucketKeyEnabled,
    });
    return { key, descriptor, response: { ...this.response(descriptor), SSEKMSEncryptionContext: input.SSEKMSEncryptionContext } };
  }

  /**
   * The data key of a stored version for a read by `ctx`. SSE-C: the request's key must be the
   * object's; SSE-KMS: KMS Decrypt as the caller. A descriptor that fails to open is a stored
   * object Coffer cannot vouch for: InternalError, never data.
   */
  async open(ctx: RequestContext, objectId: string, descriptor: EncryptionDescriptor | null, input: SseCustomerKeyInput, opts: { copySource?: boolean } = {}): Promise<Buffer> {
    if (hasCustomerKey(input)) this.requireSecure(ctx);
    const d = this.checked(descriptor);
    if (d.source === 'sse-c') {
      const customer = customerKeyForRead(input, d, opts.copySource);
      return this.unsealing(() => openSseCKey(this.deps.sealer, objectId, d, customer));
    }
    refuseCustomerKey(input);
    if (d.source === 'sse-s3') return this.unsealing(() => openSseS3Key(this.deps.sealer, objectId, d));
    return this.unsealing(() => this.kms.open(ctx, objectId, d));
  }

  /** HeadObject and GetObjectAttributes: the SSE-C checks of a read, without opening the key. */
  checkRead(ctx: RequestContext, descriptor: EncryptionDescriptor | null, input: SseCustomerKeyInput): void {
    if (hasCustomerKey(input)) this.requireSecure(ctx);
    const d = this.checked(descriptor);
    if (d.source === 'sse-c') customerKeyForRead(input, d);
    else refuseCustomerKey(input);
  }

  /** UploadPart: the upload's data key, once the part's SSE-C members match CreateMultipartUpload's. */
  async forPart(ctx: RequestContext, objectId: string, descriptor: EncryptionDescriptor | null, input: SseCustomerKeyInput): Promise<Buffer> {
    if (hasCustomerKey(input)) this.requireSecure(ctx);
    const d = this.checked(descriptor);
    if (d.source === 'sse-c') {
      const customer = customerKeyForPart(input, d)!;
      return this.unsealing(() => openSseCKey(this.deps.sealer, objectId, d, customer));
    }
    customerKeyForPart(input, undefined);
    return this.open(ctx, objectId, d, {});
  }

  /**
   * The SSE members of a response about a stored version or upload. `customer: false` leaves out
   * the SSE-C echo (CompleteMultipartUpload).
   */
  response(descriptor: EncryptionDescriptor | null, opts: { customer?: boolean } = {}): EncryptionResponse {
    if (!descriptor) return {};
    switch (descriptor.source) {
      case 'sse-s3':
        return { ServerSideEncryption: 'AES256' };
      case 'sse-kms':
        // AWS omits the bucket-key header unless a bucket key was used.
        return { ServerSideEncryption: descriptor.algorithm, SSEKMSKeyId: descriptor.keyArn, BucketKeyEnabled: descriptor.bucketKey || undefined };
      case 'sse-c':
        return opts.customer === false ? {} : { SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: descriptor.keyMd5 };
    }
  }

  /**
   * The ETag (unquoted hex) of a body with plaintext MD5 `md5`: the MD5 under SSE-S3; under SSE-KMS
   * and SSE-C "not an MD5 digest of their object data" (S3 API, Object): random, so nothing stored
   * about an SSE-C or SSE-KMS object is derived from its plaintext.
   */
  etag(descriptor: EncryptionDescriptor, md5: Buffer | undefined): string {
    if (!this.etagIsMd5(descriptor)) return publicRandom(16).toString('hex');
    if (!md5) throw new Error('an SSE-S3 ETag needs the body\'s MD5');
    return md5.toString('hex');
  }

  /** Whether {@link etag} needs the body's MD5 (a write without Content-MD5 may skip computing it). */
  etagIsMd5(descriptor: EncryptionDescriptor): boolean {
    return descriptor.source === 'sse-s3';
  }

  private requireSecure(ctx: RequestContext): void {
    if (!ctx.secureTransport && !this.deps.allowPlainHttpSseC) throw sseCInsecure();
  }

  private checked(descriptor: EncryptionDescriptor | null): EncryptionDescriptor {
    if (isDescriptor(descriptor)) return descriptor;
    this.deps.log.error('s3: an object version has no readable encryption descriptor');
    throw corruptBody();
  }

  /** Runs an unwrap; a sealed value that fails to open becomes InternalError (and a log line). */
  private async unsealing<T>(open: () => T | Promise<T>): Promise<T> {
    try {
      return await open();
    } catch (err) {
      if (err instanceof SealError) {
        this.deps.log.error({ err: err.message }, 's3: an object data key failed to open');
        throw corruptBody();
      }
      throw err;
    }
  }
}
