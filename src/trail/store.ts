/**
 * The event history: appends events to the hash chain (chain.ts) in batches, one transaction per
 * batch, and answers LookupEvents and delivery queries. Rows are never updated; only retention
 * (retention.ts) deletes them, oldest first, after 90 days.
 */
import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import type { Sealer } from '../crypto/root-key.js';
import type { Database, Db } from '../store/database.js';
import { durable } from '../store/group-commit.js';
import { lockInTransaction } from '../store/postgres/locks.js';
import { isPostgres } from '../store/postgres/postgres.js';
import { chainHash, EVENTS_CHECKPOINT, GENESIS_HASH, sealHead } from './chain.js';
import { decodeBatch, RESOURCES_AT, type DecodedEvent } from './batch.js';
import { resourceName, resourceType } from './classify.js';
import { trailTime } from './identity.js';
import type { TrailEventResourcesTable, TrailEventsTable } from './tables.js';

export type EventRow = Selectable<TrailEventsTable>;

/** LookupEvents' attributes, one at most (AWS allows one). */
export type LookupAttributeKey = 'EventId' | 'EventName' | 'ReadOnly' | 'Username' | 'ResourceType' | 'ResourceName' | 'EventSource' | 'AccessKeyId';

export interface LookupQuery {
  accountId: string;
  region: string;
  attribute?: { key: LookupAttributeKey; value: string };
  /** Inclusive bounds; no end: up to the newest event. */
  start: Date;
  end?: Date;
  /** Continue after this event (the last one of the previous page). */
  after?: { time: string; seq: number };
  limit: number;
}

/** Rows per INSERT statement at most: well under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 256;

const EVENT_COLUMNS = [
  'seq', 'event_id', 'event_time', 'account_id', 'region', 'event_name', 'event_source', 'read_only', 'category',
  'username', 'access_key_id', 'event_json', 'prev_hash', 'hash',
] as const satisfies ReadonlyArray<keyof TrailEventsTable>;
const RESOURCE_COLUMNS = ['seq', 'resource_arn', 'resource_type', 'resource_name'] as const satisfies ReadonlyArray<keyof TrailEventResourcesTable>;

type Value = string | number | null;

export class TrailStore {
  /**
   * The text of a multi-row INSERT depends only on the table and the row count: it is compiled
   * (by Kysely, for the database in use) once per count and reused, which spares the hot path
   * Kysely's per-value work.
   */
  private readonly inserts = new Map<string, string>();

  constructor(private readonly db: Db, private readonly sealer: Sealer) {}

  /**
   * Inserts rows given as their values, flat, in `columns` order: in statements of a power of two
   * rows, so that a handful of statement texts (each compiled and prepared once) serve every batch
   * size. One per size met would compile and prepare a new one for most batches.
   */
  private async insertRows(tx: Kysely<Database>, table: 'trail_events' | 'trail_event_resources', columns: readonly string[], values: Value[]): Promise<void> {
    for (let k = 0; k < values.length;) {
      const left = (values.length - k) / columns.length;
      const count = Math.min(INSERT_CHUNK, 2 ** Math.floor(Math.log2(left)));
      const chunk = values.slice(k, k + count * columns.length);
      k += chunk.length;
      const key = `${table}/${count}`;
      let text = this.inserts.get(key);
      if (!text) {
        const placeholder = Object.fromEntries(columns.map((c) => [c, null]));
        // OR FAIL on SQLite: a failing row then fails its statement without undoing the rows
        // before it, which changes nothing here (a failed append rolls its whole transaction
        // back), and spares SQLite the statement journal it keeps for a multi-row INSERT that
        // may abort (spilled to a temporary file past 64 KiB, several times less than a chunk of
        // events): about a tenth less of the append worker's CPU an event.
        text = tx.insertInto(table).values(Array.from({ length: count }, () => placeholder) as never)
          .$if(!isPostgres(tx), (q) => q.orFail()).compile().sql;
        this.inserts.set(key, text);
      }
      await tx.executeQuery(CompiledQuery.raw(text, chunk));
    }
  }

  /**
   * Appends a batch (batch.ts) to the chain in one transaction and seals the new head with it.
   * Nodes sharing a database append one at a time (a lock held until commit), so the chain stays
   * one chain.
   *
   * `resent`: the batch may have been appended already (its first attempt's outcome is unknown,
   * see append-thread.ts); events whose eventID the chain holds are then left out. Event IDs are
   * unique (a unique column), and a batch is one transaction, so this appends exactly what the
   * first attempt did not.
   */
  async append(batch: Uint8Array, options: { resent?: boolean } = {}): Promise<void> {
    if (batch.length === 0) return;
    // Runs on the append worker's thread (append-worker.ts): nothing waits on its event loop.
    await this.db.transaction().execute(async (tx) => {
      await lockInTransaction(tx, 'coffer:trail-chain');
      let events = [...decodeBatch(batch)];
      if (options.resent) events = await this.unrecorded(tx, events);
      if (events.length === 0) return;
      // Retention may have removed every event: the chain then goes on from the sealed head.
      const head = await tx.selectFrom('trail_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
        ?? await tx.selectFrom('trail_checkpoints').select(['seq', 'hash']).where('name', '=', EVENTS_CHECKPOINT).executeTakeFirst();
      let seq = head?.seq ?? 0;
      let prev = head?.hash ?? GENESIS_HASH;
      // The rows' values in column order (EVENT_COLUMNS, RESOURCE_COLUMNS), flat: what the INSERTs bind.
      const rows: Value[] = [];
      const resources: Value[] = [];
      for (const { index, json } of events) {
        seq += 1;
        const hash = chainHash(prev, json);
        rows.push(seq);
        for (let k = 0; k < RESOURCES_AT; k++) rows.push(index[k]!);
        rows.push(json, prev, hash);
        for (let k = RESOURCES_AT; k < index.length; k += 3) resources.push(seq, index[k]!, index[k + 1]!, index[k + 2]!);
        prev = hash;
      }
      await this.insertRows(tx, 'trail_events', EVENT_COLUMNS, rows);
      await this.insertRows(tx, 'trail_event_resources', RESOURCE_COLUMNS, resources);
      const sealed = sealHead(this.sealer, EVENTS_CHECKPOINT, { seq, hash: prev });
      await tx.insertInto('trail_checkpoints')
        .values({ name: EVENTS_CHECKPOINT, seq, hash: prev, sealed })
        .onConflict((oc) => oc.column('name').doUpdateSet({ seq, hash: prev, sealed }))
        .execute();
    });
    // Acknowledged only once on disk (embedded SQLite commits through group commit).
    await durable(this.db);
  }

  /** The events of `events` whose eventID is not in the chain. */
  private async unrecorded(tx: Kysely<Database>, events: DecodedEvent[]): Promise<DecodedEvent[]> {
    const recorded = new Set<string>();
    for (let k = 0; k < events.length; k += INSERT_CHUNK) {
      const ids = events.slice(k, k + INSERT_CHUNK).map((e) => e.index[0]);
      for (const row of await tx.selectFrom('trail_events').select('event_id').where('event_id', 'in', ids).execute()) recorded.add(row.event_id);
    }
    return events.filter((e) => !recorded.has(e.index[0]));
  }

  /** The newest seq (0 when the history is empty). */
  async headSeq(): Promise<number> {
    const head = await this.db.selectFrom('trail_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return head?.seq ?? 0;
  }

  /** Management events of one account and Region, newest first, as LookupEvents pages them. */
  async lookup(q: LookupQuery): Promise<EventRow[]> {
    return this.lookupQuery(q).execute();
  }

  /** The query behind lookup() (tests read its plan). */
  lookupQuery(q: LookupQuery) {
    let query = this.db.selectFrom('trail_events').selectAll()
      .where('account_id', '=', q.accountId)
      .where('region', '=', q.region)
      .where('category', '=', 'Management')
      .where('event_time', '>=', trailTime(q.start));
    if (q.end) query = query.where('event_time', '<=', trailTime(q.end));
    if (q.after) {
      const { time, seq } = q.after;
      query = query.where((eb) => eb.or([eb('event_time', '<', time), eb.and([eb('event_time', '=', time), eb('seq', '<', seq)])]));
    }
    const a = q.attribute;
    if (a) {
      switch (a.key) {
        case 'EventId': query = query.where('event_id', '=', a.value); break;
        case 'EventName': query = query.where('event_name', '=', a.value); break;
        case 'EventSource': query = query.where('event_source', '=', a.value); break;
        case 'Username': query = query.where('username', '=', a.value); break;
        case 'AccessKeyId': query = query.where('access_key_id', '=', a.value); break;
        case 'ReadOnly': query = query.where('read_only', '=', a.value === 'true' ? 1 : 0); break;
        case 'ResourceType':
          query = query.where('seq', 'in', this.db.selectFrom('trail_event_resources').select('seq').where('resource_type', '=', a.value));
          break;
        case 'ResourceName': {
          // A resource is found by its name or its ARN. Its name is a function of its ARN (the ARN
          // itself but for buckets and IAM entities), so the rows an ARN names carry that name too:
          // both ways go through the name index, with no scan of every resource ever recorded.
          const named = resourceName(a.value, resourceType(a.value));
          query = query.where('seq', 'in', this.db.selectFrom('trail_event_resources').select('seq')
            .where('resource_name', 'in', [...new Set([a.value, named])])
            .where((eb) => eb.or([eb('resource_name', '=', a.value), eb('resource_arn', '=', a.value)])));
          break;
        }
      }
    }
    return query.orderBy('event_time', 'desc').orderBy('seq', 'desc').limit(q.limit);
  }

  /** Events after `seq`, oldest first: what a trail has not yet delivered. */
  async after(seq: number, limit: number): Promise<EventRow[]> {
    return this.db.selectFrom('trail_events').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute();
  }
}
