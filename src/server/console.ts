import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

/** Where the web console is mounted: same origin as the API, so its SDK calls need no CORS. */
export const CONSOLE_PREFIX = '/_coffer/console';

/** True for requests the console answers (`/_coffer/console`, `/_coffer/console/…`, with a query or not). */
export function isConsolePath(url: string | undefined): boolean {
  if (!url?.startsWith(CONSOLE_PREFIX)) return false;
  const next = url.charAt(CONSOLE_PREFIX.length);
  return next === '' || next === '/' || next === '?';
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The console is a static app: scripts only from this origin, API calls only to this origin
 * (the SDK signs same-origin requests), never framed. Styles set through the DOM by React are
 * allowed under 'self'; `data:` images carry the MFA QR code.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** The built console (console/dist) of the project this module belongs to, if it was built. */
export function defaultConsoleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  // Walk up from src/server (or dist/src/server) to the folder with package.json: the project root.
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return join(dir, 'console', 'dist');
}

/**
 * Serves the console's static files under CONSOLE_PREFIX: hashed assets cached forever,
 * index.html for every client-side route, nothing outside the build folder.
 */
export function createConsoleHandler(root = defaultConsoleDir()): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const base = resolve(root);
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'Method Not Allowed', { allow: 'GET, HEAD' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    if (url.pathname === CONSOLE_PREFIX) {
      // The app's relative URLs resolve under the folder, so the bare prefix redirects to it.
      send(res, 301, '', { location: `${CONSOLE_PREFIX}/${url.search}` });
      return;
    }
    // URL parsing removed dot segments: a path that climbed out of the prefix is not the console's.
    if (!url.pathname.startsWith(`${CONSOLE_PREFIX}/`)) {
      send(res, 404, 'Not Found');
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname.slice(CONSOLE_PREFIX.length + 1));
    } catch {
      send(res, 400, 'Bad Request');
      return;
    }
    const file = rel.includes('\0') ? undefined : resolve(base, rel);
    if (!file || (file !== base && !file.startsWith(base + sep))) {
      send(res, 404, 'Not Found');
      return;
    }
    const found = await fileAt(file);
    if (found) {
      await serveFile(req, res, file, found, rel.startsWith('assets/'));
      return;
    }
    // A missing asset is a 404 (a stale page asking for an old hash must not get HTML as script);
    // any other path is a client route (bucket and user names may contain dots), answered by the app.
    if (rel.startsWith('assets/')) {
      send(res, 404, 'Not Found');
      return;
    }
    const index = join(base, 'index.html');
    const indexStat = await fileAt(index);
    if (!indexStat) {
      send(res, 404, 'The console is not built: run `npm run build`.');
      return;
    }
    await serveFile(req, res, index, indexStat, false);
  };
}

async function fileAt(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s : undefined;
  } catch {
    return undefined;
  }
}

async function serveFile(req: IncomingMessage, res: ServerResponse, path: string, info: { size: number; mtimeMs: number }, immutable: boolean): Promise<void> {
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers: Record<string, string | number> = {
    ...SECURITY_HEADERS,
    'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
    // Vite puts a content hash in every asset name, so a name never changes meaning.
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    etag,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': info.size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // pipeline closes the file when the client goes away mid-download.
  await pipeline(createReadStream(path), res).catch(() => res.destroy());
}

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}
