/**
 * Walks every stored sealed value the registry lists (src/ops/sealed-registry.ts), a page of rows
 * at a time, to re-wrap it under the current root key (rotation) or just to open it (the check
 * after a restore). Works on a live database: rows are paged by primary key (never all in memory),
 * and a re-wrap is a compare-and-set on the old sealed value, so a row the server rewrote in the
 * meantime is left alone (its new value is sealed under whatever key the server now uses, and the
 * next pass looks at it again).
 */
import type { Kysely } from 'kysely';
import type { Sealer } from '../crypto/root-key.js';
import type { Db } from '../store/database.js';
import { aadOf, columnsOf, SEALED_VALUES, type StoredSeal } from './sealed-registry.js';

/** What a pass found for one registry entry. */
export interface EntryCounts {
  /** Values that opened (all of them, for a check; those not yet current, for a re-wrap). */
  opened: number;
  /** Values re-wrapped under the current key. */
  rewrapped: number;
  /** Values already under the current key (skipped by a re-wrap). */
  current: number;
  /** Re-wraps that lost to a concurrent write of the same row. */
  conflicts: number;
}

/** A sealed value that would not open: the rotation stops rather than retire the key it may need. */
export class UnreadableSealError extends Error {
  constructor(readonly entry: string, readonly row: string) {
    super(`${entry}: the sealed value of row ${row} does not open with the root key ring`);
    this.name = 'UnreadableSealError';
  }
}

type Row = Record<string, unknown>;
// The registry names tables and columns at run time: the typed schema cannot follow.
type AnyDb = Kysely<any>;

const PAGE = 200;

/** `table.column[#json field] (aad)`: how reports name an entry (unique in the registry). */
export function entryName(entry: StoredSeal): string {
  const field = entry.encoding.kind === 'json' ? `#${entry.encoding.field}` : '';
  return `${entry.table}.${entry.column}${field} (${entry.aad})`;
}

/** The sealed bytes a row holds for `entry`, undefined if the row holds none of this kind. */
function sealedOf(entry: StoredSeal, row: Row): Buffer | undefined {
  const value = row[entry.column];
  if (value === null || value === undefined) return undefined;
  switch (entry.encoding.kind) {
    case 'binary': return Buffer.from(value as Uint8Array);
    case 'base64': return Buffer.from(String(value), 'base64');
    case 'json': {
      const doc = JSON.parse(String(value)) as Record<string, unknown>;
      if (!Object.entries(entry.encoding.when).every(([k, v]) => doc[k] === v)) return undefined;
      const field = doc[entry.encoding.field];
      return typeof field === 'string' ? Buffer.from(field, 'base64') : undefined;
    }
  }
}

/** The column value holding `sealed` in place of the row's current one. */
function withSealed(entry: StoredSeal, row: Row, sealed: Buffer): unknown {
  switch (entry.encoding.kind) {
    case 'binary': return sealed;
    case 'base64': return sealed.toString('base64');
    case 'json': {
      const doc = JSON.parse(String(row[entry.column])) as Record<string, unknown>;
      doc[entry.encoding.field] = sealed.toString('base64');
      return JSON.stringify(doc);
    }
  }
}

/** Tables that exist (a registry entry may name a table a newer migration adds). */
async function existingTables(db: AnyDb): Promise<Set<string>> {
  return new Set((await db.introspection.getTables()).map((t) => t.name));
}

/** One page of `entry`'s rows after `after` (the last page's last key), in key order. */
async function page(db: AnyDb, entry: StoredSeal, after: Row | undefined): Promise<Row[]> {
  let q = db.selectFrom(entry.table).select(columnsOf(entry));
  for (const [column, value] of Object.entries(entry.where ?? {})) q = q.where(column, '=', value);
  if (after) {
    const [k0, k1] = entry.keys;
    q = k1 === undefined
      ? q.where(k0!, '>', after[k0!])
      : q.where((eb) => eb.or([eb(k0!, '>', after[k0!]), eb.and([eb(k0!, '=', after[k0!]), eb(k1, '>', after[k1])])]));
  }
  if (entry.keys.length > 2) throw new Error(`${entry.table}: paging supports keys of one or two columns`);
  for (const key of entry.keys) q = q.orderBy(key);
  return q.limit(PAGE).execute() as Promise<Row[]>;
}

function keyText(entry: StoredSeal, row: Row): string {
  return entry.keys.map((k) => String(row[k])).join('/');
}

/** The databases sealed values are kept in: the main one, and the trail's (the same Db on PostgreSQL). */
export interface SealedDatabases {
  main: Db;
  trail: Db;
}

/**
 * One pass over every stored sealed value. `rewrap`: values not under the sealer's current key are
 * opened and sealed again under it; otherwise every value is only opened. Throws
 * {@link UnreadableSealError} on the first value the ring cannot open.
 */
export async function scanSealed(databases: SealedDatabases, sealer: Sealer, opts: { rewrap: boolean }): Promise<Map<string, EntryCounts>> {
  const tables = new Map<Db, Set<string>>();
  const report = new Map<string, EntryCounts>();
  for (const entry of SEALED_VALUES) {
    if (entry.kind !== 'stored') continue;
    const db = entry.database === 'trail' ? databases.trail : databases.main;
    if (!tables.has(db)) tables.set(db, await existingTables(db as unknown as AnyDb));
    if (!tables.get(db)!.has(entry.table)) continue;
    const any = db as unknown as AnyDb;
    const counts: EntryCounts = { opened: 0, rewrapped: 0, current: 0, conflicts: 0 };
    report.set(entryName(entry), counts);
    let after: Row | undefined;
    for (;;) {
      const rows = await page(any, entry, after);
      if (rows.length === 0) break;
      after = rows.at(-1);
      const updates: Array<{ row: Row; value: unknown }> = [];
      for (const row of rows) {
        const sealed = sealedOf(entry, row);
        if (!sealed) continue;
        if (opts.rewrap && sealer.isCurrent(sealed)) {
          counts.current++;
          continue;
        }
        const aad = aadOf(entry, row);
        let plain: Buffer;
        try {
          plain = sealer.open(aad, sealed);
        } catch {
          throw new UnreadableSealError(entryName(entry), keyText(entry, row));
        }
        counts.opened++;
        if (opts.rewrap) updates.push({ row, value: withSealed(entry, row, sealer.seal(aad, plain)) });
        plain.fill(0);
      }
      if (updates.length > 0) {
        // One transaction per page: few commits (each one fsyncs), short write locks.
        await any.transaction().execute(async (tx) => {
          for (const { row, value } of updates) {
            let u = tx.updateTable(entry.table).set({ [entry.column]: value });
            for (const key of entry.keys) u = u.where(key, '=', row[key]);
            const result = await u.where(entry.column, '=', row[entry.column]).executeTakeFirst();
            if (Number(result.numUpdatedRows) === 1) {
              counts.rewrapped++;
              continue;
            }
            // Lost to a concurrent write: fine if the writer sealed under the current key (or removed the row).
            let q = tx.selectFrom(entry.table).select(entry.column);
            for (const key of entry.keys) q = q.where(key, '=', row[key]);
            const fresh = (await q.executeTakeFirst()) as Row | undefined;
            const sealed = fresh && sealedOf(entry, fresh);
            if (!sealed || sealer.isCurrent(sealed)) counts.current++;
            else counts.conflicts++;
          }
        });
      }
      if (rows.length < PAGE) break;
    }
  }
  return report;
}
