/**
 * GetObject and HeadObject: the version a request names, its SSE-C key if it has one, its
 * preconditions, its range, then (GetObject) the data key opened (SSE-KMS: by KMS Decrypt, as the
 * caller) and the body decrypted segment by segment as it streams out, only the segments the
 * range covers.
 */
import type { GetObjectOutput, GetObjectRequest, HeadObjectOutput, HeadObjectRequest } from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import type { Bucket } from '../bucket-store.js';
import { checksumMembers, type StoredChecksum } from '../checksums.js';
import { checkReadConditions, parseRange, type ByteRange } from '../conditional.js';
import { corruptBody, invalidRequest } from '../errors.js';
import { metadataMembers } from '../metadata.js';
import type { ObjectVersion } from '../object-store.js';
import { quoteEtag, reportedVersionId, requireBucket, requireVersion, type S3Deps } from '../context.js';
import { NoSuchBlobError } from '../../../store/blobs.js';
import { readPart } from './object-parts.js';

type ReadRequest = GetObjectRequest | HeadObjectRequest;

/**
 * The HTTP status GetObject/HeadObject answer with. The S3 model has no member for it, so the
 * codec cannot send 206 yet: the member is set here for when the model patch adds it
 * (`GetObjectOutput`/`HeadObjectOutput` `StatusCode`, location `statusCode`).
 */
type WithStatus<T> = T & { StatusCode?: number };

/** What a read resolves to: the version, the bytes it returns, and the response members. */
interface ReadPlan {
  version: ObjectVersion;
  range?: ByteRange;
  output: WithStatus<HeadObjectOutput>;
}

async function plan(deps: S3Deps, ctx: RequestContext, input: ReadRequest, method: 'GET' | 'HEAD'): Promise<{ bucket: Bucket } & ReadPlan> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const version = await requireVersion(deps, bucket, input.Key, input.VersionId, method);
  // An SSE-C object's key is checked before anything about the object is revealed.
  deps.sse.checkRead(ctx, version.encryption, input);
  checkReadConditions(input, version, deps.clock.now());
  let range: ByteRange | undefined;
  let partsCount: number | undefined;
  let partChecksum: StoredChecksum | null = null;
  if (input.PartNumber !== undefined) {
    if (input.Range !== undefined) throw invalidRequest('Cannot specify both Range header and partNumber query parameter');
    // A single-PUT object is one part; a multipart object's parts are read by position (object-parts.ts).
    ({ range, partsCount, checksum: partChecksum } = await readPart(deps, version, input.PartNumber));
  } else {
    range = parseRange(input.Range, version.size);
  }
  const output: WithStatus<HeadObjectOutput> = {
    AcceptRanges: 'bytes',
    LastModified: version.lastModified,
    ContentLength: range ? range.end - range.start + 1 : version.size,
    ETag: quoteEtag(version.etag),
    VersionId: reportedVersionId(bucket, version),
    ...metadataMembers(version.metadata, input),
    ...deps.sse.response(version.encryption),
    StorageClass: version.storageClass === 'STANDARD' ? undefined : (version.storageClass as HeadObjectOutput['StorageClass']),
    PartsCount: partsCount,
  };
  if (range) {
    output.ContentRange = `bytes ${range.start}-${range.end}/${version.size}`;
    output.StatusCode = 206;
  }
  // A checksum covers the whole object: it is returned only when asked for and the whole object is.
  if (input.ChecksumMode === 'ENABLED') {
    // A part read carries the part's checksum; a range of the object none.
    if (partsCount !== undefined) Object.assign(output, checksumMembers(partChecksum));
    else if (!range) Object.assign(output, checksumMembers(version.checksum));
  }
  return { bucket, version, range, output };
}

/** Reads of one request that may each find their version replaced before a later one succeeds. */
const REPLACED_READS = 5;

/**
 * Runs `read` again when the version it read was replaced meanwhile: its body or its parts went
 * (NoSuchBlobError) between reading its row and reading them. Each attempt reads the row afresh,
 * so a key overwritten again and again still answers one whole version. A body that is missing
 * every time is not a race but a damaged store: InternalError, as S3 answers what it cannot read.
 */
async function readAgainIfReplaced<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof NoSuchBlobError)) throw err;
      if (attempt === REPLACED_READS) throw corruptBody();
    }
  }
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html */
export function getObject(deps: S3Deps, ctx: RequestContext, input: GetObjectRequest): Promise<GetObjectOutput> {
  return readAgainIfReplaced(async () => {
    const { version, range, output } = await plan(deps, ctx, input, 'GET');
    const key = await deps.sse.open(ctx, version.id, version.encryption, input);
    const body = await deps.bodies.read(await deps.objects.bodyOf(version), key, range);
    const result: WithStatus<GetObjectOutput> = { ...output, Body: body, TagCount: version.tags.length > 0 ? version.tags.length : undefined };
    return result;
  });
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html */
export function headObject(deps: S3Deps, ctx: RequestContext, input: HeadObjectRequest): Promise<HeadObjectOutput> {
  // A part's size (partNumber) is read after the version's row, as a GET's body is.
  return readAgainIfReplaced(async () => (await plan(deps, ctx, input, 'HEAD')).output);
}
