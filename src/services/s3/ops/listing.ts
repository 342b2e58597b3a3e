/**
 * ListObjects (v1), ListObjectsV2 and ListObjectVersions: keys in UTF-8 byte order, rolled up into
 * common prefixes at the delimiter, paged by marker or continuation token, URL-encoded on request
 * (botocore always asks for `encoding-type=url` and decodes what comes back).
 */
import type {
  CommonPrefix, DeleteMarkerEntry, ListObjectsOutput, ListObjectsRequest, ListObjectsV2Output, ListObjectsV2Request,
  ListObjectVersionsOutput, ListObjectVersionsRequest, Object_, ObjectVersion as WireVersion, Owner,
} from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { invalidArgument } from '../errors.js';
import { checkVersionId } from '../names.js';
import { prefixEnd, type ListCursor, type ObjectVersion } from '../object-store.js';
import { quoteEtag, requireBucket, type S3Deps } from '../context.js';

const DEFAULT_MAX_KEYS = 1000;
/** Rows read per query while collecting a page (common prefixes may swallow many). */
const BATCH = 1000;

/** Python's `quote(s, safe='/')`, which is how S3 encodes keys for `encoding-type=url`. */
export function urlEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()).replace(/%2F/g, '/');
}

function maxKeysOf(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_KEYS;
  if (value < 0) throw invalidArgument('Argument maxKeys must be an integer between 0 and 2147483647', 'maxKeys', String(value));
  return Math.min(value, DEFAULT_MAX_KEYS);
}

type Entry = { kind: 'version'; version: ObjectVersion } | { kind: 'prefix'; prefix: string };

interface Page {
  entries: Entry[];
  truncated: boolean;
}

/** Rows in listing order: `read` continues after the last row it returned; `skipTo` jumps ahead. */
interface RowSource {
  read(limit: number): Promise<ObjectVersion[]>;
  skipTo(from: string): void;
}

/**
 * One page of entries: rows rolled up at `delimiter` into common prefixes, each prefix counting
 * once towards `max`. `skipPrefix` names prefixes a marker already passed (they are not repeated).
 */
async function collect(prefix: string, delimiter: string | undefined, max: number, source: RowSource, skipPrefix: (p: string) => boolean): Promise<Page> {
  const entries: Entry[] = [];
  for (;;) {
    const rows = await source.read(BATCH);
    let jumped = false;
    for (const version of rows) {
      const at = delimiter ? version.key.indexOf(delimiter, prefix.length) : -1;
      if (at >= 0) {
        const common = version.key.slice(0, at + delimiter!.length);
        if (!skipPrefix(common)) {
          if (entries.length >= max) return { entries, truncated: true };
          entries.push({ kind: 'prefix', prefix: common });
        }
        // Everything under the prefix rolls up into it: continue after it.
        const next = prefixEnd(common);
        if (next === undefined) return { entries, truncated: false };
        source.skipTo(next);
        jumped = true;
        break;
      }
      if (entries.length >= max) return { entries, truncated: true };
      entries.push({ kind: 'version', version });
    }
    if (!jumped && rows.length < BATCH) return { entries, truncated: false };
  }
}

/** Current versions of a bucket under `prefix`, from `start`. */
function currentRows(deps: S3Deps, bucket: string, prefix: string, start: ListCursor): RowSource {
  let cursor = start;
  return {
    async read(limit) {
      const rows = await deps.objects.listCurrent(bucket, prefix, cursor, limit);
      const last = rows[rows.length - 1];
      if (last) cursor = { after: last.key };
      return rows;
    },
    skipTo(from) {
      cursor = { from };
    },
  };
}

async function ownerOf(deps: S3Deps, accountId: string): Promise<Owner> {
  return { ID: await deps.accounts.canonicalId(accountId) };
}

async function toWireObject(deps: S3Deps, v: ObjectVersion, withOwner: boolean, encode: (s: string) => string): Promise<Object_> {
  return {
    Key: encode(v.key),
    LastModified: v.lastModified,
    ETag: quoteEtag(v.etag),
    ChecksumAlgorithm: v.checksum ? [v.checksum.algorithm] : undefined,
    ChecksumType: v.checksum?.type,
    Size: v.size,
    StorageClass: v.storageClass as Object_['StorageClass'],
    Owner: withOwner ? await ownerOf(deps, v.ownerAccount) : undefined,
  };
}

function prefixes(entries: Entry[], encode: (s: string) => string): CommonPrefix[] | undefined {
  const list = entries.flatMap((e) => (e.kind === 'prefix' ? [{ Prefix: encode(e.prefix) }] : []));
  return list.length > 0 ? list : undefined;
}

function encoder(type: string | undefined): (s: string) => string {
  return type === 'url' ? urlEncode : (s) => s;
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html */
export async function listObjects(deps: S3Deps, _ctx: RequestContext, input: ListObjectsRequest): Promise<ListObjectsOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const prefix = input.Prefix ?? '';
  const max = maxKeysOf(input.MaxKeys);
  const marker = input.Marker;
  const delimiter = input.Delimiter || undefined;
  // A marker inside a common prefix (NextMarker is one) resumes after everything under it.
  const page = await collect(prefix, delimiter, max, currentRows(deps, bucket.name, prefix, marker ? { after: marker } : {}),
    (p) => marker !== undefined && marker.startsWith(p));
  const encode = encoder(input.EncodingType);
  const last = page.entries[page.entries.length - 1];
  return {
    IsTruncated: page.truncated,
    Marker: encode(marker ?? ''),
    NextMarker: page.truncated && delimiter && last ? encode(last.kind === 'prefix' ? last.prefix : last.version.key) : undefined,
    Contents: await Promise.all(page.entries.flatMap((e) => (e.kind === 'version' ? [toWireObject(deps, e.version, true, encode)] : []))),
    Name: bucket.name,
    Prefix: encode(prefix),
    Delimiter: input.Delimiter === undefined ? undefined : encode(input.Delimiter),
    MaxKeys: input.MaxKeys ?? DEFAULT_MAX_KEYS,
    CommonPrefixes: prefixes(page.entries, encode),
    EncodingType: input.EncodingType,
  };
}

/** V2 continuation tokens: where to resume, opaque to clients. */
function encodeToken(last: Entry): string {
  return Buffer.from(last.kind === 'prefix' ? `p:${last.prefix}` : `k:${last.version.key}`, 'utf8').toString('base64url');
}

function decodeToken(token: string): ListCursor {
  const text = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  if (text.startsWith('k:')) return { after: text.slice(2) };
  if (text.startsWith('p:')) {
    const next = prefixEnd(text.slice(2));
    if (next !== undefined) return { from: next };
  }
  throw invalidArgument('The continuation token provided is incorrect', 'continuation-token');
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html */
export async function listObjectsV2(deps: S3Deps, _ctx: RequestContext, input: ListObjectsV2Request): Promise<ListObjectsV2Output> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const prefix = input.Prefix ?? '';
  const max = maxKeysOf(input.MaxKeys);
  const delimiter = input.Delimiter || undefined;
  let start: ListCursor = {};
  if (input.ContinuationToken !== undefined) start = decodeToken(input.ContinuationToken);
  else if (input.StartAfter) start = { after: input.StartAfter };
  const startAfter = input.StartAfter;
  const page = await collect(prefix, delimiter, max, currentRows(deps, bucket.name, prefix, start),
    (p) => input.ContinuationToken === undefined && startAfter !== undefined && startAfter.startsWith(p));
  const encode = encoder(input.EncodingType);
  const last = page.entries[page.entries.length - 1];
  return {
    IsTruncated: page.truncated,
    Contents: await Promise.all(page.entries.flatMap((e) => (e.kind === 'version' ? [toWireObject(deps, e.version, input.FetchOwner === true, encode)] : []))),
    Name: bucket.name,
    Prefix: encode(prefix),
    Delimiter: input.Delimiter === undefined ? undefined : encode(input.Delimiter),
    MaxKeys: input.MaxKeys ?? DEFAULT_MAX_KEYS,
    CommonPrefixes: prefixes(page.entries, encode),
    EncodingType: input.EncodingType,
    KeyCount: page.entries.length,
    ContinuationToken: input.ContinuationToken,
    NextContinuationToken: page.truncated && last ? encodeToken(last) : undefined,
    StartAfter: startAfter === undefined ? undefined : encode(startAfter),
  };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html */
export async function listObjectVersions(deps: S3Deps, _ctx: RequestContext, input: ListObjectVersionsRequest): Promise<ListObjectVersionsOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const prefix = input.Prefix ?? '';
  const max = maxKeysOf(input.MaxKeys);
  const delimiter = input.Delimiter || undefined;
  const keyMarker = input.KeyMarker || undefined;
  const versionMarker = input.VersionIdMarker || undefined;
  if (versionMarker !== undefined && keyMarker === undefined) {
    throw invalidArgument('A version-id marker cannot be specified without a key marker.', 'version-id-marker', versionMarker);
  }
  let afterSeq: number | undefined;
  if (versionMarker !== undefined) {
    checkVersionId(versionMarker);
    const marked = await deps.objects.byVersion(bucket.name, keyMarker!, versionMarker);
    if (!marked) throw invalidArgument('Invalid version id specified', 'version-id-marker', versionMarker);
    afterSeq = marked.seq;
  }
  // Versions page within a key: the cursor is the last (key, seq) read.
  let cursor: ListCursor & { afterSeq?: number } = keyMarker === undefined ? {} : { after: keyMarker, afterSeq };
  const source: RowSource = {
    async read(limit) {
      const rows = await deps.objects.listVersions(bucket.name, prefix, cursor, limit);
      const last = rows[rows.length - 1];
      if (last) cursor = { after: last.key, afterSeq: last.seq };
      return rows;
    },
    skipTo(from) {
      cursor = { from };
    },
  };
  const page = await collect(prefix, delimiter, max, source, (p) => keyMarker !== undefined && keyMarker.startsWith(p));
  const encode = encoder(input.EncodingType);
  const versions: WireVersion[] = [];
  const markers: DeleteMarkerEntry[] = [];
  for (const e of page.entries) {
    if (e.kind !== 'version') continue;
    const v = e.version;
    const owner = await ownerOf(deps, v.ownerAccount);
    if (v.deleteMarker) {
      markers.push({ Owner: owner, Key: encode(v.key), VersionId: v.versionId, IsLatest: v.isLatest, LastModified: v.lastModified });
    } else {
      versions.push({
        ETag: quoteEtag(v.etag), ChecksumAlgorithm: v.checksum ? [v.checksum.algorithm] : undefined, ChecksumType: v.checksum?.type,
        Size: v.size, StorageClass: v.storageClass as WireVersion['StorageClass'], Key: encode(v.key), VersionId: v.versionId,
        IsLatest: v.isLatest, LastModified: v.lastModified, Owner: owner,
      });
    }
  }
  const last = page.entries[page.entries.length - 1];
  return {
    IsTruncated: page.truncated,
    KeyMarker: encode(keyMarker ?? ''),
    VersionIdMarker: versionMarker ?? '',
    NextKeyMarker: page.truncated && last ? encode(last.kind === 'prefix' ? last.prefix : last.version.key) : undefined,
    NextVersionIdMarker: page.truncated && last?.kind === 'version' ? last.version.versionId : undefined,
    Versions: versions.length > 0 ? versions : undefined,
    DeleteMarkers: markers.length > 0 ? markers : undefined,
    Name: bucket.name,
    Prefix: encode(prefix),
    Delimiter: input.Delimiter === undefined ? undefined : encode(input.Delimiter),
    MaxKeys: input.MaxKeys ?? DEFAULT_MAX_KEYS,
    CommonPrefixes: prefixes(page.entries, encode),
    EncodingType: input.EncodingType,
  };
}
