/**
 * GetKeyLastUsage bookkeeping. Writing a row on every Encrypt would put a durable (fsynced) commit
 * on the hot path, so the last use of each key is kept in memory and written in one transaction
 * per flush (a background pass, and at shutdown). A crash can lose the last few seconds of usage
 * records, never key material or ciphertexts.
 */
import type { RequestContext } from '../../server/context.js';
import type { KeyStore } from './key-store.js';

export interface LastUse {
  at: string;
  operation: string;
  requestId: string;
}

/** A use as recorded on the hot path: the time is formatted only when it is read or written. */
interface PendingUse {
  at: Date;
  operation: string;
  requestId: string;
}

function asLastUse(use: PendingUse): LastUse {
  return { at: use.at.toISOString(), operation: use.operation, requestId: use.requestId };
}

export class UsageTracker {
  private pending = new Map<string, PendingUse>();

  constructor(private readonly store: KeyStore, private readonly now: () => Date) {}

  /** Notes a successful cryptographic operation with the key. */
  record(keyArn: string, ctx: RequestContext): void {
    this.pending.set(keyArn, { at: this.now(), operation: ctx.operation, requestId: ctx.requestId });
  }

  /** The unflushed last use of a key, if any (newer than what the store has). */
  peek(keyArn: string): LastUse | undefined {
    const use = this.pending.get(keyArn);
    return use && asLastUse(use);
  }

  /** Drops a deleted key's record. */
  forget(keyArn: string): void {
    this.pending.delete(keyArn);
  }

  /** Writes every pending record; records made during the write wait for the next flush. */
  async flush(): Promise<void> {
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.store.recordUsage([...batch].map(([arn, use]) => ({ arn, ...asLastUse(use) })));
    } catch (err) {
      // Put them back (newer uses win) so the next flush retries.
      for (const [arn, use] of batch) if (!this.pending.has(arn)) this.pending.set(arn, use);
      throw err;
    }
  }
}
