/**
 * SSE-KMS and DSSE-KMS: data keys made and opened by Coffer's KMS, called as the requester through
 * `rt.calls` (so the requester needs kms:GenerateDataKey to write and kms:Decrypt to read, the
 * calls pass kms:ViaService / aws:CalledVia, and the trail shows them invoked by s3.amazonaws.com),
 * with S3 Bucket Keys (bucket-keys.ts). KMS's errors come back as S3 passes them on
 * (`KMS.DisabledException` ...). The descriptor format is in encryption.ts.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
import { createHash, randomBytes } from 'node:crypto';
import { Sealer } from '../../crypto/root-key.js';
import { AwsError } from '../../errors.js';
import type { DecryptRequest, DecryptResponse, GenerateDataKeyRequest, GenerateDataKeyResponse } from '../../generated/kms/shapes.js';
import type { Clock } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import type { InternalCalls } from '../../server/internal-calls.js';
import { awsManagedKey } from '../kms/key-factory.js';
import type { KmsDeps } from '../kms/key-lookup.js';
import { RecentCache } from '../../store/recent-cache.js';
import { bucketArn, objectArn } from './actions.js';
import { BUCKET_KEY_TTL_MS } from './bucket-keys.js';
import { dataKeyAad, DATA_KEY_BYTES, dsseBodyKey, type SseKmsDescriptor } from './encryption.js';
import { corruptBody } from './errors.js';
import { badEncryptionContext, fromKmsError, kmsNeedsSigV4 } from './sse-errors.js';

/** What SSE-KMS needs from the runtime. */
export interface SseKmsDeps {
  sealer: Sealer;
  calls: InternalCalls;
  /** For the AWS managed key `alias/aws/s3` (created on first use) and KMS's change counter. */
  kms: KmsDeps;
  clock: Clock;
  /**
   * How long a bucket key is reused (default BUCKET_KEY_TTL_MS). KMS changes made on another node
   * don't reach this process's change counter, so cluster mode keeps it as short as KMS's own caches.
   */
  bucketKeyTtlMs?: number;
}

/** What a write asks of KMS. */
export interface KmsWriteRequest {
  algorithm: 'aws:kms' | 'aws:kms:dsse';
  /** As the request or the bucket default named it; undefined = the AWS managed key aws/s3. */
  keyId?: string;
  /** The user's context pairs (already parsed). */
  context: Record<string, string>;
  bucketKey: boolean;
}

const VIA = 's3.amazonaws.com';
const MANAGED_ALIAS = 'alias/aws/s3';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `x-amz-server-side-encryption-context`: base64 of a UTF-8 JSON object of string pairs. */
export function parseEncryptionContext(header: string | undefined): Record<string, string> {
  if (header === undefined) return {};
  let parsed: unknown;
  try {
    if (!BASE64.test(header) || header.length % 4 !== 0) throw new Error('not base64');
    parsed = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    throw badEncryptionContext(header);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw badEncryptionContext(header);
  }
  return parsed as Record<string, string>;
}

/** A bucket key as a write uses it. */
interface WriteBucketKey { blob: Buffer; keyArn: string; wrapper: Sealer }

export class SseKms {
  private readonly writeKeys: RecentCache<WriteBucketKey>;
  private readonly readKeys: RecentCache<Sealer>;

  constructor(private readonly deps: SseKmsDeps) {
    // Versioned by KMS's writes: a key disabled or a grant revoked ends every entry (bucket-keys.ts).
    const cache = <T>() => new RecentCache<T>(deps.kms.store.changes, deps.bucketKeyTtlMs ?? BUCKET_KEY_TTL_MS, () => deps.clock.now().getTime());
    this.writeKeys = cache();
    this.readKeys = cache();
  }

  /** A new data key for the version `objectId` of `bucket`/`key`, made by KMS for `ctx`'s principal. */
  async create(ctx: RequestContext, target: { bucket: string; key: string; objectId: string }, req: KmsWriteRequest): Promise<{ key: Buffer; descriptor: SseKmsDescriptor }> {
    if (!ctx.principal) throw kmsNeedsSigV4();
    const keyId = await this.keyIdFor(ctx, req.keyId);
    // S3 Bucket Keys aren't supported for DSSE-KMS (bucket-key.html): each such object gets its own KMS key.
    if (req.bucketKey && req.algorithm === 'aws:kms') {
      const context = { ...req.context, 'aws:s3:arn': bucketArn(target.bucket) };
      const id = [ctx.principal.arn, target.bucket, keyId, canonical(context)].join('\n');
      const bucketKey = await this.writeKeys.get(id, async () => {
        const out = await this.generate(ctx, keyId, context);
        const wrapper = new Sealer(Buffer.from(out.Plaintext!));
        return { blob: Buffer.from(out.CiphertextBlob!), keyArn: out.KeyId!, wrapper };
      });
      const key = randomBytes(DATA_KEY_BYTES);
      return {
        key,
        descriptor: {
          v: 1, algorithm: 'aws:kms', source: 'sse-kms', keyArn: bucketKey.keyArn, context, bucketKey: true,
          blob: bucketKey.blob.toString('base64'), wrapped: bucketKey.wrapper.seal(dataKeyAad(target.objectId), key).toString('base64'),
        },
      };
    }
    const context = { ...req.context, 'aws:s3:arn': objectArn(target.bucket, target.key) };
    const out = await this.generate(ctx, keyId, context);
    const kmsKey = Buffer.from(out.Plaintext!);
    const descriptor: SseKmsDescriptor = {
      v: 1, algorithm: req.algorithm, source: 'sse-kms', keyArn: out.KeyId!, context, bucketKey: false,
      blob: Buffer.from(out.CiphertextBlob!).toString('base64'),
    };
    if (req.algorithm === 'aws:kms') return { key: kmsKey, descriptor };
    const layer = randomBytes(DATA_KEY_BYTES);
    descriptor.layer = this.deps.sealer.seal(layerAad(target.objectId), layer).toString('base64');
    return { key: dsseBodyKey(kmsKey, layer, target.objectId), descriptor };
  }

  /** The data key of a stored version, opened by KMS Decrypt for `ctx`'s principal (or a cached bucket key). */
  async open(ctx: RequestContext, objectId: string, descriptor: SseKmsDescriptor): Promise<Buffer> {
    if (!ctx.principal) throw kmsNeedsSigV4();
    const blob = Buffer.from(descriptor.blob, 'base64');
    if (descriptor.bucketKey) {
      const id = [ctx.principal.arn, createHash('sha256').update(blob).digest('hex'), canonical(descriptor.context)].join('\n');
      const wrapper = await this.readKeys.get(id, async () => new Sealer(await this.decrypt(ctx, blob, descriptor.context)));
      return wrapper.open(dataKeyAad(objectId), Buffer.from(descriptor.wrapped ?? '', 'base64'));
    }
    const kmsKey = await this.decrypt(ctx, blob, descriptor.context);
    if (descriptor.algorithm === 'aws:kms') return kmsKey;
    const layer = this.deps.sealer.open(layerAad(objectId), Buffer.from(descriptor.layer ?? '', 'base64'));
    return dsseBodyKey(kmsKey, layer, objectId);
  }

  /** The key id to ask KMS for: the request's, or the AWS managed key aws/s3 (created on first use). */
  private async keyIdFor(ctx: RequestContext, keyId: string | undefined): Promise<string> {
    const managedArn = `arn:aws:kms:${ctx.region}:${ctx.accountId}:${MANAGED_ALIAS}`;
    if (keyId === undefined || keyId === MANAGED_ALIAS || keyId === managedArn) {
      const managed = await awsManagedKey(this.deps.kms, ctx.accountId, ctx.region, 's3');
      return keyId ?? managed.arn;
    }
    return keyId;
  }

  private async generate(ctx: RequestContext, keyId: string, context: Record<string, string>): Promise<GenerateDataKeyResponse> {
    const input: GenerateDataKeyRequest = { KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context };
    return this.call<GenerateDataKeyResponse>(ctx, 'GenerateDataKey', input);
  }

  private async decrypt(ctx: RequestContext, blob: Buffer, context: Record<string, string>): Promise<Buffer> {
    const input: DecryptRequest = { CiphertextBlob: blob, EncryptionContext: context };
    const out = await this.call<DecryptResponse>(ctx, 'Decrypt', input);
    return Buffer.from(out.Plaintext!);
  }

  private async call<T>(ctx: RequestContext, operation: string, input: unknown): Promise<T> {
    try {
      return await this.deps.calls.call<T>(ctx, 'kms', operation, input, VIA);
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      // A stored blob KMS no longer recognizes is a stored object we cannot vouch for.
      if (err.code === 'InvalidCiphertextException') throw corruptBody();
      throw fromKmsError(err);
    }
  }
}

function layerAad(objectId: string): string {
  return `s3/objects/${objectId}/dsse-layer`;
}

/** A context as a stable string (sorted keys), for cache ids. */
function canonical(context: Record<string, string>): string {
  return JSON.stringify(Object.keys(context).sort().map((k) => [k, context[k]]));
}
