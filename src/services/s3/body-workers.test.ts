import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { createEncryptStream, HEADER_BYTES, ObjectStreamError, SEGMENT_SIZE, TAG_BYTES } from '../../crypto/object-stream.js';
import { bodyWorkers } from './body-workers.js';

const SEALED = SEGMENT_SIZE + TAG_BYTES;

async function seal(key: Buffer, plaintext: Buffer, context: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of Readable.from([plaintext]).pipe(createEncryptStream(key, context))) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe('body workers: opening sealed segments', () => {
  const key = randomBytes(32);
  const context = Buffer.from([0, 0, 0, 3]);
  const size = 5 * SEGMENT_SIZE + 77;

  it('opens segments on the worker, from any segment on, and many batches at once', async () => {
    const plaintext = randomBytes(size);
    const stored = await seal(key, plaintext, context);
    const header = stored.subarray(0, HEADER_BYTES);
    const segments = (first: number, last: number) => ({
      key, header, context, plaintextSize: size, firstIndex: first,
      // Views into a larger buffer, split mid-segment, as reads hand them over: copied before they move.
      sealed: [stored.subarray(HEADER_BYTES + first * SEALED, HEADER_BYTES + first * SEALED + 1000), stored.subarray(HEADER_BYTES + first * SEALED + 1000, Math.min(stored.length, HEADER_BYTES + (last + 1) * SEALED))],
    });
    const opened = await Promise.all([bodyWorkers().unseal(segments(0, 1)), bodyWorkers().unseal(segments(2, 4)), bodyWorkers().unseal(segments(5, 5))]);
    assert.deepEqual(Buffer.concat(opened.flat()), plaintext);
    assert.equal(stored.length, HEADER_BYTES + 6 * TAG_BYTES + size, 'the caller keeps its buffer');
  });

  it('answers ObjectStreamError for segments that fail authentication, and stays usable', async () => {
    const plaintext = randomBytes(size);
    const stored = await seal(key, plaintext, context);
    const header = stored.subarray(0, HEADER_BYTES);
    const whole = { key, header, context, plaintextSize: size, firstIndex: 0 };
    const altered = Buffer.from(stored.subarray(HEADER_BYTES));
    altered[3 * SEALED + 1]! ^= 0x80;
    await assert.rejects(bodyWorkers().unseal({ ...whole, sealed: [altered] }), ObjectStreamError);
    await assert.rejects(bodyWorkers().unseal({ ...whole, context: Buffer.from([0, 0, 0, 4]), sealed: [stored.subarray(HEADER_BYTES)] }), ObjectStreamError);
    await assert.rejects(bodyWorkers().unseal({ ...whole, sealed: [stored.subarray(HEADER_BYTES, HEADER_BYTES + SEALED - 1)] }), ObjectStreamError);
    assert.deepEqual(Buffer.concat(await bodyWorkers().unseal({ ...whole, sealed: [stored.subarray(HEADER_BYTES)] })), plaintext);
  });
});
