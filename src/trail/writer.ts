/**
 * The gateway's CallRecorder: turns the calls finished in one turn of the event loop into events
 * at the end of that turn (so no decoded input or output outlives it) and appends the queue to the
 * store in batches, off the request path: every `flushMs`, or as soon as `maxBatch` events wait.
 * `stop()` writes whatever is queued, so a clean shutdown loses no event of an answered request.
 *
 * Why at the end of the turn rather than inside record(): under load a turn answers tens of calls,
 * and built together, while the event code and the models' shapes are hot in the CPU's caches, they
 * cost a fraction of what each costs built alone between two requests' work (KMS Encrypt at
 * concurrency 32: about 10 µs less of the server thread a call; bench/README.md, trail).
 *
 * The appending itself (hash chain, SQL, commit) runs on the append worker's thread
 * (append-thread.ts): this thread's share of an event is building and encoding it (batch.ts), and
 * one postMessage a batch. Events whose caller or recipient is looked up first (a failed signature,
 * an anonymous S3 call) join the chain after the batch's others.
 */
import type { Logger } from '../server/logger.js';
import type { Principal } from '../server/context.js';
import { BatchEncoder } from './batch.js';
import { draftEvent, finishEvent, type EventDraft } from './event.js';
import type { CallRecord, CallRecorder } from './recorder.js';
import type { AppendThread } from './append-thread.js';

/** Who stands behind an access key, and who owns a bucket: for events whose caller is not known yet. */
export interface TrailDirectory {
  /** The principal of a known access key (its signature may have failed); undefined if unknown. */
  principalForKey(accessKeyId: string): Promise<Principal | undefined>;
  /** The account owning an S3 bucket: anonymous calls are logged there. */
  bucketOwner(bucket: string): Promise<string | undefined>;
}

export interface TrailWriterOptions {
  /** Longest an event waits before it is written (default 50 ms). */
  flushMs?: number;
  /** A pass starts at once when this many events wait (default 500). */
  maxBatch?: number;
  /** Events kept while the store refuses writes; beyond it the oldest are dropped, loudly. */
  maxQueue?: number;
}

/** An event that still needs its caller or recipient looked up. */
interface Deferred {
  draft: EventDraft;
  accessKeyId?: string;
}

/** A batch handed to the worker and not yet acknowledged. */
interface Unsent {
  batch: Buffer;
  count: number;
  /** Rejected before: it may be in the chain already (append-thread.ts). */
  resent: boolean;
}

export class TrailWriter implements CallRecorder {
  /** Finished events, encoded at once (batch.ts explains why). */
  private encoder = new BatchEncoder();
  /** Calls recorded in this turn of the event loop, not yet built into events. */
  private calls: CallRecord[] = [];
  private deferred: Deferred[] = [];
  /** Oldest first; a batch leaves once the worker acknowledged it. */
  private unsent: Unsent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** The pass flush() queued that has not started yet: later calls share it. */
  private nextPass: Promise<void> | undefined;
  private stopped = false;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly maxQueue: number;

  constructor(
    private readonly appender: AppendThread,
    private readonly directory: TrailDirectory,
    private readonly log: Logger,
    options: TrailWriterOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 50;
    this.maxBatch = options.maxBatch ?? 500;
    this.maxQueue = options.maxQueue ?? 100_000;
  }

  /** Never throws: a failure to record is logged, and the request it describes is unaffected. */
  record(call: CallRecord): void {
    if (this.stopped) {
      this.log.error({ requestId: call.requestId }, 'trail: call recorded after shutdown; event lost');
      return;
    }
    if (this.calls.push(call) === 1) setImmediate(() => this.buildRecorded());
  }

  /** Builds the events of the calls recorded so far. */
  private buildRecorded(): void {
    const calls = this.calls;
    this.calls = [];
    for (const call of calls) this.build(call);
  }

  private build(call: CallRecord): void {
    try {
      const draft = draftEvent(call);
      if (!draft) return;
      if (call.principal) this.encoder.add(finishEvent(draft, call.principal, call.principal.accountId));
      else this.deferred.push({ draft, accessKeyId: call.accessKeyId });
      const waiting = this.encoder.count + this.deferred.length;
      if (waiting >= this.maxBatch) {
        this.dropBeyondLimit(waiting);
        void this.flush();
      } else {
        this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
      }
    } catch (err) {
      this.log.error({ err, requestId: call.requestId }, 'trail: could not build the event');
    }
  }

  /** Writes everything recorded so far; resolves when it is durable (LookupEvents waits for it). */
  flush(): Promise<void> {
    this.nextPass ??= this.chain = this.chain.then(() => {
      this.nextPass = undefined;
      return this.drain();
    });
    return this.nextPass;
  }

  /** Background job: a pass writes the queue. */
  runOnce(): Promise<void> {
    return this.flush();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.flush();
    await this.appender.stop();
  }

  /**
   * One pass: what is recorded now becomes a batch, and the batches not yet acknowledged go to the
   * worker, oldest first. Events recorded meanwhile wait for the timer or a full batch, instead of
   * following at once in batches of a few (each a message to the worker and a transaction).
   */
  private async drain(): Promise<void> {
    this.buildRecorded();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      await this.completeDeferred();
      if (this.encoder.count > 0) this.unsent.push({ count: this.encoder.count, batch: this.encoder.take(), resent: false });
      while (this.unsent.length > 0) {
        const next = this.unsent[0]!;
        await this.appender.append(next.batch, next.resent);
        this.unsent.shift();
      }
    } catch (err) {
      // Keep the batch and try again later: the chain is untouched by a failed transaction, and a
      // batch a dead worker may have committed is not appended twice (append-thread.ts).
      if (this.unsent[0]) this.unsent[0].resent = true;
      this.log.error({ err }, 'trail: writing events failed; will retry');
      if (!this.stopped) this.timer ??= setTimeout(() => void this.flush(), Math.max(this.flushMs, 1000));
    }
  }

  /** Resolves deferred callers; events with nobody to deliver them to are dropped, as AWS drops them. */
  private async completeDeferred(): Promise<void> {
    while (this.deferred.length > 0) {
      const { draft, accessKeyId } = this.deferred[0]!;
      if (accessKeyId) {
        // A named key whose signature failed: logged for the key's account; an unknown key has none.
        const principal = await this.directory.principalForKey(accessKeyId);
        if (principal) this.encoder.add(finishEvent(draft, principal, principal.accountId));
      } else if (draft.bucket) {
        const owner = await this.directory.bucketOwner(draft.bucket);
        if (owner) this.encoder.add(finishEvent(draft, null, owner));
      }
      this.deferred.shift();
    }
  }

  /**
   * While the store refuses writes (or its worker does not answer), keeps at most maxQueue events:
   * the oldest batches go, loudly, and then what waits to become one.
   */
  private dropBeyondLimit(waiting: number): void {
    let queued = waiting + this.unsent.reduce((n, u) => n + u.count, 0);
    if (queued <= this.maxQueue) return;
    let dropped = 0;
    // The batch at the front may be with the worker right now: it stays.
    while (queued > this.maxQueue && this.unsent.length > 1) {
      const [batch] = this.unsent.splice(1, 1);
      queued -= batch!.count;
      dropped += batch!.count;
    }
    if (queued > this.maxQueue) {
      dropped += this.encoder.count;
      this.encoder.take();
    }
    // Events still waiting on a lookup (deferred) are not dropped here: there may be nothing to report.
    if (dropped > 0) this.log.error({ dropped }, 'trail: the event store is not accepting writes; oldest events dropped');
  }
}
