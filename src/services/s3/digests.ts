/**
 * The digests S3 reports for a body it receives (MD5 for the ETag, the flexible checksum), computed
 * as the body streams. For a large body they are computed on a worker thread, so that hashing
 * runs beside the request's thread, which encrypts and writes: on one thread MD5 alone runs at
 * about half the speed of AES-256-GCM and would bound every large PUT. Small bodies are hashed
 * inline, where a thread hop would cost more than it saves.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createChecksum, type ChecksumAlgorithm } from '../../auth/checksums.js';
import type { DigestReply, DigestRequest } from './digest-worker.js';

export interface DigestOptions {
  /** Whether the MD5 is needed (the ETag of an SSE-S3 object, or a Content-MD5 to check). */
  md5: boolean;
  algorithm: ChecksumAlgorithm;
  /** The body's declared size, if known: bodies from OFFLOAD_MIN_BYTES up are hashed off-thread. */
  sizeHint?: number;
}

export interface DigestResult {
  md5?: Buffer;
  /** base64, as on the wire. */
  checksum: string;
}

/** A body's running digests; `update` returns a promise when the caller should wait for the worker to catch up. */
export interface BodyDigests {
  update(chunk: Buffer): Promise<void> | undefined;
  /** Call once, after the last update. */
  result(): Promise<DigestResult>;
  /** Forget the body (it failed): frees the worker's state. */
  discard(): void;
}

export const OFFLOAD_MIN_BYTES = 1 << 20;
/** Bytes copied into one message to the worker. */
const BATCH_BYTES = 1 << 20;
/** Bytes sent but not yet hashed beyond which the body waits: memory stays bounded if the worker falls behind. */
const MAX_IN_FLIGHT = 4 << 20;
/** Batches kept for reuse: the worker hands each back, so a body allocates none once the pool is warm. */
const SPARE_BATCHES = 6;

export function bodyDigests(opts: DigestOptions): BodyDigests {
  return opts.sizeHint !== undefined && opts.sizeHint >= OFFLOAD_MIN_BYTES ? pool().session(opts) : inlineDigests(opts);
}

function inlineDigests(opts: DigestOptions): BodyDigests {
  const md5 = opts.md5 ? createHash('md5') : undefined;
  const checksum = createChecksum(opts.algorithm);
  return {
    update(chunk) {
      md5?.update(chunk);
      checksum.update(chunk);
      return undefined;
    },
    async result() {
      return { md5: md5?.digest(), checksum: await checksum.digest() };
    },
    discard() {},
  };
}

interface Session {
  inFlight: number;
  /** Resolves the body's pending update once the worker caught up. */
  resume?: () => void;
  finish?: { resolve: (r: DigestResult) => void; reject: (err: Error) => void };
  failed?: Error;
}

/** One worker per spare core; each body's digests stay on one worker, in order. */
class DigestPool {
  private readonly workers: Array<{ worker: Worker; sessions: Map<number, Session> } | undefined>;
  private readonly spare: ArrayBuffer[] = [];
  private nextId = 1;

  constructor(size: number) {
    this.workers = new Array(size).fill(undefined);
  }

  session(opts: DigestOptions): BodyDigests {
    const id = this.nextId++;
    const slot = this.slot(id % this.workers.length);
    const state: Session = { inFlight: 0 };
    slot.sessions.set(id, state);
    // A worker with bodies to hash keeps the process alive; an idle one doesn't (see slot()).
    if (slot.sessions.size === 1) slot.worker.ref();
    const post = (message: DigestRequest, transfer?: ArrayBuffer[]) => slot.worker.postMessage(message, transfer);
    post({ type: 'open', id, md5: opts.md5, algorithm: opts.algorithm });
    const newBatch = () => {
      const reused = this.spare.pop();
      return reused ? Buffer.from(reused) : Buffer.allocUnsafeSlow(BATCH_BYTES);
    };
    // Taken when the first byte needs it, so a body's end leaves no batch unused.
    let batch: Buffer | undefined;
    let filled = 0;
    const flush = () => {
      if (!batch || filled === 0) return;
      // The batch's memory moves to the worker (a transfer, not a copy); the worker hands it back.
      const bytes = batch.buffer as ArrayBuffer;
      post({ type: 'data', id, bytes, length: filled }, [bytes]);
      state.inFlight += filled;
      batch = undefined;
      filled = 0;
    };
    return {
      update(chunk) {
        if (state.failed) throw state.failed;
        for (let at = 0; at < chunk.length;) {
          batch ??= newBatch();
          const n = chunk.copy(batch, filled, at);
          filled += n;
          at += n;
          if (filled === BATCH_BYTES) flush();
        }
        if (state.inFlight <= MAX_IN_FLIGHT) return undefined;
        return new Promise<void>((resolve) => { state.resume = resolve; });
      },
      result() {
        flush();
        return new Promise<DigestResult>((resolve, reject) => {
          if (state.failed) return reject(state.failed);
          state.finish = { resolve, reject };
          post({ type: 'close', id });
        });
      },
      discard() {
        if (!slot.sessions.delete(id)) return;
        post({ type: 'discard', id });
        if (slot.sessions.size === 0) slot.worker.unref();
      },
    };
  }

  private slot(index: number): { worker: Worker; sessions: Map<number, Session> } {
    const existing = this.workers[index];
    if (existing) return existing;
    const worker = new Worker(new URL('./digest-worker.js', import.meta.url));
    const slot = { worker, sessions: new Map<number, Session>() };
    worker.on('message', (reply: DigestReply) => {
      if (reply.type === 'hashed' && this.spare.length < SPARE_BATCHES) this.spare.push(reply.bytes);
      const session = slot.sessions.get(reply.id);
      if (!session) return;
      if (reply.type === 'hashed') {
        session.inFlight -= reply.length;
        if (session.resume && session.inFlight <= MAX_IN_FLIGHT / 2) {
          const resume = session.resume;
          session.resume = undefined;
          resume();
        }
        return;
      }
      slot.sessions.delete(reply.id);
      if (slot.sessions.size === 0) worker.unref();
      if (reply.type === 'done') session.finish?.resolve({ md5: reply.md5 ? Buffer.from(reply.md5) : undefined, checksum: reply.checksum });
      else session.finish?.reject(new Error(`digest worker: ${reply.message}`));
    });
    // A worker that dies fails the bodies it was hashing (each answers InternalError); the next body starts a new one.
    worker.on('error', (err) => {
      this.workers[index] = undefined;
      for (const session of slot.sessions.values()) {
        session.failed = err;
        session.resume?.();
        session.finish?.reject(err);
      }
      slot.sessions.clear();
    });
    // An idle worker must not keep the process alive after the server closes (unref after the
    // listeners: adding one refs the worker again); session() refs it while it has work.
    worker.unref();
    this.workers[index] = slot;
    return slot;
  }
}

let shared: DigestPool | undefined;

/** The process's digest workers, started on first use (the request thread keeps one core). */
function pool(): DigestPool {
  shared ??= new DigestPool(Math.max(1, availableParallelism() - 1));
  return shared;
}
