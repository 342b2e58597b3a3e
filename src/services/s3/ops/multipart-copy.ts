/**
 * UploadPartCopy: a part made from (a byte range of) an existing object, decrypted segment by
 * segment and re-encrypted under the upload's data key as it streams, then recorded like an
 * UploadPart. The source is read as CopyObject reads it (readCopySource); reading it is authorized
 * as s3:GetObject on it (actions.ts).
 */
import type { UploadPartCopyOutput, UploadPartCopyRequest } from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { NoSuchBlobError } from '../../../store/blobs.js';
import type { ByteRange } from '../conditional.js';
import { quoteEtag, reportedVersionId, requireBucket, type S3Deps } from '../context.js';
import { corruptBody, invalidArgument, invalidRequest, MAX_PUT_BYTES } from '../errors.js';
import { checkPartNumber } from '../multipart-errors.js';
import { readCopySource } from '../copy-source.js';
import { copySourceKey } from '../sse.js';
import { objectAlgorithm, requireUpload } from './multipart.js';

/** `x-amz-copy-source-range: bytes=first-last`, within an object of `size` bytes. */
export function parseCopyRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(header);
  if (!m) {
    throw invalidArgument('The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      'x-amz-copy-source-range', header);
  }
  const [start, end] = [Number(m[1]), Number(m[2])];
  if (start > end || end >= size) throw invalidArgument(`Range specified is not valid for source object of size: ${size}`, 'x-amz-copy-source-range', header);
  return { start, end };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html */
export async function uploadPartCopy(deps: S3Deps, ctx: RequestContext, input: UploadPartCopyRequest): Promise<UploadPartCopyOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const upload = await requireUpload(deps, bucket, input.Key, input.UploadId);
  checkPartNumber(input.PartNumber);
  const { bucket: sourceBucket, version: from } = await readCopySource(deps, input);
  const range = parseCopyRange(input.CopySourceRange, from.size);
  const length = range ? range.end - range.start + 1 : from.size;
  if (length > MAX_PUT_BYTES) {
    throw invalidRequest(`The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_PUT_BYTES}`);
  }
  const readKey = await deps.sse.open(ctx, from.id, from.encryption, copySourceKey(input), { copySource: true });
  const key = await deps.sse.forPart(ctx, upload.objectId, upload.encryption, input);
  const plaintext = await deps.objects.bodyOf(from).then((parts) => deps.bodies.read(parts, readKey, range)).catch((err: unknown) => {
    throw err instanceof NoSuchBlobError ? corruptBody() : err;
  });
  const algorithm = objectAlgorithm(upload);
  const written = await deps.bodies.write(plaintext, key, { seq: input.PartNumber, algorithm, maxBytes: MAX_PUT_BYTES });
  const lastModified = deps.clock.now();
  const etag = deps.sse.etag(upload.encryption, written.md5);
  let replaced: string[];
  try {
    replaced = await deps.uploads.putPart(upload.uploadId, {
      partNumber: input.PartNumber, blobId: written.part.blobId, size: written.part.size, etag,
      checksums: { [algorithm]: written.checksum.value }, lastModified,
    });
  } catch (err) {
    await deps.bodies.delete([written.part.blobId]);
    throw err;
  }
  deps.reclaim.later(replaced);
  return {
    CopyPartResult: {
      ETag: quoteEtag(etag), LastModified: lastModified,
      ...(upload.checksumAlgorithm ? { [`Checksum${algorithm}`]: written.checksum.value } : {}),
    },
    CopySourceVersionId: reportedVersionId(sourceBucket, from),
    ...deps.sse.response(upload.encryption),
  };
}

