/**
 * Which S3 operation a request is. S3 multiplexes ~100 operations over four paths (`/`,
 * `/{Bucket}`, `/{Bucket}/{Key+}`, a few literals) and tells them apart by method, query flags
 * (`?tagging`, `?uploads`, `?list-type=2`), required query members (`?uploadId` makes a PUT an
 * UploadPart) and, for copies, the `x-amz-copy-source` header. The table is built once per model
 * from each operation's `http.requestUri`; the most specific candidate wins, as on AWS.
 */
import { AwsError } from '../errors.js';
import type { Operation, ServiceModel } from '../model/types.js';

/** A matched operation and its URI labels (`Bucket`, `Key`), percent-decoded. */
export interface S3Match {
  operation: string;
  labels: Record<string, string>;
}

/** The request facts routing reads. Header names lower-cased; query parameters decoded. */
export interface S3RouteRequest {
  method: string;
  rawPath: string;
  query: Array<[string, string]>;
  host: string;
  headers?: Record<string, string>;
}

type Segment = { literal: string } | { label: string; greedy: boolean };

interface Route {
  operation: string;
  method: string;
  segments: Segment[];
  /** Query flags of the requestUri; a non-null value must match exactly (`list-type=2`). */
  flags: Array<[string, string | null]>;
  /** Wire names of required querystring / header members: their presence makes a match specific. */
  requiredQuery: string[];
  requiredHeaders: string[];
  /** Ranked below its twins: deprecated duplicates, and directory-bucket-only ListDirectoryBuckets. */
  demoted: boolean;
}

/**
 * `GET /` is both ListBuckets and ListDirectoryBuckets in the model; the latter is only served by
 * S3 Express zonal endpoints, so a general-purpose endpoint answers ListBuckets.
 */
const EXPRESS_ONLY = new Set(['ListDirectoryBuckets']);

function parseTemplate(op: Operation): Pick<Route, 'segments' | 'flags'> {
  const [path, query] = op.http.requestUri.split('?', 2) as [string, string | undefined];
  const segments: Segment[] = path.split('/').filter((s) => s !== '').map((s) => {
    const m = /^\{([^}]+?)(\+)?\}$/.exec(s);
    return m ? { label: m[1]!, greedy: m[2] === '+' } : { literal: s };
  });
  const flags: Array<[string, string | null]> = (query ?? '').split('&').filter((q) => q !== '').map((q) => {
    const eq = q.indexOf('=');
    return eq < 0 ? [q, null] : [q.slice(0, eq), q.slice(eq + 1)];
  });
  return { segments, flags };
}

function buildRoutes(model: ServiceModel): Route[] {
  return Object.entries(model.operations).map(([name, op]) => {
    const input = op.input ? model.shapes[op.input.shape] : undefined;
    const requiredQuery: string[] = [];
    const requiredHeaders: string[] = [];
    for (const member of input?.required ?? []) {
      const ref = input!.members![member]!;
      if (ref.location === 'querystring') requiredQuery.push(ref.locationName ?? member);
      if (ref.location === 'header') requiredHeaders.push((ref.locationName ?? member).toLowerCase());
    }
    return {
      operation: name, method: op.http.method.toUpperCase(), ...parseTemplate(op),
      requiredQuery, requiredHeaders, demoted: op.deprecated === true || EXPRESS_ONLY.has(name),
    };
  });
}

const tables = new WeakMap<ServiceModel, Route[]>();

function routesOf(model: ServiceModel): Route[] {
  let routes = tables.get(model);
  if (!routes) tables.set(model, (routes = buildRoutes(model)));
  return routes;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AwsError('InvalidURI', "Couldn't parse the specified URI.", { status: 400 });
  }
}

/**
 * Match the still-encoded path against a template. A greedy label takes the rest of the path,
 * slashes included (keys may hold `//`, a trailing `/`, `%2F`); `/bucket/` is the bucket itself.
 */
function matchPath(segments: Segment[], rawPath: string): Record<string, string> | null {
  let rest = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  const labels: Record<string, string> = {};
  for (const seg of segments) {
    if (rest === '') return null;
    if ('label' in seg && seg.greedy) {
      labels[seg.label] = decode(rest);
      rest = '';
      continue;
    }
    const slash = rest.indexOf('/');
    const part = slash < 0 ? rest : rest.slice(0, slash);
    rest = slash < 0 ? '' : rest.slice(slash + 1);
    if (part === '') return null;
    if ('literal' in seg) {
      if (part !== seg.literal) return null;
    } else {
      labels[seg.label] = decode(part);
    }
  }
  return rest === '' ? labels : null;
}

/** `bucket.s3.localhost:4566` with base domain `s3.localhost` -> `bucket`; null for path style. */
function hostBucket(host: string, baseDomains: string[]): string | null {
  const name = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (baseDomains.some((base) => base.toLowerCase() === name)) return null;
  let best: string | null = null;
  for (const base of baseDomains) {
    const suffix = '.' + base.toLowerCase();
    if (name.endsWith(suffix) && name.length > suffix.length) {
      const bucket = name.slice(0, -suffix.length);
      // The longest base domain wins: `b.s3.localhost` is bucket `b` on `s3.localhost`, not
      // bucket `b.s3` on `localhost`.
      if (best === null || bucket.length < best.length) best = bucket;
    }
  }
  return best;
}

/**
 * Which S3 operation a request is, from method + path + query flags (+ the `x-amz-copy-source`
 * header, + the host for virtual-hosted style). `baseDomains` are the hostnames that mean "the S3
 * endpoint"; a Host of `<bucket>.<baseDomain>[:port]` is virtual-hosted style (bucket from the
 * host, key = the whole path). Returns null when nothing matches (the gateway answers
 * MethodNotAllowed / NotImplemented). Throws InvalidURI for a path that is not valid
 * percent-encoding.
 *
 * Ranking among candidates: a matching `x-id` (the AWS SDK v3 names the operation) first, then the
 * most requestUri flags, then the most required query/header members present, then the fewest
 * missing (so `GET /b?analytics` without `id` is the List, not the Get), then non-deprecated.
 */
export function matchS3Operation(model: ServiceModel, req: S3RouteRequest, baseDomains: string[]): S3Match | null {
  const bucket = hostBucket(req.host, baseDomains);
  // Virtual-hosted style: rebuild the path-style form so one set of templates serves both.
  const rawPath = bucket === null ? req.rawPath : '/' + encodeURIComponent(bucket) + (req.rawPath.startsWith('/') ? req.rawPath : '/' + req.rawPath);
  const method = req.method.toUpperCase();
  const query = new Map<string, string>();
  for (const [k, v] of req.query) if (!query.has(k)) query.set(k, v);
  const headers = req.headers ?? {};
  const xId = query.get('x-id');

  let best: { score: number[]; match: S3Match } | null = null;
  for (const route of routesOf(model)) {
    if (route.method !== method) continue;
    if (!route.flags.every(([k, v]) => query.has(k) && (v === null || query.get(k) === v))) continue;
    const labels = matchPath(route.segments, rawPath);
    if (!labels) continue;
    const present = route.requiredQuery.filter((q) => query.has(q)).length + route.requiredHeaders.filter((h) => h in headers).length;
    const missing = route.requiredQuery.length + route.requiredHeaders.length - present;
    const score = [xId === route.operation ? 1 : 0, route.flags.length, present, -missing, route.demoted ? 0 : 1];
    if (!best || compare(score, best.score) > 0) best = { score, match: { operation: route.operation, labels } };
  }
  return best?.match ?? null;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
