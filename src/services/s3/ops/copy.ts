/**
 * CopyObject: the source is decrypted segment by segment and re-encrypted under a new data key for
 * the destination, in the destination's mode (the request's SSE headers, else the destination
 * bucket's default: an SSE-C source copied without destination headers becomes SSE-S3, as in AWS),
 * streaming, then committed like a PutObject.
 */
import type { CopyObjectOutput, CopyObjectRequest } from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { checksumMembers, planChecksum, type StoredChecksum } from '../checksums.js';
import { writeCondition } from '../conditional.js';
import { corruptBody, invalidRequest, MAX_PUT_BYTES } from '../errors.js';
import { metadataFrom } from '../metadata.js';
import { checkKey } from '../names.js';
import { readCopySource } from '../copy-source.js';
import { newObjectId, quoteEtag, reportedVersionId, requireBucket, type S3Deps } from '../context.js';
import { parseTaggingHeader } from '../tagging.js';
import { NoSuchBlobError } from '../../../store/blobs.js';
import { commitVersion, newVersionFields } from './objects-write.js';
import { bucketEncryption } from '../encryption-defaults.js';
import { copySourceKey } from '../sse.js';

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html */
export async function copyObject(deps: S3Deps, ctx: RequestContext, input: CopyObjectRequest): Promise<CopyObjectOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  checkKey(input.Key);
  const { bucket: sourceBucket, version: from } = await readCopySource(deps, input);
  if (from.size > MAX_PUT_BYTES) {
    throw invalidRequest(`The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_PUT_BYTES}`);
  }
  const replaceMetadata = input.MetadataDirective === 'REPLACE';
  const sameObject = sourceBucket.name === bucket.name && from.key === input.Key;
  const changes = replaceMetadata || input.StorageClass !== undefined || input.WebsiteRedirectLocation !== undefined
    || input.ServerSideEncryption !== undefined || input.SSECustomerAlgorithm !== undefined || input.SSEKMSKeyId !== undefined
    || input.SSEKMSEncryptionContext !== undefined || input.BucketKeyEnabled !== undefined;
  // A bucket with a configured default encryption lets an object be copied onto itself (re-encrypted).
  if (sameObject && !changes && bucket.versioning !== 'Enabled' && !(await bucketEncryption(deps.buckets, bucket.name)).explicit) {
    throw invalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  const check = writeCondition(input.IfMatch, input.IfNoneMatch, input.Key);
  check?.(await deps.objects.latest(bucket.name, input.Key));
  const metadata = replaceMetadata ? metadataFrom(input) : from.metadata;
  const tags = input.TaggingDirective === 'REPLACE' ? (input.Tagging !== undefined ? parseTaggingHeader(input.Tagging) : []) : from.tags;
  const { acl, ownerAccount } = await newVersionFields(deps, ctx, bucket, input);
  // The copy keeps the source's checksum algorithm unless the request names another.
  const plan = planChecksum({ ChecksumAlgorithm: input.ChecksumAlgorithm ?? from.checksum?.algorithm });

  // The source opens with its own key (an SSE-C source needs the copy-source key headers); the
  // destination gets a new data key in the mode the request names, else the bucket's default.
  const sourceKey = await deps.sse.open(ctx, from.id, from.encryption, copySourceKey(input), { copySource: true });
  const id = newObjectId();
  const enc = await deps.sse.forWrite(ctx, { bucket, key: input.Key, objectId: id }, input, { action: 's3:CopyObject' });
  const plaintext = await deps.objects.bodyOf(from).then((parts) => deps.bodies.read(parts, sourceKey)).catch((err: unknown) => {
    throw err instanceof NoSuchBlobError ? corruptBody() : err;
  });
  const written = await deps.bodies.write(plaintext, enc.key, { seq: 1, algorithm: plan.algorithm, maxBytes: MAX_PUT_BYTES, sizeHint: from.size, inline: true });
  const checksum: StoredChecksum = { ...written.checksum, type: 'FULL_OBJECT' };
  const version = await commitVersion(deps, {
    id, bucket: bucket.name, key: input.Key, size: written.part.size, etag: deps.sse.etag(enc.descriptor, written.md5),
    lastModified: deps.clock.now(), ownerAccount,
    storageClass: input.StorageClass ?? (replaceMetadata ? 'STANDARD' : from.storageClass),
    // The website redirect is never copied: it is the request's or none.
    metadata: { ...metadata, websiteRedirectLocation: input.WebsiteRedirectLocation },
    checksum, tags, acl, encryption: enc.descriptor, partsCount: null,
  }, [written.part], check);
  return {
    CopyObjectResult: { ETag: quoteEtag(version.etag), LastModified: version.lastModified, ...checksumMembers(version.checksum) },
    CopySourceVersionId: reportedVersionId(sourceBucket, from),
    VersionId: reportedVersionId(bucket, version),
    ...enc.response,
  };
}
