/**
 * The source of CopyObject and UploadPartCopy (`x-amz-copy-source`): parsed, its bucket and version
 * looked up and its `x-amz-copy-source-if-*` conditions checked, the same way for both. Reading it
 * is authorized as s3:GetObject (or s3:GetObjectVersion) on it, under its own bucket's policy
 * (actions.ts).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 */
import type { Bucket } from './bucket-store.js';
import { checkReadConditions } from './conditional.js';
import { requireBucket, type S3Deps } from './context.js';
import { invalidArgument, invalidRequest, noSuchKey, noSuchVersion } from './errors.js';
import { checkVersionId } from './names.js';
import type { ObjectVersion } from './object-store.js';

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=id]`, URL-encoded. */
export interface CopySource {
  bucket: string;
  key: string;
  versionId?: string;
}

/** Parses `x-amz-copy-source`; InvalidArgument as S3 words it when there is no bucket and key. */
export function parseCopySource(header: string): CopySource {
  const invalid = () => invalidArgument('Invalid copy source object key', 'x-amz-copy-source', 'x-amz-copy-source');
  const q = header.indexOf('?');
  const path = q < 0 ? header : header.slice(0, q);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/^\//, ''));
  } catch {
    throw invalid();
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw invalid();
  const params = new URLSearchParams(q < 0 ? '' : header.slice(q + 1));
  const versionId = params.get('versionId') ?? undefined;
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/** The version a copy reads: as GetObject, except a delete marker named by id is InvalidRequest. */
async function sourceVersion(deps: S3Deps, bucket: Bucket, source: CopySource): Promise<ObjectVersion> {
  if (source.versionId === undefined) {
    const current = await deps.objects.latest(bucket.name, source.key);
    if (!current || current.deleteMarker) throw noSuchKey(source.key);
    return current;
  }
  checkVersionId(source.versionId);
  const version = await deps.objects.byVersion(bucket.name, source.key, source.versionId);
  if (!version) throw noSuchVersion(source.key, source.versionId);
  if (version.deleteMarker) throw invalidRequest('The source of a copy request may not specifically refer to a delete marker by version id.');
  return version;
}

/** The copy-source members CopyObject and UploadPartCopy share. */
export interface CopySourceRequest {
  CopySource: string;
  ExpectedSourceBucketOwner?: string;
  CopySourceIfMatch?: string;
  CopySourceIfNoneMatch?: string;
  CopySourceIfModifiedSince?: Date;
  CopySourceIfUnmodifiedSince?: Date;
}

/** The source a copy request names: its bucket and version, its conditions met (else 304/412 as S3). */
export async function readCopySource(deps: S3Deps, input: CopySourceRequest): Promise<{ bucket: Bucket; version: ObjectVersion }> {
  const source = parseCopySource(input.CopySource);
  const bucket = await requireBucket(deps, source.bucket, input.ExpectedSourceBucketOwner);
  const version = await sourceVersion(deps, bucket, source);
  checkReadConditions({
    IfMatch: input.CopySourceIfMatch, IfNoneMatch: input.CopySourceIfNoneMatch,
    IfModifiedSince: input.CopySourceIfModifiedSince, IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince,
  }, version, deps.clock.now(), true);
  return { bucket, version };
}
