/**
 * CreateMultipartUpload, UploadPart and AbortMultipartUpload. An upload fixes everything about the
 * object to be (metadata, tags, ACL, storage class, checksum algorithm and type, encryption and its
 * data key) when it starts; each part is then streamed through the digests and the at-rest
 * encryption into a blob of its own (the part number in its AAD context), committed only once the
 * body ended cleanly and every digest checked out.
 */
import { createHash, randomBytes } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';
import { createChecksum } from '../../../auth/checksums.js';
import type {
  AbortMultipartUploadOutput, AbortMultipartUploadRequest, ChecksumType, CreateMultipartUploadOutput, CreateMultipartUploadRequest,
  UploadPartOutput, UploadPartRequest,
} from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import type { Bucket } from '../bucket-store.js';
import { planChecksum, type ChecksumAlgorithm, type ChecksumRequest } from '../checksums.js';
import { quoteEtag, requireBucket, type S3Deps } from '../context.js';
import { entityTooLarge, invalidRequest, MAX_PUT_BYTES } from '../errors.js';
import { metadataFrom } from '../metadata.js';
import { checkPartNumber, checksumTypeMismatch, noSuchUpload } from '../multipart-errors.js';
import { checkKey } from '../names.js';
import { parseTaggingHeader } from '../tagging.js';
import type { Upload } from '../upload-store.js';
import { contentMd5, newVersionFields, verifyDigests } from './objects-write.js';

const SUPPORTED: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

/** An upload id: 64 random bytes, URL-safe (S3's are long, opaque and unguessable too). */
function newUploadId(): string {
  return randomBytes(64).toString('base64url');
}

/**
 * The internal id of the object an upload becomes, derived from the upload id so that a repeated
 * CompleteMultipartUpload can find the object the first one made (S3 answers it again).
 */
export function objectIdFor(uploadId: string): string {
  return createHash('sha256').update(`s3-upload:${uploadId}`).digest('hex').slice(0, 32);
}

/**
 * The checksum algorithm and type an upload asks for, checked as S3 checks them. Without an
 * algorithm the object still gets a FULL_OBJECT CRC64NVME (S3's default since 2024), but nothing
 * is asked of the parts.
 */
export function uploadChecksum(algorithm: string | undefined, type: string | undefined): { algorithm: ChecksumAlgorithm | null; type: ChecksumType } {
  if (algorithm === undefined) {
    if (type !== undefined) throw invalidRequest('The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
    return { algorithm: null, type: 'FULL_OBJECT' };
  }
  if (!(SUPPORTED as string[]).includes(algorithm)) {
    throw invalidRequest('Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
  }
  const chosen = algorithm as ChecksumAlgorithm;
  if (type !== undefined && type !== 'COMPOSITE' && type !== 'FULL_OBJECT') throw invalidRequest('Value for x-amz-checksum-type header is invalid.');
  const resolved: ChecksumType = (type as ChecksumType | undefined) ?? (chosen === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
  const allowed = resolved === 'FULL_OBJECT' ? chosen.startsWith('CRC') : chosen !== 'CRC64NVME';
  if (!allowed) throw invalidRequest(`The ${resolved} checksum type cannot be used with the ${chosen.toLowerCase()} checksum algorithm.`);
  return { algorithm: chosen, type: resolved };
}

/** The algorithm an upload's object is checksummed with: the one asked for, else CRC64NVME. */
export function objectAlgorithm(upload: Upload): ChecksumAlgorithm {
  return upload.checksumAlgorithm ?? 'CRC64NVME';
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html */
export async function createMultipartUpload(deps: S3Deps, ctx: RequestContext, input: CreateMultipartUploadRequest): Promise<CreateMultipartUploadOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  checkKey(input.Key);
  const checksum = uploadChecksum(input.ChecksumAlgorithm, input.ChecksumType);
  const metadata = metadataFrom(input);
  const tags = input.Tagging !== undefined ? parseTaggingHeader(input.Tagging) : [];
  const { acl, ownerAccount } = await newVersionFields(deps, ctx, bucket, input);
  const uploadId = newUploadId();
  const objectId = objectIdFor(uploadId);
  const enc = await deps.sse.forWrite(ctx, { bucket, key: input.Key, objectId }, input, { action: 's3:PutObject' });
  const upload: Upload = {
    uploadId, bucket: bucket.name, key: input.Key, objectId, initiated: deps.clock.now(),
    ownerAccount,
    initiator: { arn: ctx.principal?.arn ?? '', accountId: ctx.accountId },
    storageClass: input.StorageClass ?? 'STANDARD', metadata, tags, acl, encryption: enc.descriptor,
    checksumAlgorithm: checksum.algorithm, checksumType: checksum.type,
  };
  await deps.uploads.create(upload);
  return {
    Bucket: bucket.name, Key: input.Key, UploadId: uploadId,
    ...enc.response,
    ChecksumAlgorithm: checksum.algorithm ?? undefined,
    ChecksumType: checksum.algorithm ? checksum.type : undefined,
  };
}

/**
 * The upload a request names, of this bucket and key; NoSuchUpload when it is not in progress (or
 * belongs to a deleted bucket of the same name, whose uploads went with it).
 */
export async function requireUpload(deps: S3Deps, bucket: Bucket, key: string, uploadId: string): Promise<Upload> {
  const upload = await deps.uploads.get(bucket.name, key, uploadId);
  if (!upload || upload.initiated < bucket.createdAt) throw noSuchUpload(uploadId);
  return upload;
}

/** Whether a write request names a checksum algorithm (a header, or x-amz-sdk-checksum-algorithm). */
function declaredAlgorithm(input: ChecksumRequest): ChecksumAlgorithm | undefined {
  const header = SUPPORTED.find((a) => input[`Checksum${a}`] !== undefined);
  return header ?? (input.ChecksumAlgorithm as ChecksumAlgorithm | undefined);
}

/** Refuses a part checksum of another algorithm than the upload's, as S3 does. */
export function checkPartAlgorithm(upload: Upload, algorithm: ChecksumAlgorithm | undefined): void {
  if (upload.checksumAlgorithm && algorithm && algorithm !== upload.checksumAlgorithm) throw checksumTypeMismatch(upload.checksumAlgorithm, algorithm);
}

/** A pass-through stream computing further checksums of what flows through it. */
export function extraChecksums(algorithms: ChecksumAlgorithm[]): { stream: Transform; digests(): Partial<Record<ChecksumAlgorithm, string>> } {
  const running = algorithms.map((a) => [a, createChecksum(a)] as const);
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      for (const [, c] of running) c.update(chunk);
      callback(null, chunk);
    },
  });
  return {
    stream,
    digests: () => Object.fromEntries(running.map(([a, c]) => [a, c.digest()])),
  };
}

/** Drains a body the request was refused before reading, so the client reads the answer, not a reset. */
export function drainUnread(body: Readable | Buffer | undefined): void {
  if (body && !Buffer.isBuffer(body) && !body.readableEnded && !body.destroyed) body.on('error', () => undefined).resume();
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html */
export async function uploadPart(deps: S3Deps, ctx: RequestContext, input: UploadPartRequest): Promise<UploadPartOutput> {
  try {
    return await putPart(deps, ctx, input, input.Body ?? Buffer.alloc(0));
  } catch (err) {
    drainUnread(input.Body);
    throw err;
  }
}

async function putPart(deps: S3Deps, ctx: RequestContext, input: UploadPartRequest, body: Readable | Buffer): Promise<UploadPartOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const upload = await requireUpload(deps, bucket, input.Key, input.UploadId);
  checkPartNumber(input.PartNumber);
  if (input.ContentLength !== undefined && input.ContentLength > MAX_PUT_BYTES) throw entityTooLarge(input.ContentLength);
  const md5 = contentMd5(input.ContentMD5);
  const declared = declaredAlgorithm(input);
  checkPartAlgorithm(upload, declared);
  const plan = planChecksum({ ...input, ChecksumAlgorithm: declared ?? upload.checksumAlgorithm ?? undefined });
  const key = await deps.sse.forPart(ctx, upload.objectId, upload.encryption, input);

  // The object's algorithm is computed on every part, whatever the client sent, for Complete.
  const wanted = objectAlgorithm(upload);
  const extra = extraChecksums(wanted === plan.algorithm ? [] : [wanted]);
  const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
  const written = await deps.bodies.write(pipeline(source, extra.stream, () => undefined), key, {
    seq: input.PartNumber, algorithm: plan.algorithm, maxBytes: MAX_PUT_BYTES,
    md5: md5 !== undefined || deps.sse.etagIsMd5(upload.encryption), sizeHint: input.ContentLength,
  });
  // Under SSE-KMS and SSE-C a part's ETag is not the MD5 of its plaintext (sse.ts).
  const etag = deps.sse.etag(upload.encryption, written.md5);
  let replaced: string[];
  let checksums: Partial<Record<ChecksumAlgorithm, string>>;
  try {
    const verified = verifyDigests(written, md5, plan, body);
    // A trailer names its algorithm only once the body has ended.
    if (verified.algorithm !== written.checksum.algorithm) checkPartAlgorithm(upload, verified.algorithm);
    checksums = { ...extra.digests(), [written.checksum.algorithm]: written.checksum.value, [verified.algorithm]: verified.value };
    replaced = await deps.uploads.putPart(upload.uploadId, {
      partNumber: input.PartNumber, blobId: written.part.blobId, size: written.part.size, etag,
      checksums, lastModified: deps.clock.now(),
    });
  } catch (err) {
    await deps.bodies.delete([written.part.blobId]);
    throw err;
  }
  deps.reclaim.later(replaced);
  // The response carries the upload's checksum, or the one the client sent.
  const reported = upload.checksumAlgorithm ?? declared;
  return {
    ETag: quoteEtag(etag),
    ...(reported && checksums[reported] ? { [`Checksum${reported}`]: checksums[reported] } : {}),
    ...deps.sse.response(upload.encryption),
  };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html */
export async function abortMultipartUpload(deps: S3Deps, _ctx: RequestContext, input: AbortMultipartUploadRequest): Promise<AbortMultipartUploadOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const upload = await requireUpload(deps, bucket, input.Key, input.UploadId);
  const blobs = await deps.uploads.abort(upload.uploadId);
  if (!blobs) throw noSuchUpload(input.UploadId);
  deps.reclaim.later(blobs);
  return {};
}
