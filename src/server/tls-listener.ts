/**
 * The optional second listener: HTTPS on COFFER_TLS_PORT next to the main one, so clients that
 * insist on TLS (SSE-C, which AWS accepts only over HTTPS) can reach a plain-HTTP Coffer. It uses
 * the --tls-cert/--tls-key pair when given, else a self-signed certificate Coffer makes on first
 * start with `openssl req` and keeps in `<data dir>/tls/` (key 0600, directory 0700), valid for
 * localhost, 127.0.0.1, ::1 and the listen host. Clients must trust it explicitly (aws --no-verify-ssl
 * / --ca-bundle <data dir>/tls/self-signed.crt, boto3 verify=...).
 */
import { execFile } from 'node:child_process';
import { access, chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServerConfig } from './config.js';
import type { Logger } from './logger.js';

const run = promisify(execFile);

export interface TlsListener {
  url: string;
  port: number;
  close(graceMs: number): Promise<void>;
}

/** PEM paths of the data dir's self-signed certificate, made on first call. */
export async function selfSignedCertificate(dataDir: string, host: string): Promise<{ cert: string; key: string }> {
  const dir = join(dataDir, 'tls');
  const cert = join(dir, 'self-signed.crt');
  const key = join(dir, 'self-signed.key');
  if (await exists(cert) && await exists(key)) return { cert, key };
  // The directory is private, so the key is never readable by others, even before its chmod.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const names = ['DNS:localhost', 'IP:127.0.0.1', 'IP:::1'];
  if (host !== '0.0.0.0' && host !== '::' && !['localhost', '127.0.0.1', '::1'].includes(host)) names.push(`${isIP(host) ? 'IP' : 'DNS'}:${host}`);
  const tmpCert = `${cert}.${process.pid}.tmp`;
  const tmpKey = `${key}.${process.pid}.tmp`;
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '825', '-sha256',
      '-subj', '/CN=Coffer self-signed', '-addext', `subjectAltName=${names.join(',')}`, '-keyout', tmpKey, '-out', tmpCert,
    ]);
  } catch (err) {
    await Promise.all([rm(tmpCert, { force: true }), rm(tmpKey, { force: true })]);
    throw new Error(`could not make a self-signed certificate with openssl (${(err as Error).message.split('\n')[0]}); pass --tls-cert and --tls-key instead`);
  }
  await chmod(tmpKey, 0o600);
  // Key first: a certificate is only ever present alongside its key.
  await rename(tmpKey, key);
  await rename(tmpCert, cert);
  return { cert, key };
}

/**
 * Starts the HTTPS listener on COFFER_TLS_PORT (0 = any free port) when it is set, with the same
 * request handler and limits as the main listener; undefined otherwise.
 */
export async function startTlsListener(opts: {
  config: ServerConfig; env: NodeJS.ProcessEnv; log: Logger; options: ServerOptions;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}): Promise<TlsListener | undefined> {
  const { config, env, log } = opts;
  if (env.COFFER_TLS_PORT === undefined || env.COFFER_TLS_PORT === '') return undefined;
  const port = Number(env.COFFER_TLS_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid COFFER_TLS_PORT: ${env.COFFER_TLS_PORT}`);
  const pem = config.tls ?? await selfSignedCertificate(config.dataDir, config.host);
  const server: Server = createServer({ ...opts.options, minVersion: 'TLSv1.2', cert: await readFile(pem.cert), key: await readFile(pem.key) }, opts.handler);
  server.setTimeout(60_000, (socket) => socket.destroy());
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `https://${config.host.includes(':') ? `[${config.host}]` : config.host}:${bound}`;
  log.info({ url, certificate: pem.cert, selfSigned: !config.tls }, 'coffer listening (TLS)');
  return {
    url, port: bound,
    async close(graceMs) {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await drained;
      clearTimeout(timer);
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
