import { createServer } from 'node:http';

/**
 * The physical limit for small requests: a trivial Node HTTP server that reads the body and
 * answers a fixed small response (a GET: 4 KiB, as the 4 KiB GET scenario's objects are). Run as
 * its own process so it gets a core like Coffer does.
 */
const small = Buffer.from('ok');
const object = Buffer.alloc(4096, 7);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const body = req.method === 'GET' ? object : small;
    res.writeHead(200, { 'content-type': 'text/xml', 'content-length': String(body.length) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`echo listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
