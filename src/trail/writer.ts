/**
 * The gateway's CallRecorder: turns every finished call into an event at once (so no decoded
 * input or output outlives the request) and appends the queue to the store in batches, off the
 * request path: every `flushMs`, or as soon as `maxBatch` events wait. `stop()` writes whatever is
 * queued, so a clean shutdown loses no event of an answered request.
 *
 * The appending itself (hash chain, SQL, commit) runs on the append worker's thread
 * (append-thread.ts): this thread's share of an event is building it and one postMessage a batch.
 */
import type { Logger } from '../server/logger.js';
import type { Principal } from '../server/context.js';
import { draftEvent, finishEvent, type EventDraft, type TrailEvent } from './event.js';
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
  /** Events per transaction; a full batch is written at once (default 500). */
  maxBatch?: number;
  /** Events kept while the store refuses writes; beyond it the oldest are dropped, loudly. */
  maxQueue?: number;
}

/** An event that still needs its caller or recipient looked up. */
interface Deferred {
  draft: EventDraft;
  accessKeyId?: string;
}

type Queued = TrailEvent | Deferred;

export class TrailWriter implements CallRecorder {
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
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
    try {
      if (this.stopped) {
        this.log.error({ requestId: call.requestId }, 'trail: call recorded after shutdown; event lost');
        return;
      }
      const draft = draftEvent(call);
      if (!draft) return;
      this.queue.push(call.principal ? finishEvent(draft, call.principal, call.principal.accountId) : { draft, accessKeyId: call.accessKeyId });
      if (this.queue.length > this.maxQueue) {
        const dropped = this.queue.splice(0, this.queue.length - this.maxQueue).length;
        this.log.error({ dropped }, 'trail: the event store is not accepting writes; oldest events dropped');
      }
      if (this.queue.length >= this.maxBatch) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
    } catch (err) {
      this.log.error({ err, requestId: call.requestId }, 'trail: could not build the event');
    }
  }

  /** Writes everything queued so far; resolves when it is durable (LookupEvents waits for it). */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.drain());
    return this.chain;
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

  private async drain(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // Only what is queued now: events recorded while a batch is appended wait for the timer or a
    // full batch, instead of following at once in batches of a few (each a message to the worker
    // and a transaction of its own).
    for (let left = this.queue.length; left > 0 && this.queue.length > 0;) {
      const batch = this.queue.splice(0, Math.min(this.maxBatch, left));
      left -= batch.length;
      try {
        await this.appender.append(await this.complete(batch));
      } catch (err) {
        // Keep the events and try again later: the chain is untouched by a failed transaction, and
        // a batch a dead worker may have committed is not appended twice (append-thread.ts).
        this.queue.unshift(...batch);
        this.log.error({ err, events: batch.length }, 'trail: writing events failed; will retry');
        if (!this.stopped) this.timer ??= setTimeout(() => void this.flush(), Math.max(this.flushMs, 1000));
        return;
      }
    }
  }

  /** Resolves deferred callers; events with nobody to deliver them to are dropped, as AWS drops them. */
  private async complete(batch: Queued[]): Promise<TrailEvent[]> {
    const out: TrailEvent[] = [];
    for (const item of batch) {
      if ('json' in item) {
        out.push(item);
        continue;
      }
      const { draft, accessKeyId } = item;
      if (accessKeyId) {
        // A named key whose signature failed: logged for the key's account; an unknown key has none.
        const principal = await this.directory.principalForKey(accessKeyId);
        if (principal) out.push(finishEvent(draft, principal, principal.accountId));
      } else if (draft.bucket) {
        const owner = await this.directory.bucketOwner(draft.bucket);
        if (owner) out.push(finishEvent(draft, null, owner));
      }
    }
    return out;
  }
}
