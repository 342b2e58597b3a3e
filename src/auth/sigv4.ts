import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { authErrors, formatAmzDate } from './auth-errors.js';

/** The parts of a request SigV4 signs, as they came off the wire. */
export interface SignedRequestParts {
  method: string;
  /** Still percent-encoded, without the query string. */
  rawPath: string;
  /** Without the leading `?`. */
  rawQuery: string;
  /** Lower-cased names; a repeated header's values joined with ','. */
  headers: Record<string, string>;
}

/** A request's SigV4 credentials, parsed but not yet verified. */
export interface SigV4Auth {
  kind: 'header' | 'presigned';
  accessKeyId: string;
  sessionToken?: string;
  /** `20150830T123600Z` */
  amzDate: string;
  /** The credential scope: `date/region/service/aws4_request`. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /**
   * Header auth: the x-amz-content-sha256 value if sent. Presigned: X-Amz-Content-Sha256 from the
   * query or the header if sent, else UNSIGNED-PAYLOAD for S3 (as S3 presigners sign it) and
   * undefined elsewhere: botocore and the JS SDK presign other services over the body's SHA-256.
   */
  contentSha256?: string;
  /** Presigned: X-Amz-Expires, in seconds. */
  expires?: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60_000;
const MAX_EXPIRES = 604_800;
const QUERY_AUTH_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'];

/**
 * Finds SigV4 credentials in the Authorization header or the query string. Returns null when the
 * request carries none (anonymous); throws AuthError when they are there but malformed, or are
 * another mechanism (SigV2, SigV4a).
 */
export function parseSigV4(req: SignedRequestParts): SigV4Auth | null {
  const authorization = req.headers['authorization'];
  const query = parseQuery(req.rawQuery);
  const presigned = query.has('X-Amz-Algorithm') || query.has('X-Amz-Credential') || query.has('X-Amz-Signature');
  if (authorization !== undefined && presigned) throw authErrors.bothMechanisms();
  if (authorization !== undefined) return parseHeaderAuth(req, authorization);
  if (presigned) return parseQueryAuth(req, query);
  // A SigV2 presigned URL.
  if (query.has('AWSAccessKeyId') && query.has('Signature')) throw authErrors.unsupportedMechanism();
  return null;
}

function parseHeaderAuth(req: SignedRequestParts, authorization: string): SigV4Auth {
  const space = authorization.indexOf(' ');
  if ((space < 0 ? authorization : authorization.slice(0, space)) !== ALGORITHM) throw authErrors.unsupportedMechanism();
  const components = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(',')) {
    const component = part.trim();
    if (component === '') continue;
    const eq = component.indexOf('=');
    if (eq < 0) throw authErrors.malformedComponent(component);
    components.set(component.slice(0, eq).trim(), component.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !components.get(name));
  if (missing.length > 0) throw authErrors.missingComponents(missing);

  const amzDate = headerDate(req.headers);
  const scope = parseCredential(components.get('Credential')!, amzDate, false);
  return {
    kind: 'header',
    ...scope,
    sessionToken: req.headers['x-amz-security-token'],
    amzDate,
    signedHeaders: parseSignedHeaders(components.get('SignedHeaders')!, false),
    signature: components.get('Signature')!,
    contentSha256: req.headers['x-amz-content-sha256'],
  };
}

/** X-Amz-Date, else Date (RFC 1123) in SigV4's form; clients sign whichever they send. */
function headerDate(headers: Record<string, string>): string {
  const amzDate = headers['x-amz-date'];
  if (amzDate !== undefined) {
    if (parseAmzDate(amzDate) === undefined) throw authErrors.missingDate(amzDate);
    return amzDate;
  }
  const date = headers['date'];
  if (date === undefined) throw authErrors.missingDate();
  const ms = Date.parse(date);
  if (Number.isNaN(ms)) throw authErrors.missingDate(date);
  return formatAmzDate(ms);
}

function parseQueryAuth(req: SignedRequestParts, query: Map<string, string[]>): SigV4Auth {
  const value = (name: string): string => query.get(name)![0];
  // A repeated auth parameter would let the signed and the checked values differ.
  if (QUERY_AUTH_PARAMS.some((name) => query.get(name)?.length !== 1)) throw authErrors.missingQueryParameters();
  if (value('X-Amz-Algorithm') !== ALGORITHM) throw authErrors.unsupportedQueryAlgorithm();
  const amzDate = value('X-Amz-Date');
  if (parseAmzDate(amzDate) === undefined) throw authErrors.malformedQueryDate();
  const expiresText = value('X-Amz-Expires');
  if (!/^-?\d{1,15}$/.test(expiresText)) throw authErrors.invalidExpires('number');
  const expires = Number(expiresText);
  if (expires < 0) throw authErrors.invalidExpires('negative');
  if (expires > MAX_EXPIRES) throw authErrors.invalidExpires('too-large');
  const scope = parseCredential(value('X-Amz-Credential'), amzDate, true);
  return {
    kind: 'presigned',
    ...scope,
    sessionToken: query.get('X-Amz-Security-Token')?.[0] ?? req.headers['x-amz-security-token'],
    amzDate,
    signedHeaders: parseSignedHeaders(value('X-Amz-SignedHeaders'), true),
    signature: value('X-Amz-Signature'),
    contentSha256: query.get('X-Amz-Content-Sha256')?.[0] ?? req.headers['x-amz-content-sha256']
      ?? (scope.service === 's3' ? 'UNSIGNED-PAYLOAD' : undefined),
    expires,
  };
}

/** `AKID/20150830/us-east-1/service/aws4_request`; its date must be the request's. */
function parseCredential(credential: string, amzDate: string, presigned: boolean) {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.slice(0, 4).some((part) => part === '')) throw authErrors.malformedCredential(presigned);
  const [accessKeyId, date, region, service, terminal] = parts;
  if (terminal !== 'aws4_request') throw authErrors.invalidTerminal(terminal, presigned);
  if (date !== amzDate.slice(0, 8)) throw authErrors.credentialDateMismatch(date, amzDate, presigned);
  return { accessKeyId, date, region, service };
}

function parseSignedHeaders(list: string, presigned: boolean): string[] {
  const names = list.split(';');
  // Host binds the signature to this endpoint; AWS refuses signatures that leave it out.
  if (!names.includes('host')) throw authErrors.hostNotSigned(presigned);
  return names;
}

/**
 * Checks the time and the signature. Header auth may be 15 minutes off the server's clock
 * (RequestTimeTooSkewed); a presigned URL is good from X-Amz-Date (give or take the same 15
 * minutes) until X-Amz-Date + X-Amz-Expires (PresignedExpired). `payloadHash` is what the client
 * signed: the body's hex SHA-256, UNSIGNED-PAYLOAD or a STREAMING-* literal. Returns the signing
 * key and the verified signature, the seed of aws-chunked chunk signatures.
 */
export function verifySigV4(
  req: SignedRequestParts, auth: SigV4Auth, secretAccessKey: string, payloadHash: string, now: Date,
): { signingKey: Buffer; signature: string } {
  checkTime(auth, now.getTime());
  const key = signingKey(secretAccessKey, auth.date, auth.region, auth.service, auth.accessKeyId);
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const opts = { presigned: auth.kind === 'presigned', service: auth.service };
  // S3 signs the path as sent. A client that signed AWS's canonical encoding of the same path
  // but sent it spelled differently (`!` for `%21`, `%7e` for `~`) is accepted too, as MinIO
  // does: both spellings name the same key, so this widens nothing an attacker could use.
  const paths = [req.rawPath];
  const reencoded = auth.service === 's3' ? s3ReencodedPath(req.rawPath) : req.rawPath;
  if (reencoded !== req.rawPath) paths.push(reencoded);
  let firstStringToSign = '';
  for (const rawPath of paths) {
    const sts = stringToSign(auth.amzDate, scope, canonicalRequest({ ...req, rawPath }, auth.signedHeaders, payloadHash, opts));
    firstStringToSign ||= sts;
    const signature = hmacHex(key, sts);
    if (hexEqual(signature, auth.signature)) return { signingKey: key, signature };
  }
  throw authErrors.signatureMismatch(auth.accessKeyId, firstStringToSign, auth.signature);
}

function checkTime(auth: SigV4Auth, nowMs: number): void {
  const requestMs = parseAmzDate(auth.amzDate);
  if (requestMs === undefined) throw authErrors.missingDate(auth.amzDate);
  if (auth.kind === 'header') {
    if (Math.abs(nowMs - requestMs) > MAX_SKEW_MS) throw authErrors.requestTimeTooSkewed(auth.amzDate, requestMs, nowMs);
    return;
  }
  const expires = auth.expires ?? 0;
  if (requestMs - nowMs > MAX_SKEW_MS) throw authErrors.presignedNotYetValid(auth.amzDate, requestMs, expires, nowMs);
  if (nowMs > requestMs + expires * 1000) throw authErrors.presignedExpired(auth.amzDate, requestMs, expires, nowMs);
}

/**
 * The canonical request: method, URI (S3: the raw path as sent; other services: dot segments and
 * repeated slashes removed, then encoded again, as botocore does), canonical query (X-Amz-Signature
 * left out when presigned), the signed headers (values trimmed, inner whitespace collapsed), the
 * signed-header list and the payload hash.
 */
export function canonicalRequest(
  req: SignedRequestParts, signedHeaders: string[], payloadHash: string, opts: { presigned: boolean; service: string },
): string {
  const headers = signedHeaders.map((name) => `${name}:${canonicalHeaderValue(req.headers[name] ?? '')}\n`).join('');
  return [
    req.method,
    canonicalUri(req.rawPath, opts.service === 's3'),
    canonicalQuery(req.rawQuery, opts.presigned),
    headers,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

/** Header values: trimmed, runs of whitespace made one space (quotes are not special). */
function canonicalHeaderValue(value: string): string {
  return value.replace(/[ \t\r\n\v\f]+/g, ' ').trim();
}

/** `AWS4-HMAC-SHA256\n<amzDate>\n<scope>\n<hex sha256 of the canonical request>`. */
export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')}`;
}

// Derived keys are cached: deriving one costs four HMACs and a client uses one per day, region
// and service. The cache is keyed by the access key id and the scope, never by the secret; an entry
// serves only the secret it was derived from (compared in constant time: a re-created key with the
// same id, or a caller passing no id, gets its own). Bounded, so a flood of scopes cannot grow it.
const KEY_CACHE_LIMIT = 1024;
const keyCache = new Map<string, { secret: Buffer; key: Buffer }>();

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function signingKey(secret: string, date: string, region: string, service: string, accessKeyId = ''): Buffer {
  const id = `${accessKeyId}/${date}/${region}/${service}`;
  const secretBytes = Buffer.from(secret, 'utf8');
  const cached = keyCache.get(id);
  if (cached && cached.secret.length === secretBytes.length && timingSafeEqual(cached.secret, secretBytes)) {
    // Re-insert: Map iteration order makes the first key the least recently used.
    keyCache.delete(id);
    keyCache.set(id, cached);
    return Buffer.from(cached.key);
  }
  let key = hmac(Buffer.from(`AWS4${secret}`, 'utf8'), date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  keyCache.delete(id);
  keyCache.set(id, { secret: secretBytes, key });
  if (keyCache.size > KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value!);
  return Buffer.from(key);
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** Hex HMAC-SHA256 of a string to sign: a request, chunk or trailer signature. */
export function hmacHex(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('hex');
}

/** Constant-time comparison of a computed signature with a claimed one. */
export function hexEqual(expected: string, claimed: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(claimed, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `YYYYMMDDTHHMMSSZ` to epoch ms; undefined when malformed or not a real date. */
export function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
  const ms = Date.UTC(year, month, day, hour, minute, second);
  // Date.UTC carries out-of-range fields over (Feb 30 -> Mar 2, 24:00 -> next day): a real date
  // reads back the same fields.
  const d = new Date(ms);
  const real = d.getUTCFullYear() === year && d.getUTCMonth() === month && d.getUTCDate() === day
    && d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second;
  return real ? ms : undefined;
}

function isUnreserved(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
    || b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e;
}

/** RFC 3986 encoding of bytes: unreserved characters stay, everything else (and '/' unless kept) is %XX. */
function uriEncode(bytes: Uint8Array, keepSlash: boolean): string {
  let out = '';
  for (const b of bytes) {
    out += isUnreserved(b) || (keepSlash && b === 0x2f) ? String.fromCharCode(b) : `%${b < 16 ? '0' : ''}${b.toString(16).toUpperCase()}`;
  }
  return out;
}

/**
 * Percent-decoding to bytes, never failing: a '%' without two hex digits stays a '%', characters
 * outside ASCII are taken as UTF-8, and in queries '+' is a space (form encoding, as Go and
 * Python servers read it; SDKs send %20 and %2B, so they are unaffected).
 */
function percentDecode(text: string, plusIsSpace: boolean): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === 0x2b && plusIsSpace) {
      out.push(0x20);
    } else if (c < 0x80) {
      out.push(c);
    } else {
      const codePoint = text.codePointAt(i)!;
      out.push(...Buffer.from(String.fromCodePoint(codePoint), 'utf8'));
      if (codePoint > 0xffff) i++;
    }
  }
  return Buffer.from(out);
}

/** The query's parameters, decoded, in order; a name may repeat. */
function parseQuery(rawQuery: string): Map<string, string[]> {
  const params = new Map<string, string[]>();
  for (const [key, value] of queryPairs(rawQuery)) {
    const name = percentDecode(key, true).toString('utf8');
    params.set(name, [...(params.get(name) ?? []), percentDecode(value, true).toString('utf8')]);
  }
  return params;
}

function queryPairs(rawQuery: string): Array<[string, string]> {
  return rawQuery.split('&').filter((part) => part !== '').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
  });
}

/**
 * Names and values decoded and encoded again (RFC 3986, uppercase hex), sorted by name then
 * value; a name without '=' gets an empty value. Re-encoding makes `%7e`, `~` and `%7E` one thing.
 */
function canonicalQuery(rawQuery: string, presigned: boolean): string {
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of queryPairs(rawQuery)) {
    const name = uriEncode(percentDecode(key, true), false);
    if (presigned && name === 'X-Amz-Signature') continue;
    pairs.push([name, uriEncode(percentDecode(value, true), false)]);
  }
  pairs.sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

/**
 * S3 signs the path exactly as sent. Everyone else signs it with dot segments and repeated
 * slashes removed and then URI-encoded once more (so `%20` on the wire is `%2520` here), which
 * is what botocore and the JS SDK do and what AWS's test suite expects of an unencoded path.
 */
function canonicalUri(rawPath: string, s3: boolean): string {
  if (s3) return rawPath || '/';
  return uriEncode(Buffer.from(normalizePath(rawPath), 'utf8'), true);
}

/** RFC 3986 remove_dot_segments, plus the collapsing of empty segments AWS asks for. */
function normalizePath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = path.endsWith('/') && segments.length > 0 ? '/' : '';
  return `/${segments.join('/')}${trailing}`;
}

/** An S3 path with every segment decoded and encoded AWS's way (`!` -> `%21`, `%7e` -> `~`). */
function s3ReencodedPath(rawPath: string): string {
  return rawPath.split('/').map((segment) => uriEncode(percentDecode(segment, false), false)).join('/') || '/';
}

/** Signs a request as an SDK would: the Authorization header value. For tests and tools. */
export function signRequest(
  req: SignedRequestParts, signed: { accessKeyId: string; secret: string; amzDate: string; region: string; service: string; signedHeaders: string[]; payloadHash: string },
): string {
  const date = signed.amzDate.slice(0, 8);
  const scope = `${date}/${signed.region}/${signed.service}/aws4_request`;
  const creq = canonicalRequest(req, signed.signedHeaders, signed.payloadHash, { presigned: false, service: signed.service });
  const signature = hmacHex(signingKey(signed.secret, date, signed.region, signed.service), stringToSign(signed.amzDate, scope, creq));
  return `${ALGORITHM} Credential=${signed.accessKeyId}/${scope}, SignedHeaders=${signed.signedHeaders.join(';')}, Signature=${signature}`;
}
