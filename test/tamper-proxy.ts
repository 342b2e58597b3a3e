import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A man in the middle for tests: forwards TCP to `target`, flipping the first occurrence of
 * `needle` in the client's bytes after the HTTP headers into `replacement` (same length).
 */
export async function startTamperProxy(targetPort: number, needle: Buffer, replacement: Buffer): Promise<{ url: string; tampered(): boolean; close(): Promise<void> }> {
  let done = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let seenHeaders = false;
    let tail = Buffer.alloc(0);
    client.on('data', (data: Buffer) => {
      let chunk = data;
      if (!done) {
        const joined = Buffer.concat([tail, chunk]);
        const from = seenHeaders ? 0 : joined.indexOf('\r\n\r\n');
        if (from >= 0) seenHeaders = true;
        const at = seenHeaders ? joined.indexOf(needle, from) : -1;
        if (at >= 0) {
          replacement.copy(joined, at);
          done = true;
        }
        // Hold back a needle's length so a match split across packets is still found.
        const keep = done ? 0 : Math.min(joined.length, needle.length - 1);
        tail = joined.subarray(joined.length - keep);
        chunk = joined.subarray(0, joined.length - keep);
      }
      upstream.write(chunk);
    });
    client.on('end', () => upstream.end(tail));
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    tampered: () => done,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
