import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, get, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { releaserOf, releasingBody, writeReleasing } from './releasing-body.js';

describe('releasing bodies: chunks go back only once written', () => {
  let server: Server;
  let url: string;
  let respond: (res: ServerResponse) => void;

  before(async () => {
    server = createServer((_req, res) => respond(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('writes every chunk in order and releases each after its write completed', async () => {
    const chunks = Array.from({ length: 24 }, () => randomBytes(1 << 20));
    const released: Buffer[] = [];
    let pending = 0;
    let early = 0;
    let written: Promise<void> | undefined;
    respond = (res) => {
      res.writeHead(200, { 'content-length': String(24 << 20) });
      const body = releasingBody(Readable.from(chunks), (chunk) => {
        // A release while the response still holds unwritten bytes of it would be too early.
        if (res.writableLength > 0 && res.writableLength >= chunk.length) early += 1;
        released.push(chunk);
      });
      const release = releaserOf(body)!;
      written = writeReleasing(body, res, (chunk) => {
        pending -= 1;
        release(chunk);
      });
      pending = chunks.length;
    };
    const received = await new Promise<Buffer>((resolve, reject) => {
      get(url, (res) => {
        const parts: Buffer[] = [];
        // A slow reader, so that writes wait on the socket.
        res.on('data', (d: Buffer) => {
          parts.push(d);
          res.pause();
          setTimeout(() => res.resume(), 1);
        });
        res.on('end', () => resolve(Buffer.concat(parts)));
      }).on('error', reject);
    });
    await written;
    assert.deepEqual(received, Buffer.concat(chunks));
    assert.equal(pending, 0);
    assert.equal(released.length, chunks.length);
    released.forEach((chunk, k) => assert.equal(chunk, chunks[k], `chunk ${k} released in order, itself`));
    assert.equal(early, 0);
  });

  it('a client that goes away stops the body: it is destroyed, unwritten chunks are never released, the write rejects', async () => {
    let produced = 0;
    const released: Buffer[] = [];
    let destroyed!: Promise<void>;
    // Settled as a value: the write may fail before the test gets to await it.
    let written!: Promise<Error | undefined>;
    const ready = new Promise<void>((resolve) => {
      respond = (res) => {
        res.writeHead(200, { 'content-length': String(1 << 30) });
        const body = Readable.from((async function* () {
          for (;;) {
            produced += 1;
            yield randomBytes(1 << 20);
          }
        })());
        destroyed = new Promise((done) => body.on('close', () => done()));
        written = writeReleasing(body, res, (chunk) => released.push(chunk)).then(() => undefined, (err: Error) => err);
        resolve();
      };
    });
    await new Promise<void>((resolve, reject) => {
      const req = get(url, (res) => {
        let got = 0;
        res.on('data', (d: Buffer) => {
          got += d.length;
          if (got > 4 << 20) req.destroy();
        });
        res.on('close', () => resolve());
      });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      void reject;
    });
    await ready;
    assert.ok((await written) instanceof Error, 'the write rejects');
    await destroyed;
    assert.ok(released.length < produced, `released ${released.length} of ${produced} produced`);
  });
});
