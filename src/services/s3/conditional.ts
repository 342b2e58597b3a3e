/**
 * Conditional requests and ranges as S3 evaluates them (RFC 9110 sections 13 and 14, with S3's
 * documented precedence, https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html and
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html).
 */
import { invalidRange, notImplementedError, notModified, noSuchKey, preconditionFailed } from './errors.js';
import type { ObjectVersion } from './object-store.js';

export interface ReadConditions {
  IfMatch?: string;
  IfNoneMatch?: string;
  IfModifiedSince?: Date;
  IfUnmodifiedSince?: Date;
}

/** Whether an If-Match / If-None-Match list names `etag` (quotes optional, `*` matches any). */
export function etagMatches(list: string, etag: string): boolean {
  return list.split(',').map((s) => s.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1')).some((t) => t === '*' || t === etag);
}

/** HTTP dates have whole seconds: a version modified within the second is "not modified since" it. */
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/**
 * Evaluates the read preconditions in S3's order: If-Match (which, when it holds, overrides
 * If-Unmodified-Since), If-Unmodified-Since, If-None-Match (which, when it holds, overrides
 * If-Modified-Since), If-Modified-Since (ignored when in the future, as HTTP says). A failed
 * If-Match / If-Unmodified-Since is 412; a failed If-None-Match / If-Modified-Since is 304 for a
 * read, and 412 for a copy source (`copy` names the headers `x-amz-copy-source-If-*`).
 */
export function checkReadConditions(c: ReadConditions, version: ObjectVersion, now: Date, copy = false): void {
  const name = (header: string) => (copy ? `x-amz-copy-source-${header}` : header);
  const validators = { ETag: `"${version.etag}"`, 'Last-Modified': version.lastModified.toUTCString() };
  const modified = seconds(version.lastModified);
  if (c.IfMatch !== undefined) {
    if (!etagMatches(c.IfMatch, version.etag)) throw preconditionFailed(name('If-Match'));
  } else if (c.IfUnmodifiedSince !== undefined && modified > seconds(c.IfUnmodifiedSince)) {
    throw preconditionFailed(name('If-Unmodified-Since'));
  }
  const refuse = (header: string) => (copy ? preconditionFailed(name(header)) : notModified(validators));
  if (c.IfNoneMatch !== undefined) {
    if (etagMatches(c.IfNoneMatch, version.etag)) throw refuse('If-None-Match');
  } else if (c.IfModifiedSince !== undefined && c.IfModifiedSince <= now && modified <= seconds(c.IfModifiedSince)) {
    throw refuse('If-Modified-Since');
  }
}

/**
 * The check a conditional write (PutObject, CopyObject destination) makes against the key's
 * current version, run again inside the committing transaction. `If-None-Match: *` refuses an
 * existing object; `If-Match` needs the current object to have that ETag (NoSuchKey if none).
 */
export function writeCondition(ifMatch: string | undefined, ifNoneMatch: string | undefined, key: string): ((current: ObjectVersion | undefined) => void) | undefined {
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    const err = notImplementedError('If-None-Match');
    err.fields.additionalMessage = "We don't accept the provided value of If-None-Match header for this API";
    throw err;
  }
  if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
  return (current) => {
    const live = current && !current.deleteMarker ? current : undefined;
    if (ifNoneMatch !== undefined && live) throw preconditionFailed('If-None-Match');
    if (ifMatch !== undefined) {
      if (!live) throw noSuchKey(key);
      if (!etagMatches(ifMatch, live.etag)) throw preconditionFailed('If-Match');
    }
  };
}

/** A satisfiable byte range of an object, inclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The range a `Range` header asks of an object of `size` bytes: undefined for none (or one S3
 * ignores: not `bytes=`, several ranges, not numbers), InvalidRange (416) when it starts past the
 * end. `bytes=a-b` (b clamped to the end), `bytes=a-`, `bytes=-n` (the last n bytes).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const [first, last] = [m[1]!, m[2]!];
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw invalidRange(header, size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) throw invalidRange(header, size);
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
