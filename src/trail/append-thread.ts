/**
 * The main thread's handle on the trail's append worker (append-worker.ts): hands it batches of
 * finished events (batch.ts), one postMessage a batch, and resolves each batch once the worker
 * reports it committed (durable), or rejects it once the worker reports its transaction rolled
 * back.
 *
 * ## A worker that dies
 * Every batch posted carries an id and stays unacknowledged until the worker answers it. When the
 * thread ends without being asked to (an uncaught error, its database failing to open), every
 * unacknowledged batch is rejected: the writer (writer.ts) keeps it and sends it again on its next
 * pass, exactly as it retries a batch whose transaction failed. A new worker starts with the next
 * batch, so the writer's retry pace (at least a second) also paces restarts: a worker that cannot
 * start does not spin.
 *
 * A batch the dead worker committed but had not yet acknowledged must not be appended twice. The
 * writer therefore sends every rejected batch again as `resent`, and the worker then leaves out the
 * events the chain already holds (TrailStore.append: eventIDs are unique, and a batch is one
 * transaction, so it is all in the chain or none of it). A batch the worker answered `failed` is
 * resent the same way: its transaction normally rolled back, but a connection lost during COMMIT
 * (PostgreSQL) leaves the outcome unknown. Checking only resent batches keeps that lookup off
 * every other append.
 *
 * The worker seals the chain's head with the root key: it gets the Sealer's keys when it starts,
 * and each key the Sealer adopts later (a root-key rotation) by message, before any batch posted
 * after the adoption. These messages are the keys' only way out of this thread's Sealer.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Sealer } from '../crypto/root-key.js';
import type { Logger } from '../server/logger.js';
import type { TrailLocation } from './database.js';

/** What the worker starts with. */
export interface AppendWorkerData {
  location: TrailLocation;
  /** The Sealer's root keys, current first. */
  rootKeys: Buffer[];
}

export type ToWorker =
  | { type: 'append'; id: number; batch: Uint8Array; resent: boolean }
  | { type: 'adopt'; rootKey: Buffer }
  | { type: 'close' };

export type FromWorker =
  | { type: 'appended'; id: number }
  | { type: 'failed'; id: number; message: string };

interface Unacknowledged {
  resolve(): void;
  reject(err: Error): void;
}

export class AppendThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly unacknowledged = new Map<number, Unacknowledged>();
  private stopped = false;

  constructor(private readonly location: TrailLocation, private readonly sealer: Sealer, private readonly log: Logger) {
    // A worker started later gets the adopted key with the others (rootKeys()).
    sealer.onAdopt((rootKey) => this.post({ type: 'adopt', rootKey }));
  }

  /**
   * Appends a batch to the chain on the worker; resolves once it is durable. `resent`: a batch
   * that was rejected before (see the module comment).
   */
  append(batch: Buffer, resent: boolean): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('the trail append worker is stopped'));
    if (batch.length === 0) return Promise.resolve();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.unacknowledged.set(id, { resolve, reject });
      this.worker ??= this.start();
      // Shared with the worker, not copied (batch.ts): the writer keeps it until it is acknowledged.
      this.post({ type: 'append', id, batch, resent });
    });
  }

  /** Ends the worker once it has answered every batch posted (the writer drains first). */
  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = once(worker, 'exit');
    this.post({ type: 'close' });
    await exited;
  }

  private post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  private start(): Worker {
    const workerData: AppendWorkerData = { location: this.location, rootKeys: this.sealer.rootKeys() };
    // The young generation may grow to hold a few whole batches: with 4 MiB, each busy batch (a few
    // hundred KiB of values and strings, alive for its whole transaction) survived scavenges into
    // the old generation, and the worker spent a third of its time collecting. It only grows that
    // far under a stream of events; a quiet trail keeps it small.
    const worker = new Worker(new URL('./append-worker.js', import.meta.url), { workerData, resourceLimits: { maxYoungGenerationSizeMb: 32 } });
    worker.on('message', (message: FromWorker) => this.answered(message));
    worker.on('error', (err) => this.log.error({ err }, 'trail: the append worker failed'));
    worker.on('exit', (code) => this.exited(worker, code));
    return worker;
  }

  private answered(message: FromWorker): void {
    const batch = this.unacknowledged.get(message.id);
    if (!batch) return;
    this.unacknowledged.delete(message.id);
    if (message.type === 'failed') batch.reject(new Error(message.message));
    else batch.resolve();
  }

  private exited(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (this.stopped && this.unacknowledged.size === 0) return;
    this.log.error({ code, batches: this.unacknowledged.size }, 'trail: the append worker ended; unacknowledged batches will be sent again');
    const lost = [...this.unacknowledged.values()];
    this.unacknowledged.clear();
    for (const batch of lost) batch.reject(new Error('the trail append worker ended before acknowledging the batch'));
  }
}
