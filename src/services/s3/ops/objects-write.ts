/**
 * PutObject: the encryption is settled first (sse.ts: the request's SSE headers, else the bucket's
 * default; for SSE-KMS a data key from KMS), then the body streams through the digests and the
 * at-rest encryption into a new blob (durable before `put` resolves), or into memory when it is
 * declared small (body.ts); only once it ended cleanly and every digest checked out is the version
 * row committed, with a small body's bytes, in one transaction. On any failure the blob is
 * deleted: nothing is visible and nothing is left behind.
 */
import type { Readable } from 'node:stream';
import type { PutObjectOutput, PutObjectRequest } from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { aclFromRequest, privateAcl, type Acl } from '../acl.js';
import { checkAclWrite } from '../public-access.js';
import { blobIdsOf, type BodyPart, type Written } from '../body.js';
import type { Bucket } from '../bucket-store.js';
import { checksumMembers, planChecksum, trailerChecksum, type ChecksumPlan, type StoredChecksum } from '../checksums.js';
import { writeCondition } from '../conditional.js';
import { badDigestChecksum, badDigestMd5, entityTooLarge, invalidDigest, MAX_PUT_BYTES, notImplementedError } from '../errors.js';
import { metadataFrom } from '../metadata.js';
import { checkKey } from '../names.js';
import type { NewVersion, ObjectVersion } from '../object-store.js';
import { newObjectId, newObjectOwner, quoteEtag, requireBucket, type S3Deps } from '../context.js';
import { parseTaggingHeader } from '../tagging.js';

/** The decoded Content-MD5 (16 bytes); InvalidDigest for anything else. */
export function contentMd5(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 16 || bytes.toString('base64') !== value.trim()) throw invalidDigest(value);
  return bytes;
}

/** Checks what the client claimed about the body against what arrived; the checksum to store. */
export function verifyDigests(written: Written<BodyPart>, md5: Buffer | undefined, plan: ChecksumPlan, body: unknown): StoredChecksum {
  if (md5 && !(written.md5 && md5.equals(written.md5))) throw badDigestMd5(md5.toString('hex'), written.md5?.toString('base64') ?? '');
  if (plan.expected !== undefined && plan.expected !== written.checksum.value) throw badDigestChecksum(plan.algorithm);
  // A trailer checksum was verified by the aws-chunked decoder; it names the algorithm when no header did.
  const verified = typeof (body as { checksums?: unknown })?.checksums === 'function'
    ? trailerChecksum((body as { checksums(): Record<string, string> }).checksums()) : undefined;
  const checksum = verified && verified.algorithm !== written.checksum.algorithm ? verified : written.checksum;
  return { ...checksum, type: 'FULL_OBJECT' };
}

/** Everything about a new version except its body: shared by PutObject and CopyObject. */
export async function newVersionFields(deps: S3Deps, ctx: RequestContext, bucket: Bucket, input: PutObjectRequest | Omit<PutObjectRequest, 'Body'>): Promise<{ acl: Acl; ownerAccount: string }> {
  const ownerAccount = newObjectOwner(ctx, bucket);
  const ownerId = await deps.accounts.canonicalId(ownerAccount);
  const bucketOwnerId = await deps.accounts.canonicalId(bucket.accountId);
  const acl = await aclFromRequest(input, ownerId, bucketOwnerId, (id) => deps.accounts.isKnown(id));
  await checkAclWrite(deps.buckets, bucket, acl, bucketOwnerId);
  return { acl: acl ?? privateAcl(ownerId), ownerAccount };
}

/** Commits a written body as the key's new current version; deletes its blobs if that fails. */
export async function commitVersion(deps: S3Deps, version: NewVersion, parts: BodyPart[], check?: (current: ObjectVersion | undefined) => void): Promise<ObjectVersion> {
  try {
    const { version: stored, garbage } = await deps.objects.put(version, parts, check);
    deps.reclaim.later(garbage);
    return stored;
  } catch (err) {
    await deps.bodies.delete(blobIdsOf(parts));
    throw err;
  }
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html */
export async function putObject(deps: S3Deps, ctx: RequestContext, input: PutObjectRequest): Promise<PutObjectOutput> {
  const body: Readable | Buffer = input.Body ?? Buffer.alloc(0);
  try {
    return await put(deps, ctx, input, body);
  } catch (err) {
    // Refused before the body was read: drain it so the client reads the answer, not a reset.
    if (!Buffer.isBuffer(body) && !body.readableEnded && !body.destroyed) body.on('error', () => undefined).resume();
    throw err;
  }
}

async function put(deps: S3Deps, ctx: RequestContext, input: PutObjectRequest, body: Readable | Buffer): Promise<PutObjectOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  checkKey(input.Key);
  if (input.WriteOffsetBytes !== undefined) throw notImplementedError('x-amz-write-offset-bytes');
  if (input.ContentLength !== undefined && input.ContentLength > MAX_PUT_BYTES) throw entityTooLarge(input.ContentLength);
  const md5 = contentMd5(input.ContentMD5);
  const plan = planChecksum(input);
  const check = writeCondition(input.IfMatch, input.IfNoneMatch, input.Key);
  // Fail fast on a precondition that already fails; it is checked again when committing.
  check?.(await deps.objects.latest(bucket.name, input.Key));
  const metadata = metadataFrom(input);
  const tags = input.Tagging !== undefined ? parseTaggingHeader(input.Tagging) : [];
  const { acl, ownerAccount } = await newVersionFields(deps, ctx, bucket, input);

  // Overwriting the null version, the body is sealed to its id, so that the store replaces its row
  // in place rather than deleting it and inserting another (ObjectStore.put).
  const id = (bucket.versioning !== 'Enabled' && await deps.objects.currentNullId(bucket.name, input.Key)) || newObjectId();
  const enc = await deps.sse.forWrite(ctx, { bucket, key: input.Key, objectId: id }, input, { action: 's3:PutObject' });
  const written = await deps.bodies.write(body, enc.key, {
    seq: 1, algorithm: plan.algorithm, maxBytes: MAX_PUT_BYTES, md5: md5 !== undefined || deps.sse.etagIsMd5(enc.descriptor), sizeHint: input.ContentLength,
    inline: true,
  });
  let checksum: StoredChecksum;
  try {
    checksum = verifyDigests(written, md5, plan, body);
  } catch (err) {
    await deps.bodies.delete(blobIdsOf([written.part]));
    throw err;
  }
  const version = await commitVersion(deps, {
    id, bucket: bucket.name, key: input.Key, size: written.part.size, etag: deps.sse.etag(enc.descriptor, written.md5),
    lastModified: deps.clock.now(), ownerAccount, storageClass: input.StorageClass ?? 'STANDARD',
    metadata, checksum, tags, acl, encryption: enc.descriptor, partsCount: null,
  }, [written.part], check);
  return {
    ETag: quoteEtag(version.etag),
    ...checksumMembers(version.checksum),
    ...enc.response,
    VersionId: version.versionId === 'null' ? undefined : version.versionId,
  };
}
