import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  createDecryptStream, createEncryptStream, decryptRange, decryptWhole, encryptedSize, encryptWhole, HEADER_BYTES, ObjectStreamError,
  openSegments, openStoredBatches, OPEN_BATCH_PLAINTEXT, SEGMENT_SIZE, segmentSpan, TAG_BYTES, clipTo, type SealedSegments,
} from './object-stream.js';

const S = SEGMENT_SIZE;
const SEALED = S + TAG_BYTES;

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** Encrypts `plaintext` fed in chunks of `chunk` bytes (odd sizes exercise the segment buffering). */
async function seal(key: Buffer, plaintext: Buffer, chunk = 7777, context?: Buffer): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < plaintext.length; i += chunk) pieces.push(plaintext.subarray(i, i + chunk));
  return collect(Readable.from(pieces).pipe(createEncryptStream(key, context)));
}

async function open(key: Buffer, stored: Buffer, context?: Buffer): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < stored.length; i += 5000) pieces.push(stored.subarray(i, i + 5000));
  return collect(Readable.from(pieces).pipe(createDecryptStream(key, context)));
}

/** A reader over an in-memory stored body, as the blob store's ranged get would give it. */
function reader(stored: Buffer): (start: number, end: number) => Promise<AsyncIterable<Buffer>> {
  return async (start, end) => {
    if (end >= stored.length) throw new RangeError('outside blob');
    const slice = stored.subarray(start, end + 1);
    const pieces: Buffer[] = [];
    for (let i = 0; i < slice.length; i += 3000) pieces.push(slice.subarray(i, i + 3000));
    return Readable.from(pieces);
  };
}

function range(key: Buffer, stored: Buffer, size: number, start: number, end: number, context?: Buffer): Promise<Buffer> {
  return collect(decryptRange(reader(stored), key, size, start, end, context));
}

const rejectsStream = (p: Promise<unknown>) => assert.rejects(p, ObjectStreamError);

/** A fresh batch buffer for openStoredBatches (a body worker reuses them). */
const newBatch = () => Buffer.alloc(OPEN_BATCH_PLAINTEXT);

describe('object-stream: segmented AES-256-GCM bodies', () => {
  const key = randomBytes(32);

  for (const size of [0, 1, S - 1, S, S + 1, 2 * S, 3 * S + 12345]) {
    it(`round-trips ${size} bytes, stored in encryptedSize(${size}) bytes`, async () => {
      const plaintext = randomBytes(size);
      const stored = await seal(key, plaintext);
      assert.equal(stored.length, encryptedSize(size));
      assert.deepEqual(await open(key, stored), plaintext);
      if (size > 0) assert.deepEqual(await range(key, stored, size, 0, size - 1), plaintext);
    });
  }

  for (const size of [0, 1, S, S + 1, 2 * S + 7]) {
    it(`encryptWhole writes the stream's format: ${size} bytes open with the decrypt stream and by range, under its context only`, async () => {
      const plaintext = randomBytes(size);
      const context = Buffer.from('s3-body-part:1');
      const stored = encryptWhole(key, plaintext, context);
      assert.equal(stored.length, encryptedSize(size));
      assert.deepEqual(await open(key, stored, context), plaintext);
      if (size > 0) assert.deepEqual(await range(key, stored, size, size - 1, size - 1, context), plaintext.subarray(size - 1));
      await rejectsStream(open(key, stored, Buffer.from('s3-body-part:2')));
      assert.notDeepEqual(encryptWhole(key, plaintext, context).subarray(0, HEADER_BYTES), stored.subarray(0, HEADER_BYTES), 'a fresh nonce each time');
    });
  }

  for (const size of [0, 1, 5000, S, S + 1, 2 * S + 7]) {
    it(`decryptWhole returns what decryptRange streams: ${size} bytes, whole and by ranges`, async () => {
      const plaintext = randomBytes(size);
      const stored = await seal(key, plaintext);
      assert.deepEqual(decryptWhole(stored, key, size, 0, size - 1), plaintext);
      for (const [start, end] of [[0, 0], [size - 1, size - 1], [1, size - 2], [S - 1, S], [S, size - 1]] as const) {
        if (start < 0 || end < start || end >= size) continue;
        assert.deepEqual(decryptWhole(stored, key, size, start, end), await range(key, stored, size, start, end), `${start}-${end}`);
      }
    });
  }

  it('decryptWhole authenticates what it returns: a flipped byte, a truncation, another key or context, a wrong size all fail', async () => {
    const plaintext = randomBytes(5000);
    const context = Buffer.from('s3-body-part:1');
    const stored = encryptWhole(key, plaintext, context);
    const flipped = Buffer.from(stored);
    flipped[HEADER_BYTES + 10]! ^= 1;
    assert.throws(() => decryptWhole(flipped, key, 5000, 0, 0, context), ObjectStreamError);
    assert.throws(() => decryptWhole(stored.subarray(0, stored.length - 1), key, 5000, 0, 4999, context), ObjectStreamError);
    assert.throws(() => decryptWhole(stored, randomBytes(32), 5000, 0, 4999, context), ObjectStreamError);
    assert.throws(() => decryptWhole(stored, key, 5000, 0, 4999), ObjectStreamError);
    assert.throws(() => decryptWhole(stored, key, 4999, 0, 4998, context), ObjectStreamError);
    assert.throws(() => decryptWhole(stored, key, 5000, 0, 5000, context), RangeError);
  });

  it('an empty body is one final empty segment, and opens as empty through both readers', async () => {
    const stored = await seal(key, Buffer.alloc(0));
    assert.equal(stored.length, HEADER_BYTES + TAG_BYTES);
    assert.equal((await open(key, stored)).length, 0);
    assert.equal((await range(key, stored, 0, 0, -1)).length, 0);
    // The empty segment still authenticates: flipping its tag fails.
    const bad = Buffer.from(stored);
    bad[bad.length - 1]! ^= 1;
    await rejectsStream(open(key, bad));
    await rejectsStream(range(key, bad, 0, 0, -1));
  });

  it('exact multiples of the segment size end with a full final segment, not an extra empty one', async () => {
    const plaintext = randomBytes(2 * S);
    const stored = await seal(key, plaintext, S);
    assert.equal(stored.length, HEADER_BYTES + 2 * SEALED);
    // Appending an empty final segment's worth of bytes is detected (the old last one was final).
    await rejectsStream(open(key, Buffer.concat([stored, stored.subarray(stored.length - TAG_BYTES)])));
  });

  it('ranges across segment boundaries, single bytes, the first and the last byte', async () => {
    const size = 3 * S + 100;
    const plaintext = randomBytes(size);
    const stored = await seal(key, plaintext);
    const cases: Array<[number, number]> = [
      [0, 0], [S - 1, S], [S - 10, 2 * S + 10], [S, 2 * S - 1], [size - 1, size - 1], [3 * S, size - 1], [5, size - 1], [2 * S - 1, 2 * S - 1],
    ];
    for (const [start, end] of cases) {
      assert.deepEqual(await range(key, stored, size, start, end), plaintext.subarray(start, end + 1), `${start}-${end}`);
    }
  });

  it('a range read touches only the segments it needs (and the header)', async () => {
    const size = 4 * S;
    const stored = await seal(key, randomBytes(size));
    const reads: Array<[number, number]> = [];
    const read = async (start: number, end: number) => {
      reads.push([start, end]);
      return reader(stored)(start, end);
    };
    await collect(decryptRange(read, key, size, 2 * S + 5, 2 * S + 6));
    assert.deepEqual(reads, [[0, HEADER_BYTES - 1], [HEADER_BYTES + 2 * SEALED, HEADER_BYTES + 3 * SEALED - 1]]);
    assert.deepEqual(segmentSpan(size, 2 * S + 5, 2 * S + 6), {
      firstSegment: 2, lastSegment: 2, storedStart: HEADER_BYTES + 2 * SEALED, storedEnd: HEADER_BYTES + 3 * SEALED - 1,
    });
    assert.throws(() => segmentSpan(size, 0, size), RangeError);
  });

  it('with an opener: the same plaintext, whole and by ranges, opened elsewhere in batches of whole segments, a few at a time', async () => {
    const size = 40 * S + 123;
    const plaintext = randomBytes(size);
    const stored = await seal(key, plaintext);
    const batches: Array<{ first: number; segments: number }> = [];
    let open = 0;
    let mostOpen = 0;
    // Another thread stands in for the worker: openSegments, answered on a later turn of the loop.
    const opener = async (segments: SealedSegments): Promise<Buffer[]> => {
      batches.push({ first: segments.firstIndex, segments: Math.ceil(Buffer.concat(segments.sealed).length / SEALED) });
      mostOpen = Math.max(mostOpen, ++open);
      await new Promise((resolve) => setImmediate(resolve));
      open--;
      return openSegments(segments);
    };
    const viaOpener = (start: number, end: number) => collect(decryptRange(reader(stored), key, size, start, end, undefined, opener));
    assert.deepEqual(await viaOpener(0, size - 1), plaintext);
    assert.deepEqual(batches.map((b) => b.first), [0, 16, 32], 'batches of 16 whole segments, in order');
    assert.equal(batches.reduce((n, b) => n + b.segments, 0), 41);
    assert.ok(mostOpen <= 2, `at most two batches handed over at once (saw ${mostOpen})`);
    for (const [start, end] of [[S - 10, 17 * S + 5], [16 * S, 16 * S], [33 * S - 1, size - 1], [5, 6]] as const) {
      assert.deepEqual(await viaOpener(start, end), plaintext.subarray(start, end + 1), `${start}-${end}`);
    }
  });

  it('with an opener: a flipped byte, a truncation, another key or a wrong size fail, and nothing from the failing batch on is returned', async () => {
    const size = 40 * S;
    const plaintext = randomBytes(size);
    const stored = await seal(key, plaintext);
    const opener = async (segments: SealedSegments) => openSegments(segments);
    const received: Buffer[] = [];
    const flipped = Buffer.from(stored);
    flipped[HEADER_BYTES + 20 * SEALED + 7]! ^= 1;
    await rejectsStream((async () => {
      for await (const chunk of decryptRange(reader(flipped), key, size, 0, size - 1, undefined, opener)) received.push(chunk);
    })());
    assert.deepEqual(Buffer.concat(received), plaintext.subarray(0, 16 * S), 'only the batch before the altered one');
    await assert.rejects(collect(decryptRange(reader(stored.subarray(0, stored.length - 1)), key, size, 0, size - 1, undefined, opener)));
    await rejectsStream(collect(decryptRange(reader(stored), randomBytes(32), size, 0, size - 1, undefined, opener)));
    await rejectsStream(collect(decryptRange(reader(stored), key, size - 1, 0, size - 2, undefined, opener)));
    const header = stored.subarray(0, HEADER_BYTES);
    const whole = { key, header, context: Buffer.alloc(0), plaintextSize: size, firstIndex: 0 };
    assert.throws(() => openSegments({ ...whole, sealed: [stored.subarray(HEADER_BYTES, HEADER_BYTES + SEALED + 1)] }), ObjectStreamError, 'part of a segment');
    assert.throws(() => openSegments({ ...whole, firstIndex: 40, sealed: [stored.subarray(HEADER_BYTES, HEADER_BYTES + SEALED)] }), ObjectStreamError, 'past the last segment');
  });

  it('openStoredBatches: positional reads of whole batches, clipped to the same plaintext, whole and by ranges', async () => {
    const size = 40 * S + 123;
    const plaintext = randomBytes(size);
    const stored = await seal(key, plaintext);
    const reads: Array<[number, number]> = [];
    const readAt = async (into: Buffer, position: number, length: number) => {
      reads.push([position, length]);
      return into.subarray(0, stored.copy(into, 0, position, position + length));
    };
    const viaBatches = async (start: number, end: number) => {
      const out: Buffer[] = [];
      const last: boolean[] = [];
      for await (const batch of openStoredBatches(readAt, key, size, start, end, Buffer.alloc(0), newBatch)) {
        clipTo(out, [batch.plaintext], batch.offset, start, end);
        last.push(batch.last);
      }
      assert.deepEqual(last.map((l, k) => l === (k === last.length - 1)), last.map(() => true), 'only the last batch says so');
      return Buffer.concat(out);
    };
    assert.deepEqual(await viaBatches(0, size - 1), plaintext);
    assert.deepEqual(reads, [[0, HEADER_BYTES], [HEADER_BYTES, 16 * SEALED], [HEADER_BYTES + 16 * SEALED, 16 * SEALED], [HEADER_BYTES + 32 * SEALED, 8 * SEALED + 123 + TAG_BYTES]], 'the header, then batches of 16 whole segments');
    for (const [start, end] of [[S - 10, 17 * S + 5], [16 * S, 16 * S], [33 * S - 1, size - 1], [5, 6]] as const) {
      assert.deepEqual(await viaBatches(start, end), plaintext.subarray(start, end + 1), `${start}-${end}`);
    }
    const empty = await seal(key, Buffer.alloc(0));
    const emptyBatches = [];
    for await (const batch of openStoredBatches(async (into, position, length) => into.subarray(0, empty.copy(into, 0, position, position + length)), key, 0, 0, -1, Buffer.alloc(0), newBatch)) emptyBatches.push(batch);
    assert.deepEqual(emptyBatches.map((b) => [b.offset, b.plaintext.length, b.last]), [[0, 0, true]], 'an empty body is its one empty segment, authenticated');
  });

  it('openStoredBatches: a short file, a flipped byte, another key or context, or a wrong size fail, from the failing batch on', async () => {
    const size = 40 * S;
    const plaintext = randomBytes(size);
    const stored = await seal(key, plaintext);
    const from = (bytes: Buffer) => async (into: Buffer, position: number, length: number) => into.subarray(0, Math.max(0, bytes.copy(into, 0, position, Math.min(bytes.length, position + length))));
    const all = async (bytes: Buffer, k = key, s = size, context?: Buffer) => {
      const got: Buffer[] = [];
      for await (const batch of openStoredBatches(from(bytes), k, s, 0, s - 1, context ?? Buffer.alloc(0), newBatch)) got.push(batch.plaintext);
      return Buffer.concat(got);
    };
    const flipped = Buffer.from(stored);
    flipped[HEADER_BYTES + 20 * SEALED + 7]! ^= 1;
    const received: Buffer[] = [];
    const given: Buffer[] = [];
    await rejectsStream((async () => {
      for await (const batch of openStoredBatches(from(flipped), key, size, 0, size - 1, Buffer.alloc(0), () => given[given.push(newBatch()) - 1]!)) received.push(batch.plaintext);
    })());
    assert.deepEqual(Buffer.concat(received), plaintext.subarray(0, 16 * S), 'only the batch before the altered one');
    assert.ok(given[1]!.equals(Buffer.alloc(OPEN_BATCH_PLAINTEXT)), 'the failing batch\'s buffer is wiped of what it had opened');
    await rejectsStream(all(stored.subarray(0, stored.length - 1)));
    await rejectsStream(all(stored.subarray(0, HEADER_BYTES - 1)));
    await rejectsStream(all(stored, randomBytes(32)));
    await rejectsStream(all(stored, key, size, Buffer.from('another place')));
    await rejectsStream(all(stored, key, size - 1));
  });

  it('truncation is detected: mid-segment, at a segment boundary, inside the header', async () => {
    const size = 2 * S + 10;
    const stored = await seal(key, randomBytes(size));
    await rejectsStream(open(key, stored.subarray(0, stored.length - 1)));
    await rejectsStream(open(key, stored.subarray(0, HEADER_BYTES + SEALED)));
    await rejectsStream(open(key, stored.subarray(0, HEADER_BYTES + 2 * SEALED)));
    await rejectsStream(open(key, stored.subarray(0, 10)));
    await rejectsStream(open(key, Buffer.alloc(0)));
    // A range reader given a size that the stored body no longer has.
    const cut = stored.subarray(0, HEADER_BYTES + 2 * SEALED);
    await assert.rejects(range(key, cut, size, 0, size - 1));
    // Claiming the body is shorter than it is: the segment that would be last was not sealed as final.
    await rejectsStream(range(key, stored, 2 * S, 0, 2 * S - 1));
  });

  it('reordered or duplicated segments are detected', async () => {
    const size = 3 * S;
    const stored = await seal(key, randomBytes(size));
    const seg = (i: number) => stored.subarray(HEADER_BYTES + i * SEALED, HEADER_BYTES + (i + 1) * SEALED);
    const header = stored.subarray(0, HEADER_BYTES);
    await rejectsStream(open(key, Buffer.concat([header, seg(1), seg(0), seg(2)])));
    await rejectsStream(open(key, Buffer.concat([header, seg(0), seg(0), seg(2)])));
    await rejectsStream(range(key, Buffer.concat([header, seg(1), seg(0), seg(2)]), size, S, S + 1));
  });

  it('a flipped bit anywhere (header, ciphertext, tag) fails authentication', async () => {
    const size = S + 500;
    const stored = await seal(key, randomBytes(size));
    for (const at of [9, HEADER_BYTES, HEADER_BYTES + 1000, HEADER_BYTES + SEALED - 1, HEADER_BYTES + SEALED + 3, stored.length - 1]) {
      const bad = Buffer.from(stored);
      bad[at]! ^= 0x04;
      await rejectsStream(open(key, bad));
      await rejectsStream(range(key, bad, size, 0, size - 1));
    }
  });

  it('a changed magic, version or segment size is refused before any decryption', async () => {
    const stored = await seal(key, randomBytes(100));
    for (const [at, value] of [[0, 0x41], [4, 0x02], [5, 17], [6, 1]] as const) {
      const bad = Buffer.from(stored);
      bad[at] = value;
      await assert.rejects(open(key, bad), ObjectStreamError);
    }
  });

  it('the wrong key or the wrong context fails; the same plaintext never gives the same bytes', async () => {
    const plaintext = randomBytes(1000);
    const stored = await seal(key, plaintext, 1000, Buffer.from('part 1'));
    assert.deepEqual(await open(key, stored, Buffer.from('part 1')), plaintext);
    await rejectsStream(open(key, stored, Buffer.from('part 2')));
    await rejectsStream(open(key, stored));
    await rejectsStream(open(randomBytes(32), stored, Buffer.from('part 1')));
    const again = await seal(key, plaintext, 1000, Buffer.from('part 1'));
    assert.notDeepEqual(again, stored);
    assert.equal(stored.includes(plaintext.subarray(0, 16)), false);
  });

  it('refuses keys that are not 256 bits', () => {
    assert.throws(() => createEncryptStream(randomBytes(16)), RangeError);
    assert.throws(() => createDecryptStream(randomBytes(31)), RangeError);
  });
});
