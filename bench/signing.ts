import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { PreparedRequest } from './load.js';

/**
 * SigV4 signing for the load generator with node:crypto's SHA-256 (the SDK's pure-JS one costs the
 * generator several times more CPU per request, and the generator must not be the bottleneck).
 */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret?: string | Uint8Array;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** Credentials and where to send: a running Coffer or peer. */
export interface Target {
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** A SigV4 signer for `service` with `target`'s credentials. */
export function signerFor(target: Target, service: string, region = 'us-east-1'): SignatureV4 {
  return new SignatureV4({
    service, region, sha256: NodeSha256, uriEscapePath: service !== 's3', applyChecksum: false,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
  });
}

/** A KMS JSON request (`TrentService.<target>`), signed. */
export async function kmsRequest(signer: SignatureV4, base: string, operation: string, body: Buffer): Promise<PreparedRequest> {
  const url = new URL(base);
  const signed = await signer.sign(new HttpRequest({
    method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', body,
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${operation}` },
  }));
  return { url: `${url.origin}/`, method: 'POST', headers: signed.headers as Record<string, string>, body };
}

/**
 * A path-style S3 request signed with UNSIGNED-PAYLOAD (bodies are sent, not hashed). `query`
 * is added to the path as given and signed.
 */
export async function s3Request(signer: SignatureV4, base: string, method: string, path: string, options: { body?: Buffer; size?: number; headers?: Record<string, string>; query?: Record<string, string> } = {}): Promise<PreparedRequest> {
  const url = new URL(base);
  const size = options.size ?? options.body?.length;
  const signed = await signer.sign(new HttpRequest({
    method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path, query: options.query,
    headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...(size !== undefined ? { 'content-length': String(size) } : {}), ...options.headers },
  }));
  const qs = options.query ? `?${new URLSearchParams(options.query).toString().replace(/\+/g, '%20')}` : '';
  return { url: `${url.origin}${path}${qs}`, method, headers: signed.headers as Record<string, string>, body: options.body };
}

/** A Query-protocol request (STS, IAM): a signed form POST to `/`. */
export async function queryRequest(signer: SignatureV4, base: string, body: Buffer): Promise<PreparedRequest> {
  const url = new URL(base);
  const signed = await signer.sign(new HttpRequest({
    method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', body,
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
  }));
  return { url: `${url.origin}/`, method: 'POST', headers: signed.headers as Record<string, string>, body };
}
