/**
 * KMS list pagination (Limit / Marker / NextMarker / Truncated). A marker is opaque to clients: here
 * it is the base64 of the sort key of the last item returned, so a page never repeats or skips an
 * item that existed when it was read.
 */
import { invalidMarker } from './errors.js';

const PREFIX = 'coffer:';

export function encodeMarker(sortKey: string): string {
  return Buffer.from(PREFIX + sortKey, 'utf8').toString('base64');
}

/** The sort key a marker carries; InvalidMarkerException for anything we did not issue. */
export function decodeMarker(marker: string | undefined): string | undefined {
  if (marker === undefined) return undefined;
  const text = Buffer.from(marker, 'base64').toString('utf8');
  if (!text.startsWith(PREFIX) || Buffer.from(text, 'utf8').toString('base64') !== marker) throw invalidMarker();
  return text.slice(PREFIX.length);
}

/** One page of items sorted by `sortKey`, after the marker's item. */
export function paginate<T>(items: T[], sortKey: (item: T) => string, marker: string | undefined, limit: number):
  { page: T[]; NextMarker?: string; Truncated: boolean } {
  const after = decodeMarker(marker);
  const rest = after === undefined ? items : items.filter((i) => sortKey(i) > after);
  const page = rest.slice(0, limit);
  if (rest.length <= limit) return { page, Truncated: false };
  return { page, NextMarker: encodeMarker(sortKey(page[page.length - 1]!)), Truncated: true };
}
