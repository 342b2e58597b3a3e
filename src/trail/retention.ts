/**
 * Event history retention: AWS keeps 90 days of event history (LookupEvents never serves older
 * events), and so does Coffer. A background pass removes the oldest events once they are more than
 * 90 days old in service time, oldest first and only as a prefix of the chain, so the rest stays
 * one unbroken chain.
 *
 * `coffer trail verify` must still be able to tell pruning from deletion: the pass seals the last
 * removed event's (seq, hash) as the `pruned` checkpoint (chain.ts), in the same transaction as
 * the removal. Verification then starts the chain there; deleting kept events, or rolling the
 * checkpoint back to an earlier pruning, leaves a gap before the first kept event, and nobody
 * without the root key can seal a later one.
 *
 * Events a logging trail has not delivered yet are kept until it has: the history may outlive 90
 * days while delivery fails, but no event is lost to its bucket.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html
 */
import type { Sealer } from '../crypto/root-key.js';
import { soleLeader, type Leadership } from '../server/leader.js';
import type { Clock } from '../server/clock.js';
import type { Logger } from '../server/logger.js';
import type { Background } from '../server/services.js';
import type { Db } from '../store/database.js';
import { lockInTransaction } from '../store/postgres/locks.js';
import { PRUNED_CHECKPOINT, sealHead } from './chain.js';
import { trailTime } from './identity.js';

/** How long event history keeps an event (AWS: 90 days). */
export const HISTORY_MS = 90 * 24 * 3600 * 1000;

/** Events removed per transaction. */
const CHUNK = 1000;

/** How often the pass runs on its own (the clock moving in tests runs it too). */
const INTERVAL_MS = 3600 * 1000;

export interface RetentionDeps {
  /** Where trails keep their delivery position. */
  db: Db;
  /** The event history (database.ts). */
  trailDb: Db;
  sealer: Sealer;
  clock: Clock;
  log: Logger;
  leader?: Leadership;
}

export class TrailRetention implements Background {
  private running: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly deps: RetentionDeps) {
    this.timer = setInterval(() => void this.runOnce(), INTERVAL_MS);
    this.timer.unref();
  }

  /** One pass; passes never overlap. Failures are logged and retried at the next pass. */
  runOnce(): Promise<void> {
    this.running ??= this.prune()
      .then(() => undefined, (err: unknown) => this.deps.log.error({ err }, 'trail: pruning expired events failed; will retry'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Removes every expired, delivered event; resolves to how many. */
  async prune(): Promise<number> {
    const { db, trailDb, sealer, clock } = this.deps;
    if (!(await (this.deps.leader ?? soleLeader).isLeader('trail-retention'))) return 0;
    const cutoff = trailTime(new Date(clock.now().getTime() - HISTORY_MS));
    let removed = 0;
    for (;;) {
      // Read before the history's transaction (another database on embedded): delivery only moves
      // forward, and a trail starting to log starts at the head, so an older value keeps more.
      const undelivered = await db.selectFrom('trails').select((eb) => eb.fn.min('delivered_seq').as('seq')).where('is_logging', '=', 1).executeTakeFirst();
      // On embedded SQLite this write waits (on this thread) for an append in progress on the
      // worker to commit: milliseconds, once an hour.
      const count = await trailDb.transaction().execute(async (tx) => {
        // The appending lock: the chain's head (and the checkpoints) change one writer at a time.
        await lockInTransaction(tx, 'coffer:trail-chain');
        const rows = await tx.selectFrom('trail_events').select(['seq', 'hash', 'event_time']).orderBy('seq').limit(CHUNK).execute();
        let last: { seq: number; hash: string } | undefined;
        for (const row of rows) {
          if (row.event_time >= cutoff || (undelivered?.seq != null && row.seq > Number(undelivered.seq))) break;
          last = row;
        }
        if (!last) return 0;
        const { seq, hash } = last;
        await tx.deleteFrom('trail_event_resources').where('seq', '<=', seq).execute();
        const { numDeletedRows } = await tx.deleteFrom('trail_events').where('seq', '<=', seq).executeTakeFirstOrThrow();
        const sealed = sealHead(sealer, PRUNED_CHECKPOINT, { seq, hash });
        await tx.insertInto('trail_checkpoints')
          .values({ name: PRUNED_CHECKPOINT, seq, hash, sealed })
          .onConflict((oc) => oc.column('name').doUpdateSet({ seq, hash, sealed }))
          .execute();
        return Number(numDeletedRows);
      });
      removed += count;
      if (count < CHUNK) break;
    }
    if (removed > 0) this.deps.log.info({ removed, before: cutoff }, 'trail: removed events older than 90 days from the event history');
    return removed;
  }
}
