import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { pipeline } from 'node:stream/promises';
import { AuthError, toAwsError } from '../auth/auth-errors.js';
import type { CredentialResolver } from '../auth/principal.js';
import type { PostPolicyAuth } from '../auth/post-policy.js';
import { parseSigV4, type SigV4Auth } from '../auth/sigv4.js';
import { accessDenied } from '../authz/denied.js';
import type { ActionSpec, ActionTable, Authorizer } from '../authz/types.js';
import { publicRandom } from '../crypto/random-pool.js';
import { AwsError, internalError } from '../errors.js';
import { cloudtrailOperationErrors } from '../generated/cloudtrail/errors.js';
import { ec2OperationErrors } from '../generated/ec2/errors.js';
import { iamOperationErrors } from '../generated/iam/errors.js';
import { kmsOperationErrors } from '../generated/kms/errors.js';
import { s3OperationErrors } from '../generated/s3/errors.js';
import { stsOperationErrors } from '../generated/sts/errors.js';
import { loadModel, type ServiceName } from '../model/registry.js';
import type { ServiceModel } from '../model/types.js';
import { codecFor, methodNotAllowed, unknownOperation, type Protocol } from '../protocols/index.js';
import { matchS3Operation } from '../protocols/s3-route.js';
import type { WireResponse } from '../protocols/types.js';
import type { Durability } from '../store/group-commit.js';
import type { CallRecorder } from '../trail/recorder.js';
import { authenticate, authenticatePostForm } from './authenticate.js';
import { readBody } from './body.js';
import { releaserOf, writeReleasing } from './releasing-body.js';
import type { ServerConfig } from './config.js';
import type { Principal, RequestContext } from './context.js';
import type { Logger } from './logger.js';
import { isPostObject, readPostForm, type PostForm } from './post-form.js';
import { limitsFrom, RequestLimits } from './quotas.js';
import { findOperation, queryServiceForVersion, routeService, routeTarget } from './route.js';

/** A service as the gateway sees it: an object with one method per implemented operation, and its actions. */
export interface ServiceBinding {
  provider: object;
  actions: ActionTable;
}

export interface GatewayDeps {
  config: ServerConfig;
  credentials: CredentialResolver;
  services: Partial<Record<ServiceName, ServiceBinding>>;
  authorizer: Authorizer;
  /** Receives every call, allowed or denied (the trail). */
  recorder?: CallRecorder;
  log: Logger;
  now?: () => Date;
  /** The process's quotas, shared with the internal calls (default: made from the config). */
  limits?: RequestLimits;
  /** Awaited before every answer: the commits made so far are on disk (embedded SQLite's group commit). */
  durability?: Durability;
}

/** What the gateway asks of the S3 provider for CORS, outside any model operation. */
interface S3Cors {
  corsPreflight?(req: { bucket: string; key?: string; headers: Record<string, string> }): Promise<Record<string, string>>;
  corsResponseHeaders?(bucket: string, method: string, origin: string): Promise<Record<string, string>>;
}

/** What the gateway asks of the S3 provider for a browser upload (POST Object), which the model lacks. */
interface S3PostObject extends S3Cors {
  postObjectInput(bucket: string, form: PostForm): unknown;
  postObject(ctx: RequestContext, input: unknown, form: PostForm, auth: PostPolicyAuth | null, bucketUrl: string): Promise<WireResponse>;
}

/** Small bodies (JSON, Query, S3 configuration documents) are read whole up to this size. */
const BUFFERED_BODY_LIMIT = 8 * 1024 * 1024;

/** `GetCallerIdentity` -> `getCallerIdentity`: the provider method for a model operation. */
export function methodName(operation: string): string {
  return operation[0]!.toLowerCase() + operation.slice(1);
}

/** Every operation of each service's model (the generated tables have an entry for each). */
const OPERATIONS: Record<ServiceName, Readonly<Record<string, unknown>>> = {
  kms: kmsOperationErrors, s3: s3OperationErrors, iam: iamOperationErrors, sts: stsOperationErrors,
  cloudtrail: cloudtrailOperationErrors, ec2: ec2OperationErrors,
};

/**
 * The one pipeline every request goes through: route -> authenticate -> decode -> authorize ->
 * invoke -> encode. Authentication and authorization happen here and nowhere else.
 */
export class Gateway {
  private readonly now: () => Date;
  /** KMS request quotas and the S3 in-flight limit (quotas.ts). */
  private readonly limits: RequestLimits;

  constructor(private readonly deps: GatewayDeps) {
    this.now = deps.now ?? (() => new Date());
    this.limits = deps.limits ?? new RequestLimits(deps.config.limits ?? limitsFrom({}));
    // Every operation a provider implements must declare its IAM action. The generated lists of
    // the models' operations tell which exist, so no model is parsed (and kept) before a request
    // needs it: EC2's alone is 4 MB of JSON and 18 MiB of memory.
    for (const [name, binding] of Object.entries(deps.services) as Array<[ServiceName, ServiceBinding]>) {
      for (const op of Object.keys(OPERATIONS[name])) {
        if (typeof (binding.provider as Record<string, unknown>)[methodName(op)] === 'function' && !binding.actions[op]) {
          throw new Error(`${name}:${op} is implemented but declares no IAM action`);
        }
      }
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const receivedAt = this.now();
    const isS3Style = !req.headers['x-amz-target'];
    const requestId = isS3Style ? publicRandom(8).toString('hex').toUpperCase() : randomUUID();
    // x-amz-id-2: only S3 (REST-XML) answers and events carry it.
    const hostId = isS3Style ? publicRandom(32).toString('base64') : '';
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    const headers = flattenHeaders(req);
    const parts = { method: req.method ?? 'GET', rawPath, rawQuery, headers };
    // Taken now: once a client hangs up, node detaches the socket (req.socket becomes null), and the
    // trail must still record the call.
    const sourceIp = req.socket?.remoteAddress ?? '';
    const tls = tlsOf(req);
    this.deps.log.debug({ requestId, method: parts.method, path: rawPath }, 'request started');

    let service: ServiceName = 's3';
    let operation: string | undefined;
    let status = 500;
    let ctx: RequestContext | undefined;
    let accessKeyId: string | undefined;
    let region = this.deps.config.defaultRegion;
    let input: unknown;
    let output: unknown;
    let failure: AwsError | undefined;
    let resources: string[] | undefined;
    let auth: SigV4Auth | null = null;
    let releaseS3: (() => void) | undefined;
    try {
      const query = parseQuery(rawQuery);
      let authFailure: AuthError | undefined;
      try {
        auth = parseSigV4(parts);
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        authFailure = err;
      }
      accessKeyId = auth?.accessKeyId;
      region = auth?.region ?? region;
      const scopeService = auth?.service ?? scopeFromRaw(headers, query);
      const routed = routeService(headers, scopeService, query.some(([k]) => k === 'Action'));

      let body: Buffer | Readable = req;
      let params: Array<[string, string]> = query;
      // An error reading the body is answered in the service's protocol when it is already known.
      if (routed !== 's3' && routed !== 'query?') service = routed;
      if (routed !== 's3') {
        body = await readBody(req, BUFFERED_BODY_LIMIT, () => new AwsError('RequestEntityTooLarge', 'Request body is too large', { status: 413 }));
        if (routed === 'query?' || routed === 'iam' || routed === 'sts' || routed === 'ec2') params = query.concat(parseQuery(body.toString('utf8')));
      }
      service = routed === 'query?' ? queryServiceForVersion(lastValue(params, 'Version')) : routed;
      const model = loadModel(service);
      const protocol = model.metadata.protocol as Protocol;
      // Overload: past the in-flight limit S3 answers SlowDown before reading anything.
      if (service === 's3') releaseS3 = this.limits.enterS3();
      if (protocol === 'rest-xml' && parts.method === 'OPTIONS') {
        // A CORS preflight: no model operation, never signed (browsers send none), answered from
        // the bucket's CORS rules.
        const response = await this.corsPreflight(model, parts, requestId, hostId);
        status = response.status;
        await this.write(req, res, response);
        return;
      }
      if (authFailure) throw toAwsError(authFailure, protocol);
      // A POST to a bucket itself that no model operation claims is a browser upload (POST Object).
      const host = headers.host ?? '';
      const postTarget = protocol === 'rest-xml' && parts.method === 'POST' && query.length === 0
        && !matchS3Operation(model, { method: parts.method, rawPath, query, headers, host }, this.deps.config.s3Domains)
        ? matchS3Operation(model, { method: 'HEAD', rawPath, query, headers: {}, host }, this.deps.config.s3Domains)
        : null;
      if (isPostObject(parts.method, query, postTarget?.labels)) {
        // A browser upload (POST Object): authenticated from its form fields, then authorized as
        // s3:PutObject on the key and invoked like every other call; the file streams through.
        operation = 'PostObject';
        const bucket = postTarget!.labels.Bucket!;
        const s3 = this.deps.services.s3!;
        const provider = s3.provider as S3PostObject;
        const form = await readPostForm(req, headers).catch((err: unknown) => {
          req.resume();
          throw err;
        });
        try {
          input = provider.postObjectInput(bucket, form);
          const authed = await authenticatePostForm(form.fields, this.deps.credentials);
          accessKeyId = authed.auth?.accessKeyId;
          region = authed.auth?.region ?? region;
          this.recordKeyUse(authed.principal, service, region, requestId);
          ctx = callContext(req, headers, { requestId, service, operation, region, receivedAt }, authed.principal);
          const spec = s3.actions.PutObject!;
          resources = await spec.resources(ctx, input);
          if ((await this.deps.authorizer.authorize(ctx, spec, input)) === 'deny') {
            throw accessDenied(protocol, ctx.principal?.arn, spec.action, resources[0] ?? '*', ctx.denial);
          }
          const bucketUrl = `${ctx.origin}${rawPath}`;
          const response = await provider.postObject(ctx, input, form, authed.auth, bucketUrl);
          Object.assign(response.headers, { 'x-amz-request-id': requestId, 'x-amz-id-2': hostId });
          if (headers.origin) Object.assign(response.headers, await provider.corsResponseHeaders?.(bucket, 'POST', headers.origin));
          status = response.status;
          await this.write(req, res, response);
          return;
        } catch (err) {
          // Refused before the file was read: drain it so the client reads the answer, not a reset.
          form.file.on('error', () => undefined).resume();
          throw err;
        }
      }

      let labels: Record<string, string> | undefined;
      let requested: string | undefined;
      if (protocol === 'json') {
        requested = routeTarget(headers['x-amz-target'] ?? '').operation;
      } else if (protocol === 'query' || protocol === 'ec2') {
        requested = lastValue(params, 'Action');
      } else {
        const match = matchS3Operation(model, { method: parts.method, rawPath, query, headers, host: headers.host ?? '' }, this.deps.config.s3Domains);
        if (!match) throw methodNotAllowed();
        requested = match.operation;
        labels = match.labels;
      }
      operation = findOperation(model, requested);

      const authed = await authenticate({
        parts, auth, protocol, body, credentials: this.deps.credentials, now: receivedAt,
        signingName: model.metadata.signingName ?? model.metadata.endpointPrefix,
      });
      this.recordKeyUse(authed.principal, service, region, requestId);
      const binding = this.deps.services[service];
      const provider = binding?.provider as Record<string, (c: RequestContext, i: unknown) => Promise<unknown>> | undefined;
      if (!operation || !binding || typeof provider?.[methodName(operation)] !== 'function') {
        // No policy can allow an anonymous caller an operation that doesn't exist here.
        if (!authed.principal) throw accessDenied(protocol, undefined, '', '');
        // Authentication covers the whole payload: a streamed body is verified before any answer.
        if (!Buffer.isBuffer(authed.body)) await drain(authed.body);
        throw unknownOperation(protocol, requested ?? '', model.metadata.apiVersion);
      }
      ctx = callContext(req, headers, { requestId, service, operation, region, receivedAt }, authed.principal);
      const op = model.operations[operation]!;
      const codec = codecFor(protocol);
      try {
        input = codec.decode(model, op, { ...parts, query, body: await bodyFor(model, operation, authed.body), labels });
      } catch (err) {
        // AWS authorizes before it parses: an anonymous caller learns nothing from its request's faults.
        if (!authed.principal && err instanceof AwsError) throw accessDenied(protocol, undefined, '', '');
        throw err;
      }
      const spec = binding.actions[operation]!;
      resources = await spec.resources(ctx, input);
      if (spec.items) {
        ctx.refusedItems = await this.refusedItems(ctx, spec.items(ctx, input), input);
      } else if ((await this.deps.authorizer.authorize(ctx, spec, input)) === 'deny') {
        throw accessDenied(protocol, ctx.principal?.arn, spec.action, resources[0] ?? '*', ctx.denial);
      }
      this.limits.charge(service, operation, ctx.accountId, region);
      output = await provider![methodName(operation)]!.call(provider, ctx, input);
      const response = codec.encode(model, op, output, { requestId, hostId, resource: rawPath });
      if (service === 's3' && headers.origin && labels?.Bucket) {
        // A cross-origin request the bucket's CORS rules allow gets their Access-Control-* headers.
        const s3 = binding.provider as S3Cors;
        Object.assign(response.headers, await s3.corsResponseHeaders?.(labels.Bucket, parts.method, headers.origin));
      }
      status = response.status;
      await this.write(req, res, response);
    } catch (err) {
      const model = loadModel(service);
      const aws = this.asAwsError(err, requestId);
      failure = aws;
      const response = codecFor(model.metadata.protocol as Protocol).encodeError(model, operation ? model.operations[operation] : undefined, aws, { requestId, hostId, resource: rawPath });
      status = response.status;
      await this.write(req, res, response).catch(() => res.destroy());
    } finally {
      releaseS3?.();
      this.deps.recorder?.record({
        requestId, eventTime: receivedAt, service, operation, region,
        principal: ctx?.principal ?? null, accessKeyId,
        sourceIp, userAgent: headers['user-agent'] ?? '',
        input, output, error: failure, status, resources,
        host: headers.host,
        tls,
        s3: service === 's3' ? { authMethod: auth ? (auth.kind === 'presigned' ? 'QueryString' : 'AuthHeader') : undefined, hostId } : undefined,
      });
      this.deps.log.info({
        requestId, service, operation, status,
        accessKeyId,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      }, 'request');
    }
  }

  /** The positions of the items (ActionSpec.items) the caller may not act on, each decided on its own. */
  private async refusedItems(ctx: RequestContext, items: ActionSpec[], input: unknown): Promise<Set<number>> {
    const refused = new Set<number>();
    for (const [at, item] of items.entries()) {
      if ((await this.deps.authorizer.authorize(ctx, item, input)) === 'deny') refused.add(at);
    }
    return refused;
  }

  /** Feeds GetAccessKeyLastUsed and the credential report; written at most every few minutes. */
  private recordKeyUse(principal: Principal | null, service: ServiceName, region: string, requestId: string): void {
    if (!principal?.accessKeyId) return;
    this.deps.credentials.recordUse(principal.accessKeyId, service, region).catch((err) => {
      this.deps.log.warn({ err, requestId }, 'could not record access key use');
    });
  }

  /** The answer to an S3 `OPTIONS` preflight, from the S3 provider's CORS rules. */
  private async corsPreflight(model: ServiceModel, parts: { rawPath: string; headers: Record<string, string> }, requestId: string, hostId: string): Promise<WireResponse> {
    const s3 = this.deps.services.s3?.provider as S3Cors | undefined;
    // OPTIONS is no model operation: a HEAD of the same resource names the bucket and key.
    const match = matchS3Operation(model, { method: 'HEAD', rawPath: parts.rawPath, query: [], headers: {}, host: parts.headers.host ?? '' }, this.deps.config.s3Domains);
    if (!s3?.corsPreflight || !match?.labels.Bucket) throw methodNotAllowed();
    const cors = await s3.corsPreflight({ bucket: match.labels.Bucket, key: match.labels.Key, headers: parts.headers });
    return { status: 200, headers: { 'x-amz-request-id': requestId, 'x-amz-id-2': hostId, ...cors, 'Content-Length': '0' } };
  }

  private asAwsError(err: unknown, requestId: string): AwsError {
    if (err instanceof AwsError) return err;
    if ((err as NodeJS.ErrnoException | null)?.code === 'ECONNRESET' && (err as Error).message === 'aborted') {
      // The client hung up mid-body: its fault, not ours (and nobody is left to read the answer).
      this.deps.log.debug({ requestId }, 'client aborted the request body');
      return new AwsError('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', { status: 400 });
    }
    this.deps.log.error({ requestId, err }, 'internal error');
    return internalError();
  }

  /** Writes a response; HEAD never carries a body. An unread request body is drained first. */
  private async write(req: IncomingMessage, res: ServerResponse, response: WireResponse): Promise<void> {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    await this.deps.durability?.settle();
    // A request whose body stream was destroyed mid-body (a chunk signature or checksum that failed
    // as it streamed) leaves a connection that cannot carry another request. Saying so keeps a
    // client from sending its next one on a socket about to close (undici's fetch failed it). A body
    // refused before it was read is drained instead (putObject) and keeps its connection.
    if (req.destroyed && !req.complete) res.setHeader('Connection', 'close');
    res.writeHead(response.status, response.headers);
    const body = req.method === 'HEAD' ? undefined : response.body;
    if (body instanceof Readable) {
      const release = releaserOf(body);
      if (release) await writeReleasing(body, res, release);
      else await pipeline(body, res);
    } else {
      res.end(body);
    }
  }
}

/** The context a provider and the authorizer see for a call. */
function callContext(
  req: IncomingMessage, headers: Record<string, string>,
  call: Pick<RequestContext, 'requestId' | 'service' | 'operation' | 'region' | 'receivedAt'>, principal: Principal | null,
): RequestContext {
  const secure = isTls(req);
  return {
    ...call,
    accountId: principal?.accountId ?? '',
    principal,
    sourceIp: req.socket?.remoteAddress ?? '',
    userAgent: headers['user-agent'] ?? '',
    secureTransport: secure,
    origin: headers.host ? `${secure ? 'https' : 'http'}://${headers.host}` : undefined,
  };
}

/** The body in the form the operation's codec wants: the stream for streaming payloads, else bytes. */
async function bodyFor(model: ServiceModel, operation: string, body: Buffer | Readable): Promise<Buffer | Readable> {
  if (Buffer.isBuffer(body)) return body;
  const inputShape = model.operations[operation]!.input?.shape;
  const shape = inputShape ? model.shapes[inputShape] : undefined;
  const payload = shape?.payload ? shape.members?.[shape.payload] : undefined;
  const streaming = payload && (payload.streaming || model.shapes[payload.shape]?.streaming);
  if (streaming) return body;
  return readBody(body, BUFFERED_BODY_LIMIT, () => new AwsError('MaxMessageLengthExceeded', 'Your request was too big.', { status: 400 }));
}

/**
 * Whether the request came over TLS. `req.socket` is null once the client has gone (the request
 * may still be finishing, e.g. a POST form read to its end), so it is checked before use.
 */
function isTls(req: IncomingMessage): boolean {
  return (req.socket as TLSSocket | null)?.encrypted === true;
}

/** The TLS version and cipher of an HTTPS request, as CloudTrail's tlsDetails names them. */
function tlsOf(req: IncomingMessage): { version: string; cipherSuite: string } | undefined {
  const socket = req.socket as TLSSocket | null;
  if (!socket?.encrypted) return undefined;
  return { version: socket.getProtocol() ?? '', cipherSuite: socket.getCipher()?.standardName ?? '' };
}

async function drain(stream: Readable): Promise<void> {
  for await (const _ of stream) {
    // discard
  }
}

/** Repeated headers joined with ',' and each value trimmed, as SigV4's canonical form wants them. */
function flattenHeaders(req: IncomingMessage): Record<string, string> {
  // From rawHeaders: req.headersDistinct would build an array per header first, on every request.
  const out: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!.trim();
    // hasOwn: a header named like an Object.prototype member (`constructor`) is no repeat.
    out[name] = Object.hasOwn(out, name) ? `${out[name]},${value}` : value;
  }
  return out;
}

/** `a=1&b=x%20y&flag` -> pairs; `+` is a space, as in form encoding (S3 treats it the same). */
export function parseQuery(raw: string): Array<[string, string]> {
  if (!raw) return [];
  return raw.split('&').filter(Boolean).map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    return [safeDecode(key), safeDecode(value)];
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function lastValue(pairs: Array<[string, string]>, key: string): string | undefined {
  for (let i = pairs.length - 1; i >= 0; i--) if (pairs[i]![0] === key) return pairs[i]![1];
  return undefined;
}

/** The service of a credential scope even when the rest of the signature is malformed. */
function scopeFromRaw(headers: Record<string, string>, query: Array<[string, string]>): string | undefined {
  const credential = /Credential=([^,\s]+)/.exec(headers.authorization ?? '')?.[1] ?? lastValue(query, 'X-Amz-Credential');
  return credential?.split('/')[3];
}
