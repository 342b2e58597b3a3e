/**
 * Object bodies at rest: segmented AES-256-GCM, after MinIO's DARE (Data At Rest Encryption).
 * A body is cut into fixed-size segments, each sealed on its own, so a range read decrypts only
 * the segments it covers, memory stays flat whatever the object's size, and a stored body that was
 * truncated, extended, reordered or altered is detected instead of being returned as data.
 *
 * ## Format, version 0x01
 *
 * ```
 *   blob    = header || segment_0 || segment_1 || ... || segment_{n-1}
 *
 *   header (20 bytes)
 *   offset  length  field
 *   0       4       magic "CFOB" (Coffer object body)
 *   4       1       version = 0x01
 *   5       1       log2(segment size) = 16 (64 KiB), the only size version 0x01 allows
 *   6       2       reserved, zero
 *   8       12      base nonce, random for every stream
 *
 *   segment_i = AES-256-GCM(key, nonce_i, aad_i, plaintext_i) ciphertext || 16-byte tag
 *   nonce_i   = base nonce with its last 4 bytes XORed with uint32be(i)
 *   aad_i     = header || uint32be(i) || final_i || context
 *   final_i   = 0x01 for the last segment, 0x00 for every other
 * ```
 *
 * - Every segment but the last holds exactly 65,536 plaintext bytes; the last holds 1..65,536,
 *   except for an empty body, which is exactly one final segment of 0 bytes. A body of exactly k
 *   segments' worth ends with a full final segment, never an extra empty one. So the stored size is
 *   a function of the plaintext size: `20 + max(1, ceil(P / 65536)) * 16 + P` (see
 *   {@link encryptedSize}), and a range maps to stored offsets without reading anything.
 * - The key is a per-object random data key (the caller seals it, e.g. with the root key's Sealer
 *   under an AAD naming the object version), never used for another body.
 * - The header is authenticated as part of every segment's AAD, so a changed version, segment size
 *   or nonce fails the first segment. The sequence number in the nonce and the AAD binds each
 *   segment to its place: a reordered or duplicated segment fails. The final flag makes a body cut
 *   at a segment boundary fail (its new last segment was sealed as not final), and so does a body
 *   with segments appended (the old last segment now has a successor but was sealed as final).
 * - `context` binds a stream to its place in a larger whole (e.g. a part number of a multipart
 *   object), so streams sealed under one data key cannot be swapped with each other.
 * - Plaintext is released only after its segment's tag verified (node:crypto's `final()`).
 * - 2^32 segments of 64 KiB (256 TiB) bound one stream, far above S3's 5 TiB object limit.
 */
import { createCipheriv, createDecipheriv, type CipherGCM, type DecipherGCM } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { publicRandom } from './random-pool.js';

/** Plaintext bytes in every segment but the last. */
export const SEGMENT_SIZE = 64 * 1024;
export const HEADER_BYTES = 20;
export const TAG_BYTES = 16;
const MAGIC = Buffer.from('CFOB', 'latin1');
const VERSION = 0x01;
const SEGMENT_LOG2 = 16;
const NONCE_BYTES = 12;
const KEY_BYTES = 32;
const MAX_SEGMENTS = 2 ** 32;
const SEALED_SEGMENT = SEGMENT_SIZE + TAG_BYTES;
/** Buffered bytes per stream: enough segments in flight that crypto overlaps the disk and the socket. */
const STREAM_BUFFER = 256 << 10;

/** A stored body that is not what was written: truncated, extended, reordered, altered or of an unknown format. */
export class ObjectStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ObjectStreamError';
  }
}

/** How many segments a body of `plaintextSize` bytes has (an empty body has one). */
export function segmentCount(plaintextSize: number): number {
  return Math.max(1, Math.ceil(plaintextSize / SEGMENT_SIZE));
}

/** The stored size of a body of `plaintextSize` bytes. */
export function encryptedSize(plaintextSize: number): number {
  return HEADER_BYTES + segmentCount(plaintextSize) * TAG_BYTES + plaintextSize;
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new RangeError(`object data keys are ${KEY_BYTES} bytes`);
}

function newHeader(): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header[4] = VERSION;
  header[5] = SEGMENT_LOG2;
  publicRandom(NONCE_BYTES).copy(header, 8);
  return header;
}

/** Checks a stored header and returns it; ObjectStreamError if it is not a version 0x01 header. */
function parseHeader(header: Buffer): Buffer {
  if (header.length < HEADER_BYTES) throw new ObjectStreamError('stored body is truncated: incomplete header');
  if (!header.subarray(0, 4).equals(MAGIC)) throw new ObjectStreamError('stored body has no object-stream header');
  if (header[4] !== VERSION) throw new ObjectStreamError(`stored body has unknown format version ${header[4]}`);
  if (header[5] !== SEGMENT_LOG2 || header[6] !== 0 || header[7] !== 0) throw new ObjectStreamError('stored body header is not valid for version 1');
  return header.subarray(0, HEADER_BYTES);
}

function nonceFor(header: Buffer, index: number): Buffer {
  const nonce = Buffer.from(header.subarray(8, 8 + NONCE_BYTES));
  nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ index) >>> 0, 8);
  return nonce;
}

function aadFor(header: Buffer, index: number, final: boolean, context: Buffer): Buffer {
  const aad = Buffer.alloc(HEADER_BYTES + 5 + context.length);
  header.copy(aad, 0);
  aad.writeUInt32BE(index, HEADER_BYTES);
  aad[HEADER_BYTES + 4] = final ? 1 : 0;
  context.copy(aad, HEADER_BYTES + 5);
  return aad;
}

/**
 * Opens the sealed segment of `sealedLength` bytes at the front of `queue` (its ciphertext, then its
 * tag); its plaintext, in pieces, only once the tag verified.
 */
function openSegment(key: Buffer, header: Buffer, index: number, final: boolean, context: Buffer, queue: ByteQueue, sealedLength: number): Buffer[] {
  if (sealedLength < TAG_BYTES) throw new ObjectStreamError('stored body is truncated: incomplete segment');
  const ciphertext = queue.takePieces(sealedLength - TAG_BYTES);
  const decipher = segmentDecipher(key, header, index, final, context, queue.take(TAG_BYTES));
  const plaintext = ciphertext.map((piece) => decipher.update(piece));
  authenticate(decipher, index);
  return plaintext;
}

/** The decipher of segment `index`, its AAD and tag set. */
function segmentDecipher(key: Buffer, header: Buffer, index: number, final: boolean, context: Buffer, tag: Buffer): DecipherGCM {
  const decipher = createDecipheriv('aes-256-gcm', key, nonceFor(header, index), { authTagLength: TAG_BYTES });
  decipher.setAAD(aadFor(header, index, final, context));
  decipher.setAuthTag(tag);
  return decipher;
}

/** Checks a segment's tag once all its ciphertext went through `decipher`. */
function authenticate(decipher: DecipherGCM, index: number): void {
  try {
    decipher.final();
  } catch {
    throw new ObjectStreamError(`stored body failed authentication at segment ${index}: altered, truncated, reordered or sealed with another key`);
  }
}

/** Bytes queued in arrival order, taken off the front without copying (but for a header or tag split across two pieces). */
class ByteQueue {
  private chunks: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /**
   * The first `n` bytes (n <= length), removed from the queue, as the pieces they arrived in: never
   * copied, so a segment that spans two socket reads or file reads costs no extra buffer (cipher
   * and decipher take their input piece by piece).
   */
  takePieces(n: number): Buffer[] {
    const pieces: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const chunk = this.chunks[0]!;
      if (chunk.length <= left) {
        pieces.push(chunk);
        this.chunks.shift();
        left -= chunk.length;
      } else {
        pieces.push(chunk.subarray(0, left));
        this.chunks[0] = chunk.subarray(left);
        left = 0;
      }
    }
    this.length -= n;
    return pieces;
  }

  /** Replaces the queued pieces by one copy of them: the queue no longer refers to memory it was given. */
  own(): void {
    if (this.length > 0) this.chunks = [Buffer.concat(this.chunks, this.length)];
  }

  /** The first `n` bytes (n <= length) as one buffer, removed from the queue (header and tag sized). */
  take(n: number): Buffer {
    const pieces = this.takePieces(n);
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, n);
  }
}

/** The cipher of segment `index`, its AAD set. */
function segmentCipher(key: Buffer, header: Buffer, index: number, final: boolean, context: Buffer): CipherGCM {
  if (index >= MAX_SEGMENTS) throw new ObjectStreamError('body is too large for one object stream');
  const cipher = createCipheriv('aes-256-gcm', key, nonceFor(header, index), { authTagLength: TAG_BYTES });
  cipher.setAAD(aadFor(header, index, final, context));
  return cipher;
}

/** Segment `index` sealed: its ciphertext, piece by piece as the plaintext came, then its tag. */
function sealSegment(key: Buffer, header: Buffer, index: number, final: boolean, context: Buffer, plaintext: Buffer[]): Buffer[] {
  const cipher = segmentCipher(key, header, index, final, context);
  const sealed = plaintext.map((piece) => cipher.update(piece));
  cipher.final();
  sealed.push(cipher.getAuthTag());
  return sealed;
}

/**
 * Segment `index` sealed into `out` at `at`; returns where it ends. The ciphertext passes as a
 * latin1 string, which lives on the V8 heap and dies young, not as a Buffer of its own: a worker
 * thread sealing a stream allocates little else on its heap, so it collects seldom, and the dead
 * Buffers piled up between its collections (about 35 MiB more peak RSS over a 3 GiB PUT). The GET
 * side opens segments the same way (openSegmentsInto).
 */
function sealSegmentInto(key: Buffer, header: Buffer, index: number, final: boolean, context: Buffer, plaintext: Buffer[], out: Buffer, at: number): number {
  const cipher = segmentCipher(key, header, index, final, context);
  for (const piece of plaintext) at += out.write(cipher.update(piece, undefined, 'latin1'), at, 'latin1');
  cipher.final();
  return at + cipher.getAuthTag().copy(out, at);
}

/**
 * A whole body in memory, sealed at once: the stored body createEncryptStream would write, without
 * a stream's set-up, which costs more than sealing a body of a few KiB.
 */
export function encryptWhole(key: Buffer, plaintext: Buffer, context: Buffer = Buffer.alloc(0)): Buffer {
  checkKey(key);
  const header = newHeader();
  const out = [header];
  const last = segmentCount(plaintext.length) - 1;
  for (let index = 0; index <= last; index++) {
    const piece = plaintext.subarray(index * SEGMENT_SIZE, (index + 1) * SEGMENT_SIZE);
    out.push(...sealSegment(key, header, index, index === last, context, [piece]));
  }
  return Buffer.concat(out, encryptedSize(plaintext.length));
}

/**
 * A body sealed as it arrives, without a stream: `push` takes plaintext and gives back the stored
 * bytes ready so far (the header first), `end` the rest. A full segment is held until the next byte
 * arrives or the body ends, because only then is it known whether it is the final one. Used by
 * createEncryptStream, and (`pushInto`, `endInto`) by a body worker that seals a large PUT into
 * its file (body-worker.ts).
 */
export class SegmentSealer {
  private readonly header = newHeader();
  private readonly queue = new ByteQueue();
  private index = 0;
  private started = false;

  constructor(private readonly key: Buffer, private readonly context: Buffer = Buffer.alloc(0)) {
    checkKey(key);
  }

  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    this.feed(chunk, (plaintext, final) => {
      if (plaintext === undefined) out.push(this.header);
      else out.push(...sealSegment(this.key, this.header, this.index++, final, this.context, plaintext));
    });
    return out;
  }

  end(): Buffer[] {
    return this.push(END);
  }

  /**
   * As push(), but the stored bytes are written into `out`, from its start, and their number
   * returned; `out` holds at least sealedBound(chunk.length) bytes. No Buffer is made per segment
   * (sealSegmentInto says why).
   */
  pushInto(chunk: Buffer, out: Buffer): number {
    if (out.length < sealedBound(chunk.length)) throw new RangeError('the output buffer is too small for what the chunk may seal');
    let length = 0;
    this.feed(chunk, (plaintext, final) => {
      if (plaintext === undefined) length += this.header.copy(out, length);
      else length = sealSegmentInto(this.key, this.header, this.index++, final, this.context, plaintext, out, length);
    });
    return length;
  }

  endInto(out: Buffer): number {
    return this.pushInto(END, out);
  }

  /**
   * Copies the plaintext held back (at most a segment), so that the memory given to `push` may be
   * reused or moved elsewhere at once.
   */
  copyHeldBack(): void {
    this.queue.own();
  }

  /** Queues `chunk` (END: the body ended) and hands each segment now ready to `seal` (no plaintext: the header). */
  private feed(chunk: Buffer, seal: (plaintext: Buffer[] | undefined, final: boolean) => void): void {
    if (!this.started) {
      this.started = true;
      seal(undefined, false);
    }
    if (chunk === END) return seal(this.queue.takePieces(this.queue.length), true);
    this.queue.push(chunk);
    // Strictly more than a segment queued: the next segment has a successor, so it is not final.
    while (this.queue.length > SEGMENT_SIZE) seal(this.queue.takePieces(SEGMENT_SIZE), false);
  }
}

/** What SegmentSealer is fed at the end of a body. */
const END = Buffer.alloc(0);

/** The most stored bytes a SegmentSealer may give for `plaintextBytes` more (with the segment it held back, and the header). */
export function sealedBound(plaintextBytes: number): number {
  return HEADER_BYTES + plaintextBytes + SEGMENT_SIZE + (Math.ceil(plaintextBytes / SEGMENT_SIZE) + 2) * TAG_BYTES;
}

/** Plaintext in, stored body out (header, then sealed segments): a SegmentSealer as a stream. */
export function createEncryptStream(key: Buffer, context: Buffer = Buffer.alloc(0)): Transform {
  const sealer = new SegmentSealer(key, context);
  const pass = (stream: Transform, pieces: () => Buffer[], callback: TransformCallback): void => {
    try {
      for (const piece of pieces()) stream.push(piece);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  };
  return new Transform({
    highWaterMark: STREAM_BUFFER,
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pass(this, () => sealer.push(chunk), callback);
    },
    flush(callback: TransformCallback) {
      pass(this, () => sealer.end(), callback);
    },
  });
}

/**
 * A whole stored body in, plaintext out. Fails with ObjectStreamError (destroying the stream) on
 * any deviation from the format; plaintext already released was authenticated segment by segment.
 */
export function createDecryptStream(key: Buffer, context: Buffer = Buffer.alloc(0)): Transform {
  checkKey(key);
  const queue = new ByteQueue();
  let header: Buffer | undefined;
  let index = 0;
  return new Transform({
    highWaterMark: STREAM_BUFFER,
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        queue.push(chunk);
        if (!header) {
          if (queue.length < HEADER_BYTES) return callback();
          header = parseHeader(queue.take(HEADER_BYTES));
        }
        // More than one sealed segment queued: the first is followed by another, so not final.
        while (queue.length > SEALED_SEGMENT) for (const piece of openSegment(key, header, index++, false, context, queue, SEALED_SEGMENT)) this.push(piece);
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!header) throw new ObjectStreamError('stored body is truncated: incomplete header');
        for (const piece of openSegment(key, header, index, true, context, queue, queue.length)) this.push(piece);
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}

/** Reads the stored bytes [start, end] (inclusive) of the body: the blob store's ranged get. */
export type StoredRangeReader = (start: number, end: number) => Promise<AsyncIterable<Buffer | Uint8Array>>;

/** Where the plaintext bytes [start, end] of a body of `plaintextSize` bytes are stored. */
export interface SegmentSpan {
  firstSegment: number;
  lastSegment: number;
  /** Stored byte offsets (inclusive) holding those segments. */
  storedStart: number;
  storedEnd: number;
}

/** The segments (and stored bytes) a plaintext range needs; RangeError for a range outside the body. */
export function segmentSpan(plaintextSize: number, start: number, end: number): SegmentSpan {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= plaintextSize) {
    throw new RangeError(`range ${start}-${end} is outside a body of ${plaintextSize} bytes`);
  }
  const firstSegment = Math.floor(start / SEGMENT_SIZE);
  const lastSegment = Math.floor(end / SEGMENT_SIZE);
  const lastLength = Math.min(SEGMENT_SIZE, plaintextSize - lastSegment * SEGMENT_SIZE);
  return {
    firstSegment,
    lastSegment,
    storedStart: HEADER_BYTES + firstSegment * SEALED_SEGMENT,
    storedEnd: HEADER_BYTES + lastSegment * SEALED_SEGMENT + lastLength + TAG_BYTES - 1,
  };
}

/** segmentSpan, or the one empty segment of an empty body for its only range (start = 0, end = -1). */
function rangeSpan(plaintextSize: number, start: number, end: number): SegmentSpan {
  const empty = plaintextSize === 0 && start === 0 && end === -1;
  return empty ? { firstSegment: 0, lastSegment: 0, storedStart: HEADER_BYTES, storedEnd: HEADER_BYTES + TAG_BYTES - 1 } : segmentSpan(plaintextSize, start, end);
}

/** The stored length of segment `index` of a body of `plaintextSize` bytes (ciphertext and tag). */
function sealedLength(plaintextSize: number, index: number): number {
  const last = index === segmentCount(plaintextSize) - 1;
  return (last ? plaintextSize - index * SEGMENT_SIZE : SEGMENT_SIZE) + TAG_BYTES;
}

/** Adds to `out` the parts within the plaintext range [start, end] of `pieces`, which begin at plaintext `offset`. */
export function clipTo(out: Buffer[], pieces: Buffer[], offset: number, start: number, end: number): void {
  for (const piece of pieces) {
    const from = Math.max(0, start - offset);
    const to = Math.min(piece.length, end - offset + 1);
    if (to > from) out.push(piece.subarray(from, to));
    offset += piece.length;
  }
}

/** Opens segment `index` at the front of `queue` and adds its plaintext within [start, end] to `out`. */
function openRange(out: Buffer[], key: Buffer, header: Buffer, context: Buffer, plaintextSize: number, index: number, queue: ByteQueue, start: number, end: number): void {
  const final = index === segmentCount(plaintextSize) - 1;
  clipTo(out, openSegment(key, header, index, final, context, queue, sealedLength(plaintextSize, index)), index * SEGMENT_SIZE, start, end);
}

/**
 * Whole sealed segments of one body, to be opened elsewhere (a worker thread: see SegmentOpener).
 * `sealed` holds segments `firstIndex` onwards, back to back, each whole, in pieces as they were read.
 */
export interface SealedSegments {
  key: Buffer;
  header: Buffer;
  context: Buffer;
  plaintextSize: number;
  firstIndex: number;
  sealed: Buffer[];
}

/** Opens SealedSegments somewhere other than the calling thread; resolves to openSegments' result. */
export type SegmentOpener = (segments: SealedSegments) => Promise<Buffer[]>;

/**
 * The plaintext of whole sealed segments, in pieces; ObjectStreamError unless every one of them
 * authenticates (nothing is returned before all have).
 */
export function openSegments({ key, header, context, plaintextSize, firstIndex, sealed }: SealedSegments): Buffer[] {
  checkKey(key);
  const parsed = parseHeader(header);
  const queue = new ByteQueue();
  for (const piece of sealed) queue.push(piece);
  const opened: Buffer[] = [];
  for (let index = firstIndex; queue.length > 0; index++) {
    if (index >= segmentCount(plaintextSize) || queue.length < sealedLength(plaintextSize, index)) throw new ObjectStreamError('sealed segments are not whole');
    opened.push(...openSegment(key, parsed, index, index === segmentCount(plaintextSize) - 1, context, queue, sealedLength(plaintextSize, index)));
  }
  return opened;
}

/** Sealed bytes sent to an opener at once (at most): enough segments that the hop costs little beside them. */
export const OPEN_BATCH_BYTES = 16 * SEALED_SEGMENT;
/** Batches handed to an opener beyond the one awaited, per body: the opener works on the next while this thread writes the last. */
const OPEN_BATCHES_IN_FLIGHT = 1;

/**
 * The plaintext bytes [start, end] (inclusive) of a stored body of `plaintextSize` bytes, reading
 * and opening only the segments that hold them (plus the header). `plaintextSize` comes from the
 * object's metadata: a wrong one fails authentication (the final flag would not match), never
 * returns wrong bytes. A range may be empty only for an empty body (start = 0, end = -1), which
 * still authenticates the body's single empty segment.
 *
 * With an `opener`, segments are opened by it in batches, one batch ahead, while this thread goes
 * on reading and the caller writes what was opened: decryption then runs beside the disk and the
 * socket instead of between them. Batches come back in order, each whole and authenticated.
 */
export function decryptRange(
  read: StoredRangeReader, key: Buffer, plaintextSize: number, start: number, end: number,
  context: Buffer = Buffer.alloc(0), opener?: SegmentOpener,
): AsyncGenerator<Buffer> {
  checkKey(key);
  const span = rangeSpan(plaintextSize, start, end);
  async function* generate(): AsyncGenerator<Buffer> {
    // The header first: from the same read when the span starts at the first segment.
    const readFrom = span.firstSegment === 0 ? 0 : span.storedStart;
    const queue = new ByteQueue();
    let header = readFrom === 0 ? undefined : parseHeader(await readAll(await read(0, HEADER_BYTES - 1), HEADER_BYTES));
    let index = span.firstSegment;
    // With an opener: batches handed over, oldest first, each with the plaintext offset it starts at.
    const inFlight: Array<{ opened: Promise<Buffer[]>; offset: number }> = [];
    let batch: Buffer[] = [];
    let batchBytes = 0;
    let batchFirst = index;
    const handOver = (): void => {
      if (batchBytes === 0) return;
      const opened = opener!({ key, header: header!, context, plaintextSize, firstIndex: batchFirst, sealed: batch });
      // Awaited in order below; until then a failure must not count as unhandled.
      opened.catch(() => undefined);
      inFlight.push({ opened, offset: batchFirst * SEGMENT_SIZE });
      batch = [];
      batchBytes = 0;
      batchFirst = index;
    };
    // The oldest batch's plaintext within [start, end], once it is back.
    const nextOpened = async (): Promise<Buffer[]> => {
      const next = inFlight.shift()!;
      const kept: Buffer[] = [];
      clipTo(kept, await next.opened, next.offset, start, end);
      return kept;
    };
    for await (const chunk of await read(readFrom, span.storedEnd)) {
      queue.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (!header) {
        if (queue.length < HEADER_BYTES) continue;
        header = parseHeader(queue.take(HEADER_BYTES));
      }
      // Every segment this read completed leaves as one chunk: fewer, larger writes downstream.
      const opened: Buffer[] = [];
      while (index <= span.lastSegment && queue.length >= sealedLength(plaintextSize, index)) {
        if (!opener) {
          openRange(opened, key, header, context, plaintextSize, index++, queue, start, end);
          continue;
        }
        const length = sealedLength(plaintextSize, index++);
        batch.push(...queue.takePieces(length));
        batchBytes += length;
        if (batchBytes >= OPEN_BATCH_BYTES) handOver();
      }
      if (opened.length > 0) yield opened.length === 1 ? opened[0]! : Buffer.concat(opened);
      while (inFlight.length > OPEN_BATCHES_IN_FLIGHT) yield* await nextOpened();
    }
    if (index <= span.lastSegment || queue.length > 0) throw new ObjectStreamError('stored body is truncated');
    handOver();
    while (inFlight.length > 0) yield* await nextOpened();
  }
  // A generator, not a stream: the caller (body.ts) makes the one stream the response reads, and a
  // stream here too would buffer another STREAM_BUFFER of plaintext per body in flight.
  return generate();
}

/**
 * Reads up to `length` stored bytes at `position` into `into` (which it may reuse): fewer only
 * where the stored body ends. A local file's positional read.
 */
export type StoredPositionReader = (into: Buffer, position: number, length: number) => Promise<Buffer>;

/** The most plaintext a batch of openStoredBatches holds: the segments of OPEN_BATCH_BYTES sealed bytes. */
export const OPEN_BATCH_PLAINTEXT = (OPEN_BATCH_BYTES / SEALED_SEGMENT) * SEGMENT_SIZE;

/** One batch of openStoredBatches: whole segments' plaintext, beginning at plaintext `offset`. */
export interface OpenedBatch {
  offset: number;
  /** The start of a buffer `batchBuffer` gave. */
  plaintext: Buffer;
  /** No batch follows. */
  last: boolean;
}

/**
 * decryptRange's work for a body that can be read at any position (a local file, read on a body
 * worker): the segments covering [start, end], read and opened OPEN_BATCH_BYTES at a time into a
 * buffer of OPEN_BATCH_PLAINTEXT bytes from `batchBuffer`, each batch yielded only once all its
 * tags verified (a batch that fails leaves its buffer wiped). Batches hold whole segments: the
 * caller clips them to the range (clipTo). The same checks hold: a stored body shorter than its
 * size says, or altered, fails with ObjectStreamError.
 */
export async function* openStoredBatches(
  readAt: StoredPositionReader, key: Buffer, plaintextSize: number, start: number, end: number, context: Buffer,
  batchBuffer: () => Buffer,
): AsyncGenerator<OpenedBatch> {
  checkKey(key);
  const span = rangeSpan(plaintextSize, start, end);
  const header = Buffer.from(parseHeader(await readAt(Buffer.allocUnsafe(HEADER_BYTES), 0, HEADER_BYTES)));
  // One buffer for the sealed bytes of every batch: opening copies them out as plaintext.
  let sealed = Buffer.allocUnsafeSlow(0);
  let position = span.storedStart;
  for (let index = span.firstSegment; index <= span.lastSegment;) {
    const first = index;
    let length = sealedLength(plaintextSize, index++);
    while (index <= span.lastSegment && length + sealedLength(plaintextSize, index) <= OPEN_BATCH_BYTES) length += sealedLength(plaintextSize, index++);
    if (sealed.length < length) sealed = Buffer.allocUnsafeSlow(Math.max(length, Math.min(OPEN_BATCH_BYTES, span.storedEnd - span.storedStart + 1)));
    const read = await readAt(sealed, position, length);
    if (read.length < length) throw new ObjectStreamError('stored body is truncated');
    position += length;
    const into = batchBuffer();
    let opened: number;
    try {
      opened = openSegmentsInto(key, header, context, plaintextSize, first, read, into);
    } catch (err) {
      into.fill(0);
      throw err;
    }
    yield { offset: first * SEGMENT_SIZE, plaintext: into.subarray(0, opened), last: index > span.lastSegment };
  }
}

/**
 * Opens the whole segments held one after another in `sealed`, the first being `firstIndex`,
 * into `into` from its start; returns the plaintext's length. Each segment's plaintext leaves the
 * decipher as a latin1 string, one byte a character, and is written into `into` from there: the
 * decipher's own output buffer is then freed at once, where a Buffer per segment would be memory
 * outside the heap that a worker's collector frees only after tens of megabytes of it (the body
 * worker's malloc arena grew by ~40 MiB over a streamed GET).
 */
function openSegmentsInto(key: Buffer, header: Buffer, context: Buffer, plaintextSize: number, firstIndex: number, sealed: Buffer, into: Buffer): number {
  let written = 0;
  for (let index = firstIndex, at = 0; at < sealed.length; index++) {
    const length = sealedLength(plaintextSize, index);
    if (index >= segmentCount(plaintextSize) || sealed.length - at < length) throw new ObjectStreamError('sealed segments are not whole');
    const tagAt = at + length - TAG_BYTES;
    const decipher = segmentDecipher(key, header, index, index === segmentCount(plaintextSize) - 1, context, sealed.subarray(tagAt, at + length));
    const plaintext = decipher.update(sealed.subarray(at, tagAt), undefined, 'latin1');
    if (written + plaintext.length > into.length) throw new RangeError('batch buffer too small for the batch');
    written += into.write(plaintext, written, 'latin1');
    authenticate(decipher, index);
    at += length;
  }
  return written;
}

/**
 * The plaintext bytes [start, end] (inclusive) of a whole stored body held in memory (a small body
 * kept in the database): decryptRange's result, opened at once rather than streamed. The same
 * checks hold: each segment read is authenticated before any of its bytes are returned.
 */
export function decryptWhole(stored: Buffer, key: Buffer, plaintextSize: number, start: number, end: number, context: Buffer = Buffer.alloc(0)): Buffer {
  checkKey(key);
  const span = rangeSpan(plaintextSize, start, end);
  const header = parseHeader(stored);
  if (stored.length <= span.storedEnd) throw new ObjectStreamError('stored body is truncated');
  const queue = new ByteQueue();
  queue.push(stored.subarray(span.storedStart, span.storedEnd + 1));
  const opened: Buffer[] = [];
  for (let index = span.firstSegment; index <= span.lastSegment; index++) openRange(opened, key, header, context, plaintextSize, index, queue, start, end);
  return opened.length === 1 ? opened[0]! : Buffer.concat(opened);
}

async function readAll(source: AsyncIterable<Buffer | Uint8Array>, expected: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    parts.push(buf);
    size += buf.length;
  }
  if (size !== expected) throw new ObjectStreamError('stored body is truncated: incomplete header');
  return Buffer.concat(parts, size);
}
