/**
 * CORS for buckets (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html): checking a
 * configuration when it is put, answering a preflight `OPTIONS` from the bucket's rules, and the
 * headers an actual cross-origin request's response carries. Answers, headers and error texts are
 * S3's as recorded against the live service.
 */
import { AwsError } from '../../errors.js';
import type { CORSRule } from '../../generated/s3/shapes.js';
import { invalidRequest, malformedXmlError } from './errors.js';

const METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'DELETE']);
const MAX_RULES = 100;
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/** Checks a configuration as PutBucketCors does. */
export function checkCorsRules(rules: CORSRule[]): void {
  if (rules.length === 0 || rules.length > MAX_RULES) throw malformedXmlError();
  for (const rule of rules) {
    if (rule.AllowedMethods.length === 0 || rule.AllowedOrigins.length === 0) throw malformedXmlError();
    for (const method of rule.AllowedMethods) {
      if (!METHODS.has(method)) throw invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${method}`);
    }
  }
}

/** `*` matches any run of characters (at most one per pattern, as S3 allows). */
function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const v = caseInsensitive ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

/** The first rule allowing `origin` to use `method` with `headers` (lower-case names). */
export function matchRule(rules: CORSRule[], origin: string, method: string, headers: string[] = []): CORSRule | undefined {
  return rules.find((rule) => rule.AllowedOrigins.some((o) => wildcardMatch(o, origin))
    && rule.AllowedMethods.includes(method)
    && headers.every((h) => (rule.AllowedHeaders ?? []).some((a) => wildcardMatch(a, h, true))));
}

/** The Access-Control-* headers of a response under `rule` for `origin`. */
function allowHeaders(rule: CORSRule, origin: string): Record<string, string> {
  const anyOrigin = rule.AllowedOrigins.includes('*');
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': anyOrigin ? '*' : origin,
    'Access-Control-Allow-Methods': rule.AllowedMethods.join(', '),
    Vary: VARY,
  };
  if (!anyOrigin) headers['Access-Control-Allow-Credentials'] = 'true';
  if (rule.MaxAgeSeconds !== undefined) headers['Access-Control-Max-Age'] = String(rule.MaxAgeSeconds);
  if (rule.ExposeHeaders && rule.ExposeHeaders.length > 0) headers['Access-Control-Expose-Headers'] = rule.ExposeHeaders.join(', ');
  return headers;
}

/** A preflight request: the bucket's rules (undefined: bucket or configuration missing) and the request headers. */
export interface PreflightRequest {
  /** false when the bucket does not exist. */
  bucketExists: boolean;
  rules: CORSRule[] | undefined;
  /** OBJECT when the request names a key, BUCKET otherwise. */
  resourceType: 'OBJECT' | 'BUCKET';
  origin?: string;
  requestMethod?: string;
  /** `Access-Control-Request-Headers`, as sent. */
  requestHeaders?: string;
}

function forbidden(message: string, method: string, resourceType: string): AwsError {
  return new AwsError('AccessForbidden', `CORSResponse: ${message}`, { status: 403, fields: { Method: method, ResourceType: resourceType } });
}

/**
 * The answer to an `OPTIONS` preflight: the headers of a 200 with an empty body, or S3's error
 * (400 BadRequest without an Origin, 403 AccessForbidden when no rule allows the request).
 */
export function preflight(req: PreflightRequest): Record<string, string> {
  if (!req.origin) throw new AwsError('BadRequest', 'Insufficient information. Origin request header needed.', { status: 400 });
  const method = req.requestMethod ?? 'OPTIONS';
  if (!req.bucketExists) throw forbidden('Bucket not found', method, req.resourceType);
  if (!req.rules) throw forbidden('CORS is not enabled for this bucket.', method, req.resourceType);
  const requested = (req.requestHeaders ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  const rule = req.requestMethod ? matchRule(req.rules, req.origin, req.requestMethod, requested) : undefined;
  if (!rule) {
    throw forbidden("This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.", method, req.resourceType);
  }
  const headers = allowHeaders(rule, req.origin);
  if (requested.length > 0) headers['Access-Control-Allow-Headers'] = requested.join(', ');
  return headers;
}

/** The CORS headers S3 adds to an actual request's response when a rule allows its origin and method; none otherwise. */
export function responseCorsHeaders(rules: CORSRule[] | undefined, origin: string | undefined, method: string): Record<string, string> {
  if (!rules || !origin) return {};
  const rule = matchRule(rules, origin, method);
  return rule ? allowHeaders(rule, origin) : {};
}
