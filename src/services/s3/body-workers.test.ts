import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { createDecryptStream, createEncryptStream, encryptedSize, HEADER_BYTES, ObjectStreamError, SEGMENT_SIZE, TAG_BYTES } from '../../crypto/object-stream.js';
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

describe('body workers: reading a stored body from its file', () => {
  const key = randomBytes(32);
  const context = Buffer.from([0, 0, 0, 1]);
  const size = 40 * SEGMENT_SIZE + 5;

  async function withFile(bytes: Buffer, use: (fd: number) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-body-read-'));
    try {
      await writeFile(join(dir, 'blob'), bytes);
      const file = await open(join(dir, 'blob'), 'r');
      try {
        await use(file.fd);
      } finally {
        await file.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  const collect = async (chunks: AsyncIterable<Buffer>) => {
    const parts: Buffer[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return Buffer.concat(parts);
  };

  it('returns the plaintext of the file, whole and by ranges, several reads at once', async () => {
    const plaintext = randomBytes(size);
    await withFile(await seal(key, plaintext, context), async (fd) => {
      const read = (start: number, end: number) => collect(bodyWorkers().readFile({ fd, key, context, plaintextSize: size, start, end }));
      const ranges = [[0, size - 1], [SEGMENT_SIZE - 3, 33 * SEGMENT_SIZE + 9], [size - 1, size - 1], [17 * SEGMENT_SIZE, 17 * SEGMENT_SIZE + 1]] as const;
      const got = await Promise.all(ranges.map(([start, end]) => read(start, end)));
      ranges.forEach(([start, end], k) => assert.deepEqual(got[k], plaintext.subarray(start, end + 1), `${start}-${end}`));
    });
  });

  it('fails with ObjectStreamError for an altered, truncated or foreign body, after the batches before it', async () => {
    const plaintext = randomBytes(size);
    const stored = await seal(key, plaintext, context);
    const altered = Buffer.from(stored);
    altered[HEADER_BYTES + 18 * SEALED + 3]! ^= 1;
    await withFile(altered, async (fd) => {
      const received: Buffer[] = [];
      await assert.rejects((async () => {
        for await (const chunk of bodyWorkers().readFile({ fd, key, context, plaintextSize: size, start: 0, end: size - 1 })) received.push(chunk);
      })(), ObjectStreamError);
      assert.deepEqual(Buffer.concat(received), plaintext.subarray(0, 16 * SEGMENT_SIZE), 'the first batch only');
    });
    await withFile(stored.subarray(0, stored.length - 10), async (fd) => {
      await assert.rejects(collect(bodyWorkers().readFile({ fd, key, context, plaintextSize: size, start: 0, end: size - 1 })), ObjectStreamError);
    });
    await withFile(stored, async (fd) => {
      await assert.rejects(collect(bodyWorkers().readFile({ fd, key, context: Buffer.from([0, 0, 0, 2]), plaintextSize: size, start: 0, end: size - 1 })), ObjectStreamError);
    });
  });

  it('chunks released once used come back as the memory of later batches, which still read right', async () => {
    const plaintext = randomBytes(size);
    const other = randomBytes(size);
    const [a, b] = [await seal(key, plaintext, context), await seal(key, other, context)];
    await withFile(a, (fdA) => withFile(b, async (fdB) => {
      // Two bodies read in turns, each chunk copied out and released: the buffers go round.
      for (let round = 0; round < 4; round++) {
        for (const [fd, expected] of [[fdA, plaintext], [fdB, other]] as const) {
          const parts: Buffer[] = [];
          for await (const chunk of bodyWorkers().readFile({ fd, key, context, plaintextSize: size, start: 0, end: size - 1 })) {
            parts.push(Buffer.from(chunk));
            bodyWorkers().release(chunk);
            assert.equal(chunk.length, 0, 'a released chunk is emptied: its memory went back');
          }
          assert.deepEqual(Buffer.concat(parts), expected);
        }
      }
    }));
    const foreign = Buffer.from('not from a worker');
    bodyWorkers().release(foreign);
    assert.equal(foreign.toString(), 'not from a worker', 'other buffers are left alone');
  });

  it('a reader that stops early ends only once the worker no longer reads the file, and the worker stays usable', async () => {
    const plaintext = randomBytes(size);
    await withFile(await seal(key, plaintext, context), async (fd) => {
      for await (const chunk of bodyWorkers().readFile({ fd, key, context, plaintextSize: size, start: 0, end: size - 1 })) {
        assert.deepEqual(chunk, plaintext.subarray(0, chunk.length));
        break;
      }
      assert.deepEqual(await collect(bodyWorkers().readFile({ fd, key, context, plaintextSize: size, start: 0, end: size - 1 })), plaintext);
    });
  });
});

describe('body workers: writing a large body into a file', () => {
  const key = randomBytes(32);
  const context = Buffer.from([0, 0, 0, 1]);

  async function inTempFile(use: (path: string, fd: number) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-body-write-'));
    try {
      const file = await open(join(dir, 'blob'), 'wx');
      try {
        await use(join(dir, 'blob'), file.fd);
      } finally {
        await file.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Feeds `plaintext` in uneven chunks, as a socket would, waiting when told to. */
  async function feed(write: { update(chunk: Buffer): Promise<void> | undefined }, plaintext: Buffer): Promise<void> {
    for (let at = 0, n = 1; at < plaintext.length; at += n, n = (n * 7919 + 13) % 300_000 + 1) await write.update(plaintext.subarray(at, at + n));
  }

  it('seals the body into the file exactly as the encrypt stream would, with its digests, several at once', async () => {
    const sizes = [5 << 20, (3 << 20) + 77, 40 * SEGMENT_SIZE];
    await Promise.all(sizes.map((size) => inTempFile(async (path, fd) => {
      const plaintext = randomBytes(size);
      const write = bodyWorkers().writeFile({ md5: true, algorithm: 'CRC32' }, { fd, key, context });
      await feed(write, plaintext);
      const result = await write.result();
      assert.deepEqual(result.md5, createHash('md5').update(plaintext).digest());
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(plaintext) >>> 0);
      assert.equal(result.checksum, crc.toString('base64'));
      const stored = await readFile(path);
      assert.equal(stored.length, encryptedSize(size));
      const opened: Buffer[] = [];
      for await (const chunk of Readable.from([stored]).pipe(createDecryptStream(key, context))) opened.push(chunk as Buffer);
      assert.deepEqual(Buffer.concat(opened), plaintext, `${size} bytes`);
    })));
  });

  it('a discarded body resolves only once nothing writes the file any more, and the workers stay usable', async () => {
    await inTempFile(async (path, fd) => {
      const write = bodyWorkers().writeFile({ md5: false, algorithm: 'CRC32' }, { fd, key, context });
      await feed(write, randomBytes(6 << 20));
      await write.discard();
      const size = (await stat(path)).size;
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal((await stat(path)).size, size, 'no write after discard resolved');
      assert.ok(size < encryptedSize(6 << 20), 'the final segment never written');
    });
    await inTempFile(async (path, fd) => {
      const plaintext = randomBytes(2 << 20);
      const write = bodyWorkers().writeFile({ md5: false, algorithm: 'SHA256' }, { fd, key, context });
      await feed(write, plaintext);
      assert.equal((await write.result()).checksum, createHash('sha256').update(plaintext).digest('base64'));
      assert.equal((await stat(path)).size, encryptedSize(2 << 20));
    });
  });

  it('a file the worker cannot write fails the body', async () => {
    await inTempFile(async (path) => {
      const readOnly = await open(path, 'r');
      try {
        const write = bodyWorkers().writeFile({ md5: true, algorithm: 'CRC32' }, { fd: readOnly.fd, key, context });
        await assert.rejects((async () => {
          await feed(write, randomBytes(9 << 20));
          await write.result();
        })(), /body worker: EBADF/);
        await write.discard();
      } finally {
        await readOnly.close();
      }
    });
  });
});
