import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { Sealer } from '../crypto/root-key.js';
import { openSqlite, type Db } from '../store/database.js';
import { up as trailSchema } from '../store/migrations/0005-trail.js';
import type { Principal } from '../server/context.js';
import { chainHash } from './chain.js';
import { buildEvent } from './event.js';
import { encodeBatch } from './batch.js';
import { TrailStore } from './store.js';
import { verifyChain } from './verify.js';

const ACCOUNT = '111122223333';
const ROOT: Principal = { type: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT, accessKeyId: 'AKIAROOTROOTROOTROOT' };
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

function event(n: number) {
  return buildEvent({
    requestId: `req-${n}`, eventTime: new Date(Date.UTC(2025, 0, 1, 0, 0, n)), service: 'kms', operation: n % 2 ? 'Encrypt' : 'DescribeKey',
    region: 'us-east-1', principal: ROOT, sourceIp: '127.0.0.1', userAgent: 'test', status: 200,
    input: { KeyId: KEY_ARN, Plaintext: randomBytes(8) }, resources: [KEY_ARN],
  })!;
}

/** Rows as an attacker with the database (but not the root key) would write them. */
async function insertForged(db: Db, e: ReturnType<typeof event>, seq: number, prevHash: string): Promise<void> {
  const i = e.index;
  await db.insertInto('trail_event_resources').values(i.resources.map((r) => ({ seq, resource_arn: r.arn, resource_type: r.type ?? null, resource_name: r.name }))).execute();
  await db.insertInto('trail_events').values({
    seq, event_id: i.eventId, event_time: i.eventTime, account_id: i.accountId, region: i.region,
    event_name: i.eventName, event_source: i.eventSource, read_only: i.readOnly ? 1 : 0, category: i.category, username: 'root',
    access_key_id: i.accessKeyId ?? null, event_json: e.json, prev_hash: prevHash, hash: chainHash(prevHash, e.json),
  }).execute();
}

describe('the event hash chain and coffer trail verify', () => {
  let db: Db;
  let sealer: Sealer;
  let store: TrailStore;

  beforeEach(async () => {
    db = await openSqlite(':memory:');
    await trailSchema(db);
    sealer = new Sealer(randomBytes(32));
    store = new TrailStore(db, sealer);
    await store.append(encodeBatch([1, 2, 3, 4, 5].map(event)));
    await store.append(encodeBatch([6, 7, 8, 9, 10].map(event)));
  });
  afterEach(() => db.destroy());

  const rows = () => db.selectFrom('trail_events').selectAll().orderBy('seq').execute();
  const kinds = async () => (await verifyChain(db, sealer)).problems.map((p) => [p.kind, p.seq]);

  it('links every event to the one before, across batches, and seals the head', async () => {
    const all = await rows();
    assert.deepEqual(all.map((r) => r.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(all[0]!.prev_hash, '0'.repeat(64));
    for (let i = 1; i < all.length; i++) assert.equal(all[i]!.prev_hash, all[i - 1]!.hash);
    for (const r of all) assert.equal(r.hash, chainHash(r.prev_hash, r.event_json));
    const report = await verifyChain(db, sealer);
    assert.deepEqual(report.problems, []);
    assert.equal(report.events, 10);
    assert.equal(report.checkpoint, 'ok');
    assert.deepEqual(report.head, { seq: 10, hash: all[9]!.hash });
  });

  it('an edited event is reported', async () => {
    await sql`update trail_events set event_json = replace(event_json, '"Encrypt"', '"Decrypt"') where seq = 3`.execute(db);
    assert.deepEqual(await kinds(), [['edited', 3]]);
  });

  it('an edited event whose hash was recomputed is reported', async () => {
    const row = (await rows())[3]!;
    const json = row.event_json.replace('127.0.0.1', '10.9.9.9');
    await db.updateTable('trail_events').set({ event_json: json, hash: chainHash(row.prev_hash, json) }).where('seq', '=', 4).execute();
    assert.deepEqual(await kinds(), [['edited', 4]]);
  });

  it('an edited index column (hiding an event from LookupEvents) is reported', async () => {
    await db.updateTable('trail_events').set({ event_name: 'ListKeys' }).where('seq', '=', 5).execute();
    await db.deleteFrom('trail_event_resources').where('seq', '=', 7).execute();
    assert.deepEqual(await kinds(), [['edited', 5], ['edited', 7]]);
  });

  it('a deleted event is reported, in the middle and at the end', async () => {
    await db.deleteFrom('trail_events').where('seq', 'in', [4, 5]).execute();
    assert.deepEqual(await kinds(), [['deleted', 4]]);
    await db.deleteFrom('trail_events').where('seq', '=', 10).execute();
    const report = await verifyChain(db, sealer);
    assert.deepEqual(report.problems.map((p) => p.kind), ['deleted', 'deleted']);
    assert.match(report.problems[1]!.message, /1 event\(s\) deleted from the end: seq 10 to 10 missing/);
  });

  it('an inserted event is reported, at the end and in the middle', async () => {
    const last = (await rows())[9]!;
    await insertForged(db, event(11), 11, last.hash);
    assert.deepEqual(await kinds(), [['inserted', 11]]);
    await db.deleteFrom('trail_events').where('seq', '=', 11).execute();
    await db.deleteFrom('trail_event_resources').where('seq', '=', 11).execute();

    // Make room at seq 6 by renumbering the tail, then insert a well-formed event there.
    for (const table of ['trail_events', 'trail_event_resources']) {
      await sql`update ${sql.table(table)} set seq = seq + 100 where seq >= 6`.execute(db);
      await sql`update ${sql.table(table)} set seq = seq - 99 where seq >= 106`.execute(db);
    }
    const five = (await rows())[4]!;
    await insertForged(db, event(12), 6, five.hash);
    assert.deepEqual(await kinds(), [['inserted', 6], ['inserted', 11]]);
  });

  it('a forged checkpoint, or one sealed with another root key, is reported', async () => {
    await db.updateTable('trail_checkpoints').set({ sealed: randomBytes(60) }).execute();
    assert.deepEqual(await kinds(), [['checkpoint', undefined]]);
    const other = new Sealer(randomBytes(32));
    assert.equal((await verifyChain(db, other)).checkpoint, 'problem');
  });

  it('a chain rewritten from the start is caught by the sealed checkpoint', async () => {
    let prev = '0'.repeat(64);
    for (const row of await rows()) {
      const json = row.event_json.replace('127.0.0.1', '10.0.0.1');
      const hash = chainHash(prev, json);
      await db.updateTable('trail_events').set({ event_json: json, prev_hash: prev, hash }).where('seq', '=', row.seq).execute();
      prev = hash;
    }
    await db.updateTable('trail_checkpoints').set({ hash: prev }).execute();
    const report = await verifyChain(db, sealer);
    assert.deepEqual(report.problems.map((p) => p.kind), ['checkpoint', 'checkpoint']);
    assert.match(report.problems[0]!.message, /checkpoint row was edited/);
    assert.match(report.problems[1]!.message, /rewritten/);
    // Without the root key such a rewrite cannot be told from the real thing: hence the seal.
    const blind = await verifyChain(db);
    assert.deepEqual([blind.checkpoint, blind.problems], ['unchecked', []]);
  });
});
