import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { openSealer, RootKeyWatcher } from '../crypto/key-ring.js';
import { checkRootKeyFingerprint, loadRootKey, Sealer } from '../crypto/root-key.js';
import { SERVICE_NAMES } from '../model/registry.js';
import { migrate } from '../store/database.js';
import { durabilityOf } from '../store/group-commit.js';
import { openStores } from '../store/open.js';
import { withClusterLock } from '../store/postgres/locks.js';
import { prepareTrailDatabase } from '../trail/database.js';
import { rootKeyFromKms } from './auto-unseal.js';
import { Clock } from './clock.js';
import { bootstrapIdentity, type RootCredentials } from './bootstrap.js';
import { createConsoleHandler, isConsolePath } from './console.js';
import type { ServerConfig } from './config.js';
import { Gateway } from './gateway.js';
import { InternalCalls } from './internal-calls.js';
import { limitsFrom, RequestLimits } from './quotas.js';
import { tuneHeapGrowth } from './heap-tuning.js';
import { createLogger, type Logger } from './logger.js';
import { buildServices, type Wiring } from './services.js';
import { startTlsListener } from './tls-listener.js';

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
  tuneHeapGrowth();
  const log = createLogger(config.logLevel);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const stores = await openStores(config, log);
  const { db, blobs, leadership } = stores;
  // Nodes sharing a database start one at a time: migrations, the root key's wrapped copy and the
  // first account are each created once.
  const { rootKey, root } = await withClusterLock(db, 'coffer:startup', async () => {
    await migrate(db);
    await prepareTrailDatabase(db, stores.trail.db);
    const fromKms = await rootKeyFromKms(db, env);
    const rootKey = fromKms ? { key: fromKms, source: 'kms' } : await loadRootKey({ dataDir: config.dataDir, env });
    await checkRootKeyFingerprint(db, rootKey.key);
    return { rootKey, root: await bootstrapIdentity(db, new Sealer(rootKey.key), config.dataDir, env) };
  }).catch(async (err: unknown) => {
    await stores.close();
    throw err;
  });
  // The key ring: during a root-key rotation the new key seals and both open (src/crypto/key-ring.ts).
  const sealer = await openSealer(db, rootKey.key);

  await blobs.sweep();
  const clock = new Clock();
  // One set of quotas for the gateway and for the calls services make as the caller (S3 -> KMS).
  const limits = new RequestLimits(config.limits ?? limitsFrom({}));
  const wiring = buildServices({ db, trail: stores.trail, sealer, blobs, clock, config, log, calls: new InternalCalls(limits), leader: leadership });
  wiring.background.push(new RootKeyWatcher(db, sealer, log));
  const { services } = wiring;
  const gateway = new Gateway({
    config, credentials: wiring.credentials, services, log,
    authorizer: wiring.authorizer, recorder: wiring.recorder, limits, durability: durabilityOf(db),
  });
  const testHooks = env.COFFER_TEST_HOOKS === '1';
  const consoleHandler = createConsoleHandler();

  const httpOptions: ServerOptions = {
    // Slow or stalled clients are cut off instead of holding sockets forever.
    headersTimeout: config.headersTimeoutMs ?? 30_000,
    // Node enforces headersTimeout only when it checks its connections (every 30 s by default).
    connectionsCheckingInterval: Math.min(30_000, config.headersTimeoutMs ?? 30_000),
    requestTimeout: 0, // uploads may take long; the idle timeout below bounds stalls instead
    keepAliveTimeout: 5_000,
    maxHeaderSize: 16 * 1024,
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/_coffer/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      health(res, Object.keys(services));
      return;
    }
    if (testHooks && req.url === '/_coffer/test/clock' && req.method === 'POST') {
      advanceClock(req, res, clock, wiring).catch((err) => {
        log.error({ err }, 'test clock failed');
        res.destroy();
      });
      return;
    }
    if (isConsolePath(req.url)) {
      consoleHandler(req, res).catch((err) => {
        log.error({ err }, 'console failure');
        res.destroy();
      });
      return;
    }
    gateway.handle(req, res).catch((err) => {
      log.error({ err }, 'unhandled gateway failure');
      res.destroy();
    });
  };
  const server: Server = config.tls
    ? createTlsServer({ ...httpOptions, minVersion: 'TLSv1.2', cert: await readFile(config.tls.cert), key: await readFile(config.tls.key) }, handler)
    : createServer(httpOptions, handler);
  server.setTimeout(60_000, (socket) => socket.destroy());
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Malformed HTTP never reaches the gateway (no protocol is known yet): a bare status, then close.
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
    log.debug({ code: err.code }, 'client error');
  });

  await listen(server, config.host, config.port);
  const port = (server.address() as AddressInfo).port;
  const url = `${config.tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info({ url, dataDir: config.dataDir, ...stores.describe, rootKeySource: rootKey.source, accountId: root.accountId }, 'coffer listening');
  // Optional HTTPS next to the main listener (COFFER_TLS_PORT), self-signed unless --tls-cert is given.
  const tlsListener = await startTlsListener({ config, env, log, options: httpOptions, handler });

  let closing: Promise<void> | undefined;
  return {
    url, port, root, log,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        await Promise.all([drained, tlsListener?.close(graceMs)]);
        clearTimeout(timer);
        await Promise.all(wiring.background.map((job) => job.stop()));
        await stores.close();
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

/**
 * Test hook (COFFER_TEST_HOOKS=1 only): `{"advanceSeconds": N}` moves service time forward and
 * runs every background job once, so tests see rotations and deletions happen without waiting.
 */
async function advanceClock(req: IncomingMessage, res: ServerResponse, clock: Clock, wiring: Wiring): Promise<void> {
  let text = '';
  for await (const chunk of req) text += chunk;
  const seconds = Number((JSON.parse(text || '{}') as { advanceSeconds?: unknown }).advanceSeconds ?? 0);
  clock.advance(seconds * 1000);
  for (const job of wiring.background) await job.runOnce();
  const body = JSON.stringify({ now: clock.now().toISOString() });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function health(res: ServerResponse<IncomingMessage>, implemented: string[]): void {
  const services = Object.fromEntries(SERVICE_NAMES.map((s) => [s, implemented.includes(s) ? 'available' : 'not-implemented']));
  // The auditor (`coffer audit`, and the console's Audit page) ships with every server.
  const body = JSON.stringify({ status: 'ok', services, audit: 'available' });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
