import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CredentialResolver } from '../auth/principal.js';
import { checkRootKeyFingerprint, loadRootKey, Sealer } from '../crypto/root-key.js';
import { SERVICE_NAMES } from '../model/registry.js';
import { stsActions } from '../services/sts/actions.js';
import { StsProvider } from '../services/sts/provider.js';
import { migrate, openSqlite } from '../store/database.js';
import { bootstrapIdentity, type RootCredentials } from './bootstrap.js';
import type { ServerConfig } from './config.js';
import { Gateway, type GatewayDeps } from './gateway.js';
import { createLogger, type Logger } from './logger.js';

export interface RunningServer {
  url: string;
  port: number;
  root: RootCredentials;
  log: Logger;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes the store. */
  close(graceMs?: number): Promise<void>;
}

/** The composition root: builds the store, the services and the gateway, and listens. No globals. */
export async function startServer(config: ServerConfig, env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const log = createLogger(config.logLevel);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const rootKey = await loadRootKey({ dataDir: config.dataDir, env });
  const db = await openSqlite(join(config.dataDir, 'coffer.sqlite'));
  await migrate(db);
  await checkRootKeyFingerprint(db, rootKey.key);
  const sealer = new Sealer(rootKey.key);
  const root = await bootstrapIdentity(db, sealer, config.dataDir, env);

  const services: GatewayDeps['services'] = {
    sts: { provider: new StsProvider(), actions: stsActions },
  };
  const gateway = new Gateway({ config, credentials: new CredentialResolver(db, sealer), services, log });

  const server = createServer({
    // Slow or stalled clients are cut off instead of holding sockets forever.
    headersTimeout: 30_000,
    requestTimeout: 0, // uploads may take long; the idle timeout below bounds stalls instead
    keepAliveTimeout: 5_000,
    maxHeaderSize: 16 * 1024,
  }, (req, res) => {
    if (req.url === '/_coffer/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      health(res, Object.keys(services));
      return;
    }
    gateway.handle(req, res).catch((err) => {
      log.error({ err }, 'unhandled gateway failure');
      res.destroy();
    });
  });
  server.setTimeout(60_000, (socket) => socket.destroy());
  server.on('clientError', (err, socket) => {
    // Malformed HTTP never reaches the gateway: answer 400 and close, as AWS's front ends do.
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
    log.debug({ code: (err as NodeJS.ErrnoException).code }, 'client error');
  });

  await listen(server, config.host, config.port);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info({ url, dataDir: config.dataDir, rootKeySource: rootKey.source, accountId: root.accountId }, 'coffer listening');

  let closing: Promise<void> | undefined;
  return {
    url, port, root, log,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        await drained;
        clearTimeout(timer);
        await db.destroy();
      })();
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function health(res: ServerResponse<IncomingMessage>, implemented: string[]): void {
  const services = Object.fromEntries(SERVICE_NAMES.map((s) => [s, implemented.includes(s) ? 'available' : 'not-implemented']));
  const body = JSON.stringify({ status: 'ok', services });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
