/**
 * Worker threads for the per-byte work of large bodies, beside the request's thread (which reads,
 * writes and, for a PUT, encrypts): a PUT's digests (digests.ts: on one thread MD5 alone runs at
 * about half the speed of AES-256-GCM and would bound every large PUT) and the opening of a GET's
 * sealed segments (crypto/object-stream.ts: decrypting between the disk and the socket would
 * otherwise serialize all three on one thread). A GET of a blob in a local file goes further: the
 * worker reads the file too, a few batches ahead, and the request's thread only writes to the
 * socket. body-worker.ts is the thread's side.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { clipTo, OPEN_BATCH_BYTES, ObjectStreamError, type SealedSegments } from '../../crypto/object-stream.js';
import type { BodyWorkerReply, BodyWorkerRequest } from './body-worker.js';
import type { BodyDigests, DigestOptions, DigestResult } from './digests.js';

/**
 * Bytes copied into one message to the worker, either way: a body's bytes to hash, or a GET's
 * sealed segments to open. One size, so that one list of spare batches serves both.
 */
const BATCH_BYTES = OPEN_BATCH_BYTES;
/** Bytes sent but not yet hashed beyond which the body waits: memory stays bounded if the worker falls behind. */
const MAX_IN_FLIGHT = 4 << 20;
/** Batches kept for reuse: the worker hands each back, so a body allocates none once the pool is warm. */
const SPARE_BATCHES = 6;

/** A body streaming to a worker in batches: bytes sent and not yet worked, and how it ends. */
interface Streamed<R> {
  inFlight: number;
  /** Resolves the body's pending update once the worker caught up. */
  resume?: () => void;
  finish?: { resolve: (r: R) => void; reject: (err: Error) => void };
  failed?: Error;
}

type Session = Streamed<DigestResult>;

/** What the batching of a body and its acknowledgements share. */
type Window = Pick<Streamed<unknown>, 'inFlight' | 'resume' | 'failed'>;

/** A large body being sealed into its file on a worker. */
interface Sealing extends Streamed<void> {
  /** Resolves discard() once the worker writes the file no more. */
  stopped?: () => void;
}

interface Unsealing {
  resolve: (plaintext: Buffer[]) => void;
  reject: (err: Error) => void;
}

/** A file read on the worker, as the request's thread follows it. */
interface Reading {
  batches: Array<{ offset: number; plaintext: Buffer }>;
  /** Resolves the reader's wait for a batch or the end. */
  wake?: () => void;
  failed?: Error;
  /** The worker sent the last batch, or answered a stop: it no longer reads the file. */
  done: boolean;
}

/** What a file read reads: the plaintext [start, end] of the stored body in the open file `fd`. */
export interface FileRead {
  fd: number;
  key: Buffer;
  context: Buffer;
  plaintextSize: number;
  start: number;
  end: number;
}

/** Where a large PUT's body goes (BlobStore.create): the new blob's open file, and how to seal it. */
export interface SealTarget {
  fd: number;
  key: Buffer;
  context: Buffer;
}

/** A large body on its way to a local file: digests on one worker, sealing and writing on another. */
export interface BodyFileWrite {
  /** A promise when the caller should wait for the workers to catch up. */
  update(chunk: Buffer): Promise<void> | undefined;
  /** Call once, after the last update: the digests, once every byte is sealed and written to the file. */
  result(): Promise<DigestResult>;
  /** The body failed: resolves once no worker writes the file any more (the caller may then remove it). */
  discard(): Promise<void>;
}

interface Slot {
  worker: Worker;
  sessions: Map<number, Session>;
  sealing: Map<number, Sealing>;
  unsealing: Map<number, Unsealing>;
  reading: Map<number, Reading>;
}

/**
 * One worker per spare core, and at least two: a large PUT to a local file has its digests worked
 * on one and its sealing and writing on another (writeFile), side by side. Each body's work stays
 * on its worker, in order.
 */
class BodyWorkers {
  private readonly workers: Array<Slot | undefined>;
  /** Batch buffers the worker handed back (BATCH_BYTES each): for digests and for sealed segments. */
  private readonly spare: ArrayBuffer[] = [];
  /** Batch buffers of file reads (readFile), until released: the worker each came from. */
  private readonly recyclable = new WeakMap<ArrayBufferLike, Slot>();
  private nextId = 1;

  constructor(size: number) {
    this.workers = new Array(size).fill(undefined);
  }

  /** A body's digests, computed on a worker (the next one in turn, or the `at`th). */
  digests(opts: DigestOptions, at?: number): BodyDigests {
    const id = this.nextId++;
    const slot = this.slot((at ?? id) % this.workers.length);
    const state: Session = { inFlight: 0 };
    slot.sessions.set(id, state);
    busy(slot);
    const post = (message: BodyWorkerRequest, transfer?: ArrayBuffer[]) => slot.worker.postMessage(message, transfer);
    post({ type: 'open', id, md5: opts.md5, algorithm: opts.algorithm });
    return {
      ...this.batching(state, (bytes, length) => post({ type: 'data', id, bytes, length }, [bytes]), () => post({ type: 'close', id })),
      discard() {
        if (!slot.sessions.delete(id)) return;
        post({ type: 'discard', id });
        idle(slot);
      },
    };
  }

  /**
   * A large body's digests on one worker, and its sealing into `file` on another: this thread only
   * copies each chunk into a batch for each. The file is written but not synced (the blob's commit
   * syncs it).
   */
  writeFile(opts: DigestOptions, file: SealTarget): BodyFileWrite {
    const at = this.nextId++;
    const digests = this.digests(opts, at);
    const sealing = this.seal(file, at + 1);
    return {
      update: (chunk) => {
        const hashing = digests.update(chunk);
        const writing = sealing.update(chunk);
        return hashing && writing ? Promise.all([hashing, writing]).then(() => undefined) : hashing ?? writing;
      },
      result: async () => {
        try {
          await sealing.result();
        } catch (err) {
          digests.discard();
          throw err;
        }
        return digests.result();
      },
      discard: async () => {
        digests.discard();
        await sealing.discard();
      },
    };
  }

  /** Seals a body into `file` on the `at`th worker: writeFile's second half. */
  private seal(file: SealTarget, at: number): Omit<BodyFileWrite, 'result'> & { result(): Promise<void> } {
    const id = this.nextId++;
    const slot = this.slot(at % this.workers.length);
    const state: Sealing = { inFlight: 0 };
    slot.sealing.set(id, state);
    busy(slot);
    const post = (message: BodyWorkerRequest, transfer?: ArrayBuffer[]) => slot.worker.postMessage(message, transfer);
    post({ type: 'seal-open', id, fd: file.fd, key: new Uint8Array(file.key), context: new Uint8Array(file.context) });
    return {
      ...this.batching(state, (bytes, length) => post({ type: 'seal-data', id, bytes, length }, [bytes]), () => post({ type: 'seal-close', id })),
      discard() {
        if (!slot.sealing.has(id)) return Promise.resolve();
        return new Promise<void>((resolve) => {
          state.stopped = resolve;
          post({ type: 'seal-stop', id });
        });
      },
    };
  }

  /**
   * A body's chunks copied into batches, each handed to `send` once full: the batch's memory moves
   * to the worker (a transfer, not a copy), which hands it back. update() answers a promise while
   * more than MAX_IN_FLIGHT bytes wait on the worker (see caughtUp); result() sends the last batch,
   * then `close`, and resolves with what the worker answers to it.
   */
  private batching<R>(state: Streamed<R>, send: (bytes: ArrayBuffer, length: number) => void, close: () => void) {
    // Taken when the first byte needs it, so a body's end leaves no batch unused.
    let batch: Buffer | undefined;
    let filled = 0;
    const flush = () => {
      if (!batch || filled === 0) return;
      send(batch.buffer as ArrayBuffer, filled);
      state.inFlight += filled;
      batch = undefined;
      filled = 0;
    };
    return {
      update: (chunk: Buffer): Promise<void> | undefined => {
        if (state.failed) throw state.failed;
        for (let at = 0; at < chunk.length;) {
          batch ??= this.batch();
          const n = chunk.copy(batch, filled, at);
          filled += n;
          at += n;
          if (filled === BATCH_BYTES) flush();
        }
        if (state.inFlight <= MAX_IN_FLIGHT) return undefined;
        return new Promise<void>((resolve) => { state.resume = resolve; });
      },
      result: (): Promise<R> => {
        flush();
        return new Promise<R>((resolve, reject) => {
          if (state.failed) return reject(state.failed);
          state.finish = { resolve, reject };
          close();
        });
      },
    };
  }

  /**
   * A SegmentOpener (object-stream.ts): opens the segments on a worker. Their bytes are copied into
   * a batch buffer that moves there and back (reused, like the digests' batches); the plaintext
   * moves here. ObjectStreamError if they fail authentication.
   */
  unseal(segments: SealedSegments): Promise<Buffer[]> {
    const id = this.nextId++;
    const slot = this.slot(id % this.workers.length);
    const batch = this.batch();
    let length = 0;
    for (const piece of segments.sealed) length += piece.copy(batch, length);
    const sealed = batch.buffer as ArrayBuffer;
    return new Promise<Buffer[]>((resolve, reject) => {
      slot.unsealing.set(id, { resolve, reject });
      busy(slot);
      // Key, header and context are copied into arrays of their own: a view would carry its whole buffer along.
      slot.worker.postMessage({
        type: 'unseal', id, key: new Uint8Array(segments.key), header: new Uint8Array(segments.header), context: new Uint8Array(segments.context),
        plaintextSize: segments.plaintextSize, firstIndex: segments.firstIndex, sealed, length,
      } satisfies BodyWorkerRequest, [sealed]);
    });
  }

  /** A batch buffer: a spare one, or new. */
  private batch(): Buffer {
    const reused = this.spare.pop();
    return reused ? Buffer.from(reused) : Buffer.allocUnsafeSlow(BATCH_BYTES);
  }

  /** A batch buffer the worker handed back, kept for reuse while fewer than SPARE_BATCHES are. */
  private keep(buffer: ArrayBuffer): void {
    if (this.spare.length < SPARE_BATCHES) this.spare.push(buffer);
  }

  /**
   * The plaintext [start, end] of a stored body in a local file, read and opened on a worker a few
   * batches ahead; each batch is asked for as the one before is taken. The caller keeps `fd` open until
   * the generator has ended: ending it early (return, or a failure) first waits until the worker
   * no longer reads the file. ObjectStreamError if the stored body fails authentication.
   */
  async *readFile(file: FileRead): AsyncGenerator<Buffer> {
    const id = this.nextId++;
    const slot = this.slot(id % this.workers.length);
    const reading: Reading = { batches: [], done: false };
    slot.reading.set(id, reading);
    busy(slot);
    slot.worker.postMessage({
      type: 'read', id, fd: file.fd, key: new Uint8Array(file.key), context: new Uint8Array(file.context),
      plaintextSize: file.plaintextSize, start: file.start, end: file.end,
    } satisfies BodyWorkerRequest);
    // Until the worker's next message about this read.
    const news = () => new Promise<void>((resolve) => { reading.wake = resolve; });
    try {
      for (;;) {
        while (reading.batches.length === 0 && !reading.failed && !reading.done) await news();
        const batch = reading.batches.shift();
        if (!batch) {
          if (reading.failed) throw reading.failed;
          return;
        }
        if (!reading.done) slot.worker.postMessage({ type: 'read-more', id } satisfies BodyWorkerRequest);
        // One chunk a batch, a view of its buffer: release() then hands back a buffer nothing else views.
        const clipped: Buffer[] = [];
        clipTo(clipped, [batch.plaintext], batch.offset, file.start, file.end);
        yield* clipped;
      }
    } finally {
      if (!reading.done && !reading.failed) {
        slot.worker.postMessage({ type: 'read-stop', id } satisfies BodyWorkerRequest);
        while (!reading.done && !reading.failed) await news();
      }
      slot.reading.delete(id);
      idle(slot);
    }
  }

  /**
   * Hands a chunk readFile yielded back to its worker, for the memory of a later batch: call it
   * once the chunk has been written out and nothing reads it any more (it is emptied at once).
   * Any other buffer is left alone.
   */
  release(chunk: Buffer): void {
    const buffer = chunk.buffer;
    const slot = this.recyclable.get(buffer);
    if (!slot) return;
    this.recyclable.delete(buffer);
    if (this.workers.includes(slot)) slot.worker.postMessage({ type: 'recycle', buffers: [buffer as ArrayBuffer] } satisfies BodyWorkerRequest, [buffer as ArrayBuffer]);
  }

  private slot(index: number): Slot {
    const existing = this.workers[index];
    if (existing) return existing;
    // A small young generation: the worker's garbage is short-lived (deciphered segments, as
    // strings on a file read), and letting it grow to V8's default put ~20 MiB on the peak RSS of
    // a streamed 5 GiB GET (bench `rss`).
    const worker = new Worker(new URL('./body-worker.js', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 1 } });
    const slot: Slot = { worker, sessions: new Map(), sealing: new Map(), unsealing: new Map(), reading: new Map() };
    worker.on('message', (reply: BodyWorkerReply) => {
      if (reply.type === 'read-batch' || reply.type === 'read-failed' || reply.type === 'read-stopped') {
        const reading = slot.reading.get(reply.id);
        if (!reading) return;
        if (reply.type === 'read-batch') {
          this.recyclable.set(reply.plaintext, slot);
          reading.batches.push({ offset: reply.offset, plaintext: Buffer.from(reply.plaintext, 0, reply.length) });
        }
        if (reply.type === 'read-failed') reading.failed = reply.corrupt ? new ObjectStreamError(reply.message) : new Error(`body worker: ${reply.message}`);
        if (reply.type === 'read-stopped' || (reply.type === 'read-batch' && reply.last)) reading.done = true;
        reading.wake?.();
        reading.wake = undefined;
        return;
      }
      if (reply.type === 'unsealed' || reply.type === 'unseal-failed') {
        this.keep(reply.sealed);
        const job = slot.unsealing.get(reply.id);
        slot.unsealing.delete(reply.id);
        idle(slot);
        if (reply.type === 'unsealed') job?.resolve(reply.plaintext.map((piece) => Buffer.from(piece)));
        else job?.reject(reply.corrupt ? new ObjectStreamError(reply.message) : new Error(`body worker: ${reply.message}`));
        return;
      }
      if (reply.type === 'sealed' || reply.type === 'seal-done' || reply.type === 'seal-failed' || reply.type === 'seal-stopped') {
        if (reply.type === 'sealed') this.keep(reply.bytes);
        const sealing = slot.sealing.get(reply.id);
        if (!sealing) return;
        if (reply.type === 'sealed') return caughtUp(sealing, reply.length);
        if (reply.type === 'seal-failed') {
          // Its `seal-stopped` may still follow, if the body was being discarded meanwhile.
          sealing.failed = new Error(`body worker: ${reply.message}`);
          sealing.resume?.();
          sealing.finish?.reject(sealing.failed);
          if (sealing.stopped) return;
        }
        slot.sealing.delete(reply.id);
        idle(slot);
        if (reply.type === 'seal-done') sealing.finish?.resolve();
        if (reply.type === 'seal-stopped') sealing.stopped?.();
        return;
      }
      if (reply.type === 'hashed') this.keep(reply.bytes);
      const session = slot.sessions.get(reply.id);
      if (!session) return;
      if (reply.type === 'hashed') return caughtUp(session, reply.length);
      slot.sessions.delete(reply.id);
      idle(slot);
      if (reply.type === 'done') session.finish?.resolve({ md5: reply.md5 ? Buffer.from(reply.md5) : undefined, checksum: reply.checksum });
      else session.finish?.reject(new Error(`body worker: ${reply.message}`));
    });
    // A worker that dies fails the bodies it was working on (each answers InternalError); the next body starts a new one.
    worker.on('error', (err) => {
      this.workers[index] = undefined;
      for (const session of slot.sessions.values()) {
        session.failed = err;
        session.resume?.();
        session.finish?.reject(err);
      }
      // A thread that ended writes no file: discard() may let its file go.
      for (const sealing of slot.sealing.values()) {
        sealing.failed = err;
        sealing.resume?.();
        sealing.finish?.reject(err);
        sealing.stopped?.();
      }
      for (const job of slot.unsealing.values()) job.reject(err);
      // A thread that ended reads no file: its readers may close theirs.
      for (const reading of slot.reading.values()) {
        reading.failed = err;
        reading.wake?.();
      }
      slot.sessions.clear();
      slot.sealing.clear();
      slot.unsealing.clear();
      slot.reading.clear();
    });
    // An idle worker must not keep the process alive after the server closes (unref after the
    // listeners: adding one refs the worker again); busy() refs it while it has work.
    worker.unref();
    this.workers[index] = slot;
    return slot;
  }
}

/** The worker finished `length` bytes of a body: a waiting update resumes once half the window is free. */
function caughtUp(state: Window, length: number): void {
  state.inFlight -= length;
  if (state.resume && state.inFlight <= MAX_IN_FLIGHT / 2) {
    const resume = state.resume;
    state.resume = undefined;
    resume();
  }
}

function jobs(slot: Slot): number {
  return slot.sessions.size + slot.sealing.size + slot.unsealing.size + slot.reading.size;
}

/** A worker with work to do keeps the process alive; an idle one doesn't (see slot()). */
function busy(slot: Slot): void {
  if (jobs(slot) === 1) slot.worker.ref();
}

function idle(slot: Slot): void {
  if (jobs(slot) === 0) slot.worker.unref();
}

let shared: BodyWorkers | undefined;

/** The process's body workers, started on first use (the request thread keeps one core). */
export function bodyWorkers(): BodyWorkers {
  shared ??= new BodyWorkers(Math.max(2, availableParallelism() - 1));
  return shared;
}
