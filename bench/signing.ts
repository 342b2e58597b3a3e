import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { PreparedRequest } from './load.js';
import { NodeSha256 } from './node-sha256.js';

/**
 * SigV4 signing for the load generator, with node:crypto's SHA-256 (bench/node-sha256.ts): the
 * SDK's pure-JS one costs the generator several times more CPU per request, and the generator
 * must not be the bottleneck.
 */

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
