/**
 * Object metadata: the Content-* headers, Cache-Control, Expires, website redirect and
 * `x-amz-meta-*` a write stores, and the response members a read gives back (with the
 * `response-*` overrides of GetObject).
 */
import { AwsError } from '../../errors.js';
import type { ObjectMetadata } from './object-store.js';

/** User metadata is limited to 2 KB (names and values, UTF-8). */
const MAX_USER_METADATA = 2048;
/** What S3 answers in Content-Type for an object stored without one. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

export interface MetadataRequest {
  ContentType?: string;
  ContentEncoding?: string;
  ContentDisposition?: string;
  ContentLanguage?: string;
  CacheControl?: string;
  Expires?: Date;
  WebsiteRedirectLocation?: string;
  Metadata?: Record<string, string>;
}

export interface MetadataMembers {
  ContentType?: string;
  ContentEncoding?: string;
  ContentDisposition?: string;
  ContentLanguage?: string;
  CacheControl?: string;
  Expires?: Date;
  WebsiteRedirectLocation?: string;
  Metadata?: Record<string, string>;
}

/** The metadata a write stores; MetadataTooLarge past 2 KB of user metadata. */
export function metadataFrom(req: MetadataRequest): ObjectMetadata {
  const user = Object.fromEntries(Object.entries(req.Metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const size = Object.entries(user).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > MAX_USER_METADATA) {
    throw new AwsError('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size', {
      status: 400, fields: { Size: String(size), MaxSizeAllowed: String(MAX_USER_METADATA) },
    });
  }
  return {
    contentType: req.ContentType ?? DEFAULT_CONTENT_TYPE,
    contentEncoding: req.ContentEncoding,
    contentDisposition: req.ContentDisposition,
    contentLanguage: req.ContentLanguage,
    cacheControl: req.CacheControl,
    expires: req.Expires?.toISOString(),
    websiteRedirectLocation: req.WebsiteRedirectLocation,
    user,
  };
}

/** The `response-*` query overrides of GetObject / HeadObject. */
export interface ResponseOverrides {
  ResponseCacheControl?: string;
  ResponseContentDisposition?: string;
  ResponseContentEncoding?: string;
  ResponseContentLanguage?: string;
  ResponseContentType?: string;
  ResponseExpires?: Date;
}

/** The response members for stored metadata, with any `response-*` overrides applied. */
export function metadataMembers(m: ObjectMetadata, o: ResponseOverrides = {}): MetadataMembers {
  const expires = o.ResponseExpires ?? (m.expires ? new Date(m.expires) : undefined);
  return {
    ContentType: o.ResponseContentType ?? m.contentType,
    ContentEncoding: o.ResponseContentEncoding ?? m.contentEncoding,
    ContentDisposition: o.ResponseContentDisposition ?? m.contentDisposition,
    ContentLanguage: o.ResponseContentLanguage ?? m.contentLanguage,
    CacheControl: o.ResponseCacheControl ?? m.cacheControl,
    Expires: expires,
    WebsiteRedirectLocation: m.websiteRedirectLocation,
    Metadata: m.user,
  };
}
