/**
 * The worker thread behind body-workers.ts. It hashes the bodies it is sent (digests.ts), each in
 * its own session, in the order their bytes arrive, acknowledging every batch so the sender can
 * bound what is in flight; it opens batches of a stored body's sealed segments for a GET
 * (crypto/object-stream.ts), answering with their plaintext only once every tag verified; and it
 * reads a GET's segments from a local blob's file itself and opens them, a few batches ahead of
 * the request's thread, which then only writes them to the socket. For a large PUT to a local blob
 * it does the reverse: seals the plaintext it is sent and writes it to the new blob's file, so the
 * request's thread only reads the socket.
 */
import { createHash, type Hash } from 'node:crypto';
import { fdatasync, read, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { createChecksum, type Checksum, type ChecksumAlgorithm } from '../../auth/checksums.js';
import { OPEN_BATCH_PLAINTEXT, ObjectStreamError, openSegments, openStoredBatches, SegmentSealer, sealedBound, type OpenedBatch } from '../../crypto/object-stream.js';
import { EarlyFlush } from '../../store/fs/fs-blob-store.js';

export type BodyWorkerRequest =
  | { type: 'open'; id: number; md5: boolean; algorithm: ChecksumAlgorithm }
  | { type: 'data'; id: number; bytes: ArrayBuffer; length: number }
  | { type: 'close'; id: number }
  | { type: 'discard'; id: number }
  /** SealedSegments (object-stream.ts) as plain bytes: `sealed` (its first `length` bytes) moves here, the rest is copied. */
  | { type: 'unseal'; id: number; key: Uint8Array; header: Uint8Array; context: Uint8Array; plaintextSize: number; firstIndex: number; sealed: ArrayBuffer; length: number }
  /**
   * Read the plaintext [start, end] of the stored body in the open file `fd` (the sender keeps it
   * open until this read ends); its first batch is wanted at once.
   */
  | { type: 'read'; id: number; fd: number; key: Uint8Array; context: Uint8Array; plaintextSize: number; start: number; end: number }
  /** The sender wants the next batch. */
  | { type: 'read-more'; id: number }
  /** The sender wants no more: answered with `read-stopped` once no read of the file is under way. */
  | { type: 'read-stop'; id: number }
  /** Batch buffers of earlier reads, written out by the sender: memory for the next batches. */
  | { type: 'recycle'; buffers: ArrayBuffer[] }
  /** Seal what follows into the open file `fd` (a new blob's, which the sender commits or aborts). */
  | { type: 'seal-open'; id: number; fd: number; key: Uint8Array; context: Uint8Array }
  /** Plaintext to seal: the first `length` bytes of `bytes`, which moves here and is handed back. */
  | { type: 'seal-data'; id: number; bytes: ArrayBuffer; length: number }
  /** The body ended: seal and write the final segment. */
  | { type: 'seal-close'; id: number }
  /** The body failed: write no more (answered with `seal-stopped`). */
  | { type: 'seal-stop'; id: number };

export type BodyWorkerReply =
  /** `bytes` is the batch's memory, handed back for the sender to reuse. */
  | { type: 'hashed'; id: number; length: number; bytes: ArrayBuffer }
  | { type: 'done'; id: number; md5?: Uint8Array; checksum: string }
  | { type: 'failed'; id: number; message: string }
  /** `sealed` is the request's memory, handed back for the sender to reuse. */
  | { type: 'unsealed'; id: number; plaintext: ArrayBuffer[]; sealed: ArrayBuffer }
  /** `corrupt`: the segments failed authentication (an ObjectStreamError), not the worker. */
  | { type: 'unseal-failed'; id: number; message: string; corrupt: boolean; sealed: ArrayBuffer }
  /**
   * A batch of a `read` (OpenedBatch): its plaintext, the first `length` bytes of a buffer moved
   * here, which the sender hands back (`recycle`) once written out. After the `last`, the file is
   * not read again.
   */
  | { type: 'read-batch'; id: number; offset: number; plaintext: ArrayBuffer; length: number; last: boolean }
  /** The read failed and is over; `corrupt` as for unseal-failed. */
  | { type: 'read-failed'; id: number; message: string; corrupt: boolean }
  | { type: 'read-stopped'; id: number }
  /** A `seal-data` batch was sealed and written (or dropped, its body having failed): its memory, handed back. */
  | { type: 'sealed'; id: number; length: number; bytes: ArrayBuffer }
  /** Every byte sealed and written (not yet synced: the blob's commit syncs); `size` is the stored size. */
  | { type: 'seal-done'; id: number; size: number }
  /** Sealing or writing failed: nothing more is written to the file. Sent once, instead of `seal-done`. */
  | { type: 'seal-failed'; id: number; message: string }
  | { type: 'seal-stopped'; id: number };

const sessions = new Map<number, { md5?: Hash; checksum: Checksum }>();

/** A large PUT's body being sealed into its file. */
interface Sealing {
  fd: number;
  sealer: SegmentSealer;
  written: number;
  /** The file's background flushes (on the thread pool): the file stays open while one is under way. */
  flush: EarlyFlush;
  /** Failed: nothing more is written, and the sender is told once no flush is under way. */
  failed?: boolean;
}
const sealings = new Map<number, Sealing>();
const datasync = promisify(fdatasync);

/** Where this thread seals a batch before writing it: one buffer for every session (each batch is sealed and written at once). */
let sealedOut = Buffer.alloc(0);

/** Seals with `seal` into sealedOut, grown to hold `bound` bytes, and writes what it gave to the file. */
function sealAndWrite(fd: number, bound: number, seal: (out: Buffer) => number): number {
  if (sealedOut.length < bound) sealedOut = Buffer.allocUnsafeSlow(bound);
  const length = seal(sealedOut);
  // A write may take less than asked: the rest follows.
  for (let at = 0; at < length;) at += writeSync(fd, sealedOut, at, length - at);
  return length;
}

/**
 * Seals `plaintext` (none: the body ended, seal its final segment) and writes it to the file; on a
 * failure the session ends and the sender hears of it once. The file is flushed in the background
 * as the blob store's own writes are (EarlyFlush), so sealing goes on meanwhile; a failed flush
 * fails the body.
 */
function sealStep(id: number, sealing: Sealing, plaintext: Buffer | undefined): boolean {
  if (sealing.failed) return false;
  try {
    if (sealing.flush.error) throw sealing.flush.error;
    const { sealer } = sealing;
    const written = sealAndWrite(sealing.fd, sealedBound(plaintext?.length ?? 0), (out) => (plaintext ? sealer.pushInto(plaintext, out) : sealer.endInto(out)));
    // The sealer holds back a segment's plaintext: copied, as the batch it came in goes back.
    if (plaintext) sealer.copyHeldBack();
    sealing.written += written;
    sealing.flush.wrote(written);
    return true;
  } catch (err) {
    void fail(id, sealing, err as Error);
    return false;
  }
}

/**
 * Ends a session that failed and tells the sender, once no flush of its file is under way (it is
 * kept till then, so that a `seal-stop` meanwhile waits for the flush too).
 */
async function fail(id: number, sealing: Sealing, err: Error): Promise<void> {
  sealing.failed = true;
  await sealing.flush.settled();
  if (sealings.get(id) === sealing) sealings.delete(id);
  parentPort!.postMessage({ type: 'seal-failed', id, message: err.message } satisfies BodyWorkerReply);
}

/**
 * A `read` under way: its batches, those opened and not yet sent, and how many the sender asked
 * for. Batches are opened ahead (up to READ_AHEAD) but sent only when asked for: a batch's
 * plaintext then reaches the request's thread just before it is written, and dies young there,
 * freed by a scavenge instead of waiting in the old generation for a full collection.
 */
interface Reading {
  batches: AsyncGenerator<OpenedBatch>;
  ready: OpenedBatch[];
  wanted: number;
  /** A batch is being read and opened. */
  busy: boolean;
  /** Every batch has been opened (the last is in `ready` or sent). */
  opened: boolean;
  failure?: Error;
  stopped: boolean;
}
const readings = new Map<number, Reading>();
/** Batches a read opens before they are asked for. */
const READ_AHEAD = 2;
/** Batch buffers handed back and kept for the next batches, at most. */
const SPARE_BATCHES = 2;
/**
 * Batch buffers the sender handed back. Reused rather than new: every buffer that arrives on the
 * request's thread is memory outside its heap, which a busy stream piled up there faster than its
 * collector freed it (a full collection every ~64 MB, and ~60 MiB more peak RSS over a 1 GiB GET).
 */
const spare: ArrayBuffer[] = [];

/** Plaintext pieces as ArrayBuffers to move, not copy: each piece the decipher gave has memory of its own (else it is copied). */
function movable(pieces: Buffer[]): ArrayBuffer[] {
  return pieces.map((piece) => (piece.byteOffset === 0 && piece.byteLength === piece.buffer.byteLength ? piece.buffer : new Uint8Array(piece).buffer) as ArrayBuffer);
}

/** A buffer for a batch's plaintext (OPEN_BATCH_PLAINTEXT bytes): a spare one if there is one. */
function batchBuffer(): Buffer {
  return Buffer.from(spare.pop() ?? Buffer.allocUnsafeSlow(OPEN_BATCH_PLAINTEXT).buffer);
}

/** Sends what was asked for and is ready; a failure once the batches before it are sent. */
function send(id: number, reading: Reading): void {
  while (reading.wanted > 0 && reading.ready.length > 0) {
    const batch = reading.ready.shift()!;
    reading.wanted -= 1;
    const buffer = batch.plaintext.buffer as ArrayBuffer;
    parentPort!.postMessage({ type: 'read-batch', id, offset: batch.offset, plaintext: buffer, length: batch.plaintext.length, last: batch.last } satisfies BodyWorkerReply, [buffer]);
    if (batch.last) readings.delete(id);
  }
  if (reading.failure && reading.ready.length === 0) {
    readings.delete(id);
    const err = reading.failure;
    parentPort!.postMessage({ type: 'read-failed', id, message: err.message, corrupt: err instanceof ObjectStreamError } satisfies BodyWorkerReply);
  }
}

/** Opens a reading's batches until READ_AHEAD wait; the one place its file is read. */
async function pump(id: number, reading: Reading): Promise<void> {
  if (reading.busy) return;
  reading.busy = true;
  try {
    while (!reading.stopped && !reading.opened && !reading.failure && reading.ready.length < READ_AHEAD) {
      const next = await reading.batches.next();
      if (reading.stopped) break;
      if (next.done) {
        reading.opened = true;
        break;
      }
      reading.ready.push(next.value);
      reading.opened = next.value.last;
      send(id, reading);
    }
  } catch (err) {
    reading.failure = err as Error;
    if (!reading.stopped) send(id, reading);
  } finally {
    reading.busy = false;
  }
  if (reading.stopped) {
    readings.delete(id);
    parentPort!.postMessage({ type: 'read-stopped', id } satisfies BodyWorkerReply);
  }
}

/** A Buffer over the bytes of a Uint8Array that arrived in a message (a view, not a copy). */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A positional read of the file `fd`: what openStoredBatches reads through. */
function fileReader(fd: number) {
  return (into: Buffer, position: number, length: number) => new Promise<Buffer>((resolve, reject) => {
    read(fd, into, 0, length, position, (err, bytesRead) => (err ? reject(err) : resolve(into.subarray(0, bytesRead))));
  });
}

parentPort?.on('message', (message: BodyWorkerRequest) => {
  const reply = (r: BodyWorkerReply) => parentPort!.postMessage(r);
  switch (message.type) {
    case 'open':
      sessions.set(message.id, { md5: message.md5 ? createHash('md5') : undefined, checksum: createChecksum(message.algorithm) });
      return;
    case 'data': {
      const session = sessions.get(message.id);
      if (session) {
        const bytes = new Uint8Array(message.bytes, 0, message.length);
        session.md5?.update(bytes);
        session.checksum.update(bytes);
      }
      parentPort!.postMessage({ type: 'hashed', id: message.id, length: message.length, bytes: message.bytes } satisfies BodyWorkerReply, [message.bytes]);
      return;
    }
    case 'close': {
      const session = sessions.get(message.id);
      if (!session) return reply({ type: 'failed', id: message.id, message: 'no such digest session' });
      sessions.delete(message.id);
      reply({ type: 'done', id: message.id, md5: session.md5?.digest(), checksum: session.checksum.digest() });
      return;
    }
    case 'discard':
      sessions.delete(message.id);
      return;
    case 'unseal': {
      const { id, sealed } = message;
      try {
        const opened = openSegments({
          key: bufferOf(message.key), header: bufferOf(message.header), context: bufferOf(message.context),
          plaintextSize: message.plaintextSize, firstIndex: message.firstIndex, sealed: [Buffer.from(sealed, 0, message.length)],
        });
        const plaintext = movable(opened);
        parentPort!.postMessage({ type: 'unsealed', id, plaintext, sealed } satisfies BodyWorkerReply, [...plaintext, sealed]);
      } catch (err) {
        parentPort!.postMessage({ type: 'unseal-failed', id, message: (err as Error).message, corrupt: err instanceof ObjectStreamError, sealed } satisfies BodyWorkerReply, [sealed]);
      }
      return;
    }
    case 'read': {
      const reading: Reading = {
        batches: openStoredBatches(fileReader(message.fd), bufferOf(message.key), message.plaintextSize, message.start, message.end, bufferOf(message.context), batchBuffer),
        ready: [], wanted: 1, busy: false, opened: false, stopped: false,
      };
      readings.set(message.id, reading);
      void pump(message.id, reading);
      return;
    }
    case 'read-more': {
      const reading = readings.get(message.id);
      if (!reading) return;
      reading.wanted += 1;
      send(message.id, reading);
      void pump(message.id, reading);
      return;
    }
    case 'recycle':
      for (const buffer of message.buffers) if (spare.length < SPARE_BATCHES && buffer.byteLength === OPEN_BATCH_PLAINTEXT) spare.push(buffer);
      return;
    case 'seal-open': {
      const { fd } = message;
      sealings.set(message.id, { fd, sealer: new SegmentSealer(bufferOf(message.key), bufferOf(message.context)), written: 0, flush: new EarlyFlush(() => datasync(fd)) });
      return;
    }
    case 'seal-data': {
      const sealing = sealings.get(message.id);
      if (sealing) sealStep(message.id, sealing, Buffer.from(message.bytes, 0, message.length));
      parentPort!.postMessage({ type: 'sealed', id: message.id, length: message.length, bytes: message.bytes } satisfies BodyWorkerReply, [message.bytes]);
      return;
    }
    case 'seal-close': {
      const sealing = sealings.get(message.id);
      // A session that failed says so itself (fail()).
      if (!sealing || !sealStep(message.id, sealing, undefined)) return;
      void (async () => {
        await sealing.flush.settled();
        if (sealing.flush.error) return fail(message.id, sealing, sealing.flush.error as Error);
        sealings.delete(message.id);
        reply({ type: 'seal-done', id: message.id, size: sealing.written });
      })();
      return;
    }
    case 'seal-stop': {
      const sealing = sealings.get(message.id);
      sealings.delete(message.id);
      // The sender closes the file once stopped: not while a flush of it is under way.
      void Promise.resolve(sealing?.flush.settled()).then(() => reply({ type: 'seal-stopped', id: message.id }));
      return;
    }
    case 'read-stop': {
      const reading = readings.get(message.id);
      if (!reading) return reply({ type: 'read-stopped', id: message.id });
      reading.stopped = true;
      // A batch being read answers once its read is done (pump); otherwise nothing reads the file now.
      if (!reading.busy) void pump(message.id, reading);
      return;
    }
  }
});
