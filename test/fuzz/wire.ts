/**
 * Raw HTTP for the hostile-input suites: requests the SDKs would never send (any method, header,
 * framing or byte), optionally SigV4-signed with real credentials so they get past
 * authentication into the decoders, and the check every answer must pass.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { TestServer } from '../harness.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** Sends a request through node:http (which still lets through any header value and byte body). */
export function send(server: TestServer, req: RawRequest, timeoutMs = 15_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: server.port, method: req.method, path: req.path, headers: req.headers, agent: false, timeout: timeoutMs, insecureHTTPParser: true }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms to ${req.method} ${req.path.slice(0, 80)}`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Writes `bytes` on a fresh socket and returns whatever comes back before the server closes it (or `waitMs` passes). */
export function raw(server: TestServer, bytes: Buffer | string, waitMs = 5_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(bytes));
    let text = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(text);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('close', done);
    socket.on('error', done);
  });
}

/** Signs a request for `service` with the server's root credentials, as an SDK would (path given raw). */
export async function signed(server: TestServer, service: string, req: RawRequest & { unsignedPayload?: boolean }): Promise<RawRequest> {
  const body = req.body ?? '';
  const headers: Record<string, string> = { host: `127.0.0.1:${server.port}`, ...req.headers };
  if (service === 's3') headers['x-amz-content-sha256'] ??= req.unsignedPayload ? 'UNSIGNED-PAYLOAD' : createHash('sha256').update(body).digest('hex');
  const [path, query] = req.path.split('?', 2) as [string, string | undefined];
  const signer = new SignatureV4({ service, region: 'us-east-1', sha256: Sha256, uriEscapePath: false, applyChecksum: false,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
  const out = await signer.sign(new HttpRequest({
    method: req.method, protocol: 'http:', hostname: '127.0.0.1', port: server.port, path, headers, body,
    query: query ? Object.fromEntries(new URLSearchParams(query)) : undefined,
  }));
  return { method: req.method, path: req.path, headers: out.headers as Record<string, string>, body };
}

/** Stack frames, file paths and internal error names that must never reach a client. */
const LEAKS = /\n\s+at |node:internal|file:\/\/|\/work\/|[\w-]+\.[jt]s:\d+|TypeError|RangeError|ReferenceError|SyntaxError|SqliteError|ECONNRESET|ENOENT/;

/**
 * The answer is what AWS would give: a success, a 4xx (or S3's 501 NotImplemented, or 503
 * SlowDown under overload) whose body, if any, is the protocol's error document (JSON `__type`,
 * or XML with a `<Code>`), and never a stack trace or internal detail.
 */
export function assertAwsShaped(a: Answer, what: string): void {
  const text = a.body.toString('utf8');
  assert.doesNotMatch(text, LEAKS, `${what}: the answer leaks internals:\n${text.slice(0, 500)}`);
  if (a.status < 400) return;
  const code = a.status === 501 ? 'NotImplemented' : a.status === 503 ? 'SlowDown' : undefined;
  assert.ok(a.status < 500 || code, `${what}: answered ${a.status}:\n${text.slice(0, 500)}`);
  if (a.body.length === 0) return; // HEAD, and bare HTTP-level refusals
  const type = String(a.headers['content-type'] ?? '');
  if (type.includes('json')) {
    const doc = JSON.parse(text) as Record<string, unknown>;
    assert.ok(typeof (doc.__type ?? doc.code) === 'string', `${what}: JSON error without __type: ${text.slice(0, 300)}`);
  } else {
    assert.match(text, /<Code>[^<]+<\/Code>/, `${what}: error body is not AWS's XML:\n${text.slice(0, 300)}`);
    if (code) assert.match(text, new RegExp(`<Code>${code}</Code>`), what);
  }
}

/** The server still serves: health answers 200. */
export async function assertHealthy(server: TestServer): Promise<void> {
  const res = await fetch(`${server.url}/_coffer/health`);
  assert.equal(res.status, 200, 'the server stopped serving');
  await res.arrayBuffer();
}
