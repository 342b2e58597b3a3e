/**
 * Small pieces every IAM operation shares: ARNs, names, the Marker/MaxItems pagination and the
 * URL-encoded policy documents of IAM's responses.
 */
import type { RequestContext } from '../../server/context.js';
import { iamErrors } from './errors.js';

/** IAM is global: ARNs carry no region. `path` begins and ends with `/`. */
export function iamArn(accountId: string, type: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:${type}${path}${name}`;
}

/** IAM names (users, groups, roles, policies) are unique regardless of case. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/** The account a request acts on. IAM has no cross-account API: always the caller's own. */
export function accountOf(ctx: RequestContext): string {
  return ctx.accountId;
}

/**
 * IAM returns policy documents URL-encoded (RFC 3986); botocore and the CLIs decode them back
 * into JSON objects.
 */
export function encodeDocument(document: string): string {
  return encodeURIComponent(document);
}

export interface PageInput {
  Marker?: string;
  MaxItems?: number;
}

export interface Page<T> {
  items: T[];
  IsTruncated: boolean;
  Marker?: string;
}

/** IAM's default page size when MaxItems is absent. */
const DEFAULT_MAX_ITEMS = 100;

/**
 * One page of an already ordered list. The marker is opaque to clients: here it encodes the
 * offset of the next item, which is stable because every list is ordered by a unique key.
 */
export function paginate<T>(all: T[], input: PageInput): Page<T> {
  let start = 0;
  if (input.Marker !== undefined) {
    const m = /^o:(\d{1,9})$/.exec(Buffer.from(input.Marker, 'base64url').toString('utf8'));
    if (!m) throw iamErrors.invalidMarker();
    start = Number(m[1]);
  }
  const size = input.MaxItems ?? DEFAULT_MAX_ITEMS;
  const items = all.slice(start, start + size);
  const next = start + items.length;
  if (next < all.length) return { items, IsTruncated: true, Marker: Buffer.from(`o:${next}`).toString('base64url') };
  return { items, IsTruncated: false };
}

/** Whether an entity's path is under `prefix` (ListUsers, ListRoles ... PathPrefix). */
export function underPath(path: string, prefix: string | undefined): boolean {
  return prefix === undefined || path.startsWith(prefix);
}

/** Orders rows by their name, case-insensitively as IAM lists them. */
export function byName<T>(name: (row: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = name(a).toLowerCase();
    const y = name(b).toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/** `new Date(iso)`, or undefined for a null column. */
export function dateOf(value: string | null | undefined): Date | undefined {
  return value ? new Date(value) : undefined;
}
