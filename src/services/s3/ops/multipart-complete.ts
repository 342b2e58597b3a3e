/**
 * CompleteMultipartUpload: the listed parts are checked (order, ETags, checksums, sizes), the
 * object's ETag and checksum computed from the parts' digests, and the version committed in one
 * transaction with the upload's retirement: the parts' blobs become the object's body as they
 * are (no byte is read or re-encrypted), the unlisted ones garbage. A repeated Complete of an
 * upload that succeeded is answered again, as S3 does, while the object it made exists.
 */
import type { CompletedPart, CompleteMultipartUploadOutput, CompleteMultipartUploadRequest } from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { AwsError } from '../../../errors.js';
import type { Bucket } from '../bucket-store.js';
import { checksumMembers, type ChecksumAlgorithm, type StoredChecksum } from '../checksums.js';
import { writeCondition } from '../conditional.js';
import { quoteEtag, reportedVersionId, requireBucket, type S3Deps } from '../context.js';
import { badDigestChecksum, invalidArgument, invalidRequest, malformedXmlError } from '../errors.js';
import { combineCrcs, compositeChecksum, isCrc, multipartEtag } from '../multipart-checksums.js';
import { checksumTypeMismatch, entityTooSmall, invalidPart, invalidPartOrder, MIN_PART_BYTES, noSuchUpload } from '../multipart-errors.js';
import type { Upload, UploadPart } from '../upload-store.js';
import { objectAlgorithm, objectIdFor } from './multipart.js';

const ALGORITHMS: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

/** An ETag as a Complete request may spell it: quoted or not. */
function unquote(etag: string): string {
  return etag.trim().replace(/^"(.*)"$/, '$1');
}

/** The checksums a listed part or the request's headers carry, by algorithm. */
function checksumsOf(member: Partial<Record<`Checksum${ChecksumAlgorithm}`, string>>): Array<[ChecksumAlgorithm, string]> {
  return ALGORITHMS.flatMap((a) => (member[`Checksum${a}`] !== undefined ? [[a, member[`Checksum${a}`]!] as [ChecksumAlgorithm, string]] : []));
}

/** The listed parts, well formed and in strictly ascending order. */
function listedParts(input: CompleteMultipartUploadRequest): Array<CompletedPart & { PartNumber: number; ETag: string }> {
  const parts = input.MultipartUpload?.Parts ?? [];
  if (parts.length === 0 || parts.some((p) => p.PartNumber === undefined || p.ETag === undefined)) throw malformedXmlError();
  let previous = 0;
  for (const part of parts) {
    if (part.PartNumber! < 1) throw invalidArgument('PartNumber must be >= 1', 'PartNumber', String(part.PartNumber));
    if (part.PartNumber! <= previous) throw invalidPartOrder(input.UploadId);
    previous = part.PartNumber!;
  }
  return parts as Array<CompletedPart & { PartNumber: number; ETag: string }>;
}

/** Each listed part against the stored one: S3's InvalidPart, checksum and EntityTooSmall checks, in its order. */
function chooseParts(upload: Upload, listed: ReturnType<typeof listedParts>, stored: Map<number, UploadPart>): UploadPart[] {
  const algorithm = upload.checksumAlgorithm;
  return listed.map((item, index) => {
    const etag = unquote(item.ETag);
    const part = stored.get(item.PartNumber);
    if (!part || part.etag !== etag) throw invalidPart(upload.uploadId, item.PartNumber, etag);
    const given = checksumsOf(item);
    if (algorithm) {
      // With a checksum algorithm the parts are numbered 1, 2, 3 ... without gaps.
      if (item.PartNumber !== index + 1) throw invalidPartOrder(upload.uploadId);
      const value = item[`Checksum${algorithm}`];
      if (value === undefined && upload.checksumType === 'COMPOSITE') {
        const [other] = given;
        if (other) throw new AwsError('BadDigest', `The ${other[0].toLowerCase()} you specified for part ${item.PartNumber} did not match what we received.`, { status: 400 });
        throw invalidRequest(`The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${item.PartNumber} in the request.`);
      }
    }
    // Whatever checksum a part is listed with must be the one it was uploaded with.
    if (given.some(([a, v]) => part.checksums[a] !== v)) throw invalidPart(upload.uploadId, item.PartNumber, etag);
    if (index !== listed.length - 1 && part.size < MIN_PART_BYTES) throw entityTooSmall(part.size, item.PartNumber, etag);
    return part;
  });
}

/** The object's checksum from its parts', checked against one the request sent. */
async function objectChecksum(upload: Upload, chosen: UploadPart[], input: CompleteMultipartUploadRequest): Promise<StoredChecksum> {
  const algorithm = objectAlgorithm(upload);
  const type = upload.checksumType;
  if (upload.checksumAlgorithm && input.ChecksumType !== undefined && input.ChecksumType !== type) {
    throw new AwsError('BadDigest', `The upload was created using the ${type} checksum mode. The complete request must use the same checksum mode.`, { status: 400 });
  }
  const [claimed] = checksumsOf(input);
  if (claimed && upload.checksumAlgorithm && claimed[0] !== upload.checksumAlgorithm) throw checksumTypeMismatch(upload.checksumAlgorithm, claimed[0]);
  const values = chosen.map((p) => p.checksums[algorithm]!);
  const value = type === 'FULL_OBJECT' && isCrc(algorithm)
    ? combineCrcs(algorithm, chosen.map((p, i) => ({ checksum: values[i]!, size: p.size })))
    : compositeChecksum(algorithm, values);
  if (claimed && claimed[0] === algorithm && claimed[1] !== value) throw badDigestChecksum(algorithm);
  return { algorithm, value, type };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html */
export async function completeMultipartUpload(deps: S3Deps, ctx: RequestContext, input: CompleteMultipartUploadRequest): Promise<CompleteMultipartUploadOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const listed = listedParts(input);
  const upload = await deps.uploads.get(bucket.name, input.Key, input.UploadId);
  if (!upload || upload.initiated < bucket.createdAt) return answerAgain(deps, ctx, bucket, input, listed);
  const check = writeCondition(input.IfMatch, input.IfNoneMatch, input.Key);
  const stored = new Map((await deps.uploads.parts(upload.uploadId, 0, 10_000)).map((p) => [p.partNumber, p] as const));
  let chosen: UploadPart[];
  try {
    chosen = chooseParts(upload, listed, stored);
  } catch (err) {
    // Parts missing because a concurrent Complete (or Abort, perhaps on another node) retired the
    // upload between the two reads above: answered as for an upload no longer in progress.
    if (!(await deps.uploads.get(bucket.name, input.Key, input.UploadId))) return answerAgain(deps, ctx, bucket, input, listed);
    throw err;
  }
  const size = chosen.reduce((n, p) => n + p.size, 0);
  if (input.MpuObjectSize !== undefined && input.MpuObjectSize !== size) {
    throw invalidRequest(`The provided 'x-amz-mp-object-size' header value ${input.MpuObjectSize} does not match what was computed: ${size}`);
  }
  const checksum = await objectChecksum(upload, chosen, input);
  check?.(await deps.objects.latest(bucket.name, input.Key));
  const algorithm = objectAlgorithm(upload);
  const { version, garbage } = await deps.objects.put({
    id: upload.objectId, bucket: bucket.name, key: upload.key, size, etag: multipartEtag(chosen.map((p) => Buffer.from(p.etag, 'hex'))),
    // A multipart object is dated by the start of its upload, as on S3.
    lastModified: upload.initiated, ownerAccount: upload.ownerAccount, storageClass: upload.storageClass,
    metadata: upload.metadata, checksum, tags: upload.tags, acl: upload.acl, encryption: upload.encryption, partsCount: chosen.length,
  }, [], check, deps.uploads.completeIn(upload, chosen, chosen.map((p) => p.checksums[algorithm])));
  const chosenIds = new Set(chosen.map((p) => p.blobId));
  deps.reclaim.later([...garbage, ...[...stored.values()].filter((p) => !chosenIds.has(p.blobId)).map((p) => p.blobId)]);
  return {
    Location: objectLocation(ctx, bucket.name, upload.key),
    Bucket: bucket.name, Key: upload.key, ETag: quoteEtag(version.etag),
    ...checksumMembers(version.checksum),
    VersionId: reportedVersionId(bucket, version),
    ...deps.sse.response(upload.encryption, { customer: false }),
  };
}

/**
 * The object's URL as the client addresses the server: virtual-hosted style when it named the
 * bucket in the host, else path style, as S3's Location is a URL clients can fetch.
 */
function objectLocation(ctx: RequestContext, bucket: string, key: string): string {
  const path = `/${encodeURIComponent(key)}`;
  if (!ctx.origin) return `/${bucket}${path}`;
  const host = new URL(ctx.origin).hostname;
  return host.startsWith(`${bucket}.`) ? `${ctx.origin}${path}` : `${ctx.origin}/${bucket}${path}`;
}

/**
 * An upload no longer in progress: if this request's parts made the object the upload became, and
 * that object is still there, S3 answers the same again (clients retry Completes); else NoSuchUpload.
 */
async function answerAgain(deps: S3Deps, ctx: RequestContext, bucket: Bucket, input: CompleteMultipartUploadRequest, listed: ReturnType<typeof listedParts>): Promise<CompleteMultipartUploadOutput> {
  const made = await deps.uploads.completedAs(objectIdFor(input.UploadId));
  const etag = multipartEtag(listed.map((p) => Buffer.from(unquote(p.ETag), 'hex')));
  if (!made || made.bucket !== bucket.name || made.key !== input.Key || made.etag !== etag) throw noSuchUpload(input.UploadId);
  return {
    Location: objectLocation(ctx, bucket.name, made.key),
    Bucket: bucket.name, Key: made.key, ETag: quoteEtag(made.etag),
    ...checksumMembers(made.checksum),
    VersionId: bucket.versioning === null ? undefined : made.versionId,
    ...deps.sse.response(made.encryption, { customer: false }),
  };
}
