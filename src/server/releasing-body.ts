/**
 * Response bodies whose chunks' memory their producer reuses: a large GET's plaintext arrives in
 * batch buffers from a body worker (services/s3/body-workers.ts), which gets each buffer back for
 * a later batch. A buffer may go back only once the socket has taken the chunk: until its write
 * completes, the connection may still read that memory. So the gateway writes such a body itself,
 * chunk by chunk, and releases each chunk in its write's callback; any other consumer (a copy's
 * re-encryption, a test) reads it as the plain Readable it is, and its buffers are simply
 * collected.
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

export type Release = (chunk: Buffer) => void;

const releasers = new WeakMap<Readable, Release>();

/** Marks `body` as one whose written chunks go back through `release`. */
export function releasingBody(body: Readable, release: Release): Readable {
  releasers.set(body, release);
  return body;
}

export function releaserOf(body: Readable): Release | undefined {
  return releasers.get(body);
}

/**
 * Writes `body` to `res` and ends it, releasing each chunk once written; resolves when the
 * response has finished, rejects (and destroys the body) if the client goes away first, as
 * `pipeline(body, res)` does.
 */
export async function writeReleasing(body: Readable, res: ServerResponse, release: Release): Promise<void> {
  // Leaving the loop early (a throw) ends the iteration, which destroys the body and so stops its producer.
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (res.destroyed) throw new Error('the response closed before its body was written');
    const room = res.write(chunk, (err) => {
      if (!err) release(chunk);
    });
    if (!room) await drained(res);
  }
  res.end();
  await finished(res);
}

/** Resolves on `drain`; rejects if the response closes first. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('the response closed before its body was written'));
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
