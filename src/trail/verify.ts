/**
 * `coffer trail verify`: recomputes the event history's hash chain (chain.ts) and reports every
 * event that was edited, inserted or deleted since Coffer wrote it, and whether the chain's head
 * still matches the checkpoint sealed with the root key. After retention removed the oldest
 * events, the chain starts after the sealed `pruned` checkpoint (retention.ts).
 */
import type { Sealer } from '../crypto/root-key.js';
import type { Db } from '../store/database.js';
import { chainHash, EVENTS_CHECKPOINT, GENESIS_HASH, openHead, PRUNED_CHECKPOINT, type ChainHead } from './chain.js';
import { indexOf } from './event.js';
import { resourceName, resourceType } from './classify.js';
import type { EventRow } from './store.js';

export type ProblemKind = 'edited' | 'inserted' | 'deleted' | 'checkpoint';

export interface VerifyProblem {
  kind: ProblemKind;
  /** The event (seq) the problem is about, when there is one. */
  seq?: number;
  message: string;
}

export interface VerifyReport {
  events: number;
  head?: ChainHead;
  /** The last event retention removed: the kept chain starts right after it. */
  pruned?: ChainHead;
  /** 'unchecked': no root key was available to open the sealed checkpoint. */
  checkpoint: 'ok' | 'unchecked' | 'problem';
  problems: VerifyProblem[];
}

const PAGE = 1000;

/**
 * Walks the whole chain in one read transaction (a consistent snapshot, even while a server keeps
 * appending). Pass the sealer to check the sealed checkpoint; without it the tail is unchecked.
 */
export async function verifyChain(db: Db, sealer?: Sealer): Promise<VerifyReport> {
  // Repeatable read: on PostgreSQL every statement would otherwise see the newest commits, and a
  // checkpoint sealed after the last page was read would look like deleted events. (SQLite's
  // transactions are snapshots already.)
  return db.transaction().setIsolationLevel('repeatable read').execute(async (tx) => {
    const problems: VerifyProblem[] = [];
    const pruned = await checkPruned(tx, sealer, problems);
    let count = 0;
    let before: EventRow | undefined;
    let prev: EventRow | undefined;
    // The smallest 32-bit integer (seq's column type on PostgreSQL): rows inserted with a seq below 1 are still read.
    let cursor = -(2 ** 31);
    for (;;) {
      const rows = await tx.selectFrom('trail_events').selectAll().where('seq', '>', cursor).orderBy('seq').limit(PAGE).execute();
      if (rows.length === 0) break;
      const first = rows[0]!.seq;
      const last = rows[rows.length - 1]!.seq;
      const resources = await tx.selectFrom('trail_event_resources').selectAll().where('seq', '>=', first).where('seq', '<=', last).execute();
      const bySeq = new Map<number, string[]>();
      for (const r of resources) bySeq.set(r.seq, [...(bySeq.get(r.seq) ?? []), `${r.resource_arn}|${r.resource_type ?? ''}|${r.resource_name}`]);
      for (const row of rows) {
        checkRow(row, prev, before, pruned, bySeq.get(row.seq) ?? [], problems);
        count += 1;
        before = prev;
        prev = row;
      }
      cursor = last;
    }
    const head = prev ? { seq: prev.seq, hash: prev.hash } : undefined;
    const checkpoint = await checkCheckpoint(tx, head ?? pruned, sealer, problems);
    return { events: count, head, ...(pruned ? { pruned } : {}), checkpoint, problems };
  });
}

function describe(row: EventRow): string {
  return `event seq ${row.seq} (eventID ${row.event_id}, ${row.event_name} at ${row.event_time})`;
}

function checkRow(row: EventRow, prev: EventRow | undefined, before: EventRow | undefined, pruned: ChainHead | undefined, resources: string[], problems: VerifyProblem[]): void {
  const start = pruned ?? { seq: 0, hash: GENESIS_HASH };
  const expectedSeq = (prev?.seq ?? start.seq) + 1;
  const expectedPrev = prev?.hash ?? start.hash;
  const ownOk = chainHash(row.prev_hash, row.event_json) === row.hash;
  if (!ownOk) {
    problems.push({ kind: 'edited', seq: row.seq, message: `${describe(row)} was edited: its content no longer matches its hash` });
  }
  if (row.seq > expectedSeq) {
    const range = row.seq - 1 === expectedSeq ? `seq ${expectedSeq}` : `seq ${expectedSeq} to ${row.seq - 1}`;
    problems.push({ kind: 'deleted', seq: expectedSeq, message: `${row.seq - expectedSeq} event(s) deleted: ${range} missing before ${describe(row)}` });
  } else if (row.prev_hash !== expectedPrev && prev) {
    if (before && row.prev_hash === before.hash) {
      problems.push({ kind: 'inserted', seq: prev.seq, message: `${describe(prev)} was inserted: the event after it links to the one before it` });
    } else if (ownOk) {
      problems.push({ kind: 'edited', seq: prev.seq, message: `${describe(prev)} was edited or replaced (its hash was recomputed): seq ${row.seq} no longer links to it` });
    }
  } else if (row.prev_hash !== expectedPrev) {
    problems.push({ kind: 'edited', seq: row.seq, message: `${describe(row)} does not start the chain: earlier events were deleted or it was inserted` });
  }
  if (ownOk) checkIndex(row, resources, problems);
}

/** The columns LookupEvents filters on must still say what the hashed JSON says. */
function checkIndex(row: EventRow, resources: string[], problems: VerifyProblem[]): void {
  let mismatch: string | undefined;
  try {
    const i = indexOf(row.event_json);
    const expected: Record<string, unknown> = {
      event_id: i.eventId, event_time: i.eventTime, account_id: i.accountId,
      region: i.region, event_name: i.eventName, event_source: i.eventSource, read_only: i.readOnly ? 1 : 0, category: i.category,
    };
    mismatch = Object.keys(expected).find((k) => (row as unknown as Record<string, unknown>)[k] !== expected[k]);
    const e = JSON.parse(row.event_json) as { resources?: Array<{ ARN: string }> };
    const want = (e.resources ?? []).map((r) => {
      const type = resourceType(r.ARN);
      return `${r.ARN}|${type ?? ''}|${resourceName(r.ARN, type)}`;
    }).sort();
    if (!mismatch && JSON.stringify(want) !== JSON.stringify([...resources].sort())) mismatch = 'resources';
  } catch {
    mismatch = 'event_json';
  }
  if (mismatch) {
    problems.push({ kind: 'edited', seq: row.seq, message: `${describe(row)} was edited: its indexed ${mismatch} no longer matches the event` });
  }
}

/**
 * The sealed `pruned` checkpoint, if retention ever removed events. Without the root key its row
 * is taken as it stands (the report then says the checkpoints were unchecked).
 */
async function checkPruned(db: Db, sealer: Sealer | undefined, problems: VerifyProblem[]): Promise<ChainHead | undefined> {
  const cp = await db.selectFrom('trail_checkpoints').selectAll().where('name', '=', PRUNED_CHECKPOINT).executeTakeFirst();
  if (!cp || !sealer) return cp ? { seq: cp.seq, hash: cp.hash } : undefined;
  let sealed: ChainHead;
  try {
    sealed = openHead(sealer, PRUNED_CHECKPOINT, Buffer.from(cp.sealed));
  } catch {
    problems.push({ kind: 'checkpoint', message: 'the retention checkpoint does not open with the root key: it was forged or copied' });
    return { seq: cp.seq, hash: cp.hash };
  }
  if (sealed.seq !== cp.seq || sealed.hash !== cp.hash) {
    problems.push({ kind: 'checkpoint', message: 'the retention checkpoint row was edited: it disagrees with its sealed value' });
  }
  return sealed;
}

async function checkCheckpoint(db: Db, head: ChainHead | undefined, sealer: Sealer | undefined, problems: VerifyProblem[]): Promise<VerifyReport['checkpoint']> {
  const cp = await db.selectFrom('trail_checkpoints').selectAll().where('name', '=', EVENTS_CHECKPOINT).executeTakeFirst();
  const problem = (message: string) => {
    problems.push({ kind: 'checkpoint', message });
    return 'problem' as const;
  };
  if (!cp) return head ? problem('the sealed checkpoint is missing: the chain head cannot be confirmed') : 'ok';
  let sealed: ChainHead = { seq: cp.seq, hash: cp.hash };
  if (sealer) {
    try {
      sealed = openHead(sealer, EVENTS_CHECKPOINT, Buffer.from(cp.sealed));
    } catch {
      return problem('the checkpoint does not open with the root key: it was forged or copied');
    }
    if (sealed.seq !== cp.seq || sealed.hash !== cp.hash) problem('the checkpoint row was edited: it disagrees with its sealed value');
  }
  const last = head ?? { seq: 0, hash: GENESIS_HASH };
  if (last.seq < sealed.seq) {
    problems.push({ kind: 'deleted', seq: last.seq + 1, message: `${sealed.seq - last.seq} event(s) deleted from the end: seq ${last.seq + 1} to ${sealed.seq} missing` });
    return 'problem';
  }
  if (last.seq > sealed.seq) {
    problems.push({ kind: 'inserted', seq: sealed.seq + 1, message: `${last.seq - sealed.seq} event(s) inserted after the last sealed checkpoint: seq ${sealed.seq + 1} to ${last.seq}` });
    return 'problem';
  }
  if (last.hash !== sealed.hash) return problem(`the chain was rewritten: the hash of seq ${last.seq} differs from the sealed checkpoint`);
  return problems.some((p) => p.kind === 'checkpoint') ? 'problem' : sealer ? 'ok' : 'unchecked';
}
