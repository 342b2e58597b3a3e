/**
 * ListParts and ListMultipartUploads: parts in part-number order, uploads by key then by
 * initiation (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html),
 * rolled up at a delimiter, paged by markers. The markers S3 always reports (empty when unset)
 * are always there; keys are URL-encoded form-style (`+` for a space) on request.
 */
import type {
  CommonPrefix, Initiator, ListMultipartUploadsOutput, ListMultipartUploadsRequest, ListPartsOutput, ListPartsRequest, MultipartUpload, Part,
} from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { requireBucket, type S3Deps } from '../context.js';
import { invalidArgument } from '../errors.js';
import { prefixEnd } from '../object-store.js';
import type { Upload, UploadCursor } from '../upload-store.js';
import { requireUpload } from './multipart.js';

const MAX_LISTED = 1000;

/** ListMultipartUploads' `encoding-type=url`: as an HTML form encodes (`+` for a space), `/` kept. */
function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+').replace(/%2F/g, '/');
}

function limitOf(value: number | undefined, name: string): number {
  if (value === undefined) return MAX_LISTED;
  if (value < 0) throw invalidArgument(`Argument ${name} must be an integer between 0 and 2147483647`, name, String(value));
  return Math.min(value, MAX_LISTED);
}

/** Who started an upload: an IAM principal by its ARN, an account root by its canonical id. */
async function initiatorOf(deps: S3Deps, upload: Upload): Promise<Initiator> {
  const { arn, accountId } = upload.initiator;
  if (arn === '' || arn.endsWith(':root')) return { ID: await deps.accounts.canonicalId(accountId || upload.ownerAccount) };
  return { ID: arn, DisplayName: arn.slice(arn.lastIndexOf('/') + 1) };
}

function checksumOfUpload(upload: Upload): Pick<ListPartsOutput, 'ChecksumAlgorithm' | 'ChecksumType'> {
  return upload.checksumAlgorithm ? { ChecksumAlgorithm: upload.checksumAlgorithm, ChecksumType: upload.checksumType } : {};
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html */
export async function listParts(deps: S3Deps, _ctx: RequestContext, input: ListPartsRequest): Promise<ListPartsOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const upload = await requireUpload(deps, bucket, input.Key, input.UploadId);
  const max = limitOf(input.MaxParts, 'max-parts');
  const marker = input.PartNumberMarker ?? 0;
  if (marker < 0) throw invalidArgument('Argument part-number-marker must be an integer between 0 and 2147483647', 'part-number-marker', String(marker));
  const rows = max === 0 ? [] : await deps.uploads.parts(upload.uploadId, marker, max + 1);
  const page = rows.slice(0, max);
  const algorithm = upload.checksumAlgorithm;
  const parts: Part[] = page.map((p) => ({
    PartNumber: p.partNumber, LastModified: p.lastModified, ETag: `"${p.etag}"`, Size: p.size,
    ...(algorithm && p.checksums[algorithm] ? { [`Checksum${algorithm}`]: p.checksums[algorithm] } : {}),
  }));
  return {
    Bucket: bucket.name, Key: upload.key, UploadId: upload.uploadId,
    PartNumberMarker: marker,
    NextPartNumberMarker: page.length > 0 ? page[page.length - 1]!.partNumber : marker,
    MaxParts: input.MaxParts ?? MAX_LISTED,
    IsTruncated: rows.length > max && max > 0,
    Parts: parts.length > 0 ? parts : undefined,
    Initiator: await initiatorOf(deps, upload),
    Owner: { ID: await deps.accounts.canonicalId(upload.ownerAccount) },
    StorageClass: upload.storageClass as ListPartsOutput['StorageClass'],
    ...checksumOfUpload(upload),
  };
}

type Entry = { kind: 'upload'; upload: Upload } | { kind: 'prefix'; prefix: string };

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html */
export async function listMultipartUploads(deps: S3Deps, _ctx: RequestContext, input: ListMultipartUploadsRequest): Promise<ListMultipartUploadsOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const prefix = input.Prefix ?? '';
  const delimiter = input.Delimiter || undefined;
  const max = limitOf(input.MaxUploads, 'max-uploads');
  const keyMarker = input.KeyMarker || undefined;
  // An upload-id marker means nothing without a key marker.
  const uploadIdMarker = keyMarker !== undefined ? input.UploadIdMarker || undefined : undefined;
  let cursor: UploadCursor = {};
  if (keyMarker !== undefined) {
    const marked = uploadIdMarker === undefined ? undefined : await deps.uploads.byId(uploadIdMarker);
    cursor = marked && marked.key === keyMarker && marked.bucket === bucket.name
      ? { afterKey: keyMarker, afterUpload: { initiated: marked.initiated.toISOString(), uploadId: marked.uploadId } }
      : { afterKey: keyMarker };
  }
  const end = prefixEnd(prefix);
  const entries: Entry[] = [];
  let truncated = false;
  collecting: while (max > 0) {
    const rows = await deps.uploads.list(bucket.name, prefix, end, cursor, MAX_LISTED);
    for (const upload of rows) {
      // Uploads left by a deleted bucket of the same name are not this bucket's.
      if (upload.initiated < bucket.createdAt) continue;
      const at = delimiter ? upload.key.indexOf(delimiter, prefix.length) : -1;
      if (at >= 0) {
        const common = upload.key.slice(0, at + delimiter!.length);
        if (!(keyMarker !== undefined && keyMarker.startsWith(common))) {
          if (entries.length >= max) { truncated = true; break collecting; }
          entries.push({ kind: 'prefix', prefix: common });
        }
        const next = prefixEnd(common);
        if (next === undefined) break collecting;
        // Skip everything under the prefix: resume at the first key after it.
        cursor = { fromKey: next };
        continue collecting;
      }
      if (entries.length >= max) { truncated = true; break collecting; }
      entries.push({ kind: 'upload', upload });
      cursor = { afterKey: upload.key, afterUpload: { initiated: upload.initiated.toISOString(), uploadId: upload.uploadId } };
    }
    if (rows.length < MAX_LISTED) break;
  }
  const encode = input.EncodingType === 'url' ? formEncode : (s: string) => s;
  const uploads: MultipartUpload[] = [];
  const prefixes: CommonPrefix[] = [];
  for (const e of entries) {
    if (e.kind === 'prefix') {
      prefixes.push({ Prefix: encode(e.prefix) });
      continue;
    }
    const u = e.upload;
    uploads.push({
      Key: encode(u.key), UploadId: u.uploadId, Initiator: await initiatorOf(deps, u),
      Owner: { ID: await deps.accounts.canonicalId(u.ownerAccount) },
      StorageClass: u.storageClass as MultipartUpload['StorageClass'], Initiated: u.initiated, ...checksumOfUpload(u),
    });
  }
  const last = entries[entries.length - 1];
  return {
    Bucket: bucket.name,
    KeyMarker: encode(keyMarker ?? ''),
    UploadIdMarker: uploadIdMarker ?? '',
    NextKeyMarker: last ? encode(last.kind === 'prefix' ? last.prefix : last.upload.key) : '',
    NextUploadIdMarker: last?.kind === 'upload' ? last.upload.uploadId : '',
    Prefix: encode(prefix),
    Delimiter: input.Delimiter === undefined ? undefined : encode(input.Delimiter),
    MaxUploads: input.MaxUploads === undefined ? MAX_LISTED : Math.min(input.MaxUploads, MAX_LISTED),
    IsTruncated: truncated,
    Uploads: uploads.length > 0 ? uploads : undefined,
    CommonPrefixes: prefixes.length > 0 ? prefixes : undefined,
    EncodingType: input.EncodingType,
  };
}
