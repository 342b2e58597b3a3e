import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Sealer } from '../crypto/root-key.js';
import { Clock } from '../server/clock.js';
import { createLogger } from '../server/logger.js';
import type { Principal } from '../server/context.js';
import { openSqlite, type Db } from '../store/database.js';
import { up as trailSchema } from '../store/migrations/0005-trail.js';
import { buildEvent } from './event.js';
import { HISTORY_MS, TrailRetention } from './retention.js';
import { encodeBatch } from './batch.js';
import { TrailStore } from './store.js';
import { verifyChain } from './verify.js';

const ACCOUNT = '111122223333';
const ROOT: Principal = { type: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT, accessKeyId: 'AKIAROOTROOTROOTROOT' };
const DAY = 24 * 3600 * 1000;
/** Service time starts at the wall clock and only moves forward: the events are from a day ago. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - DAY;

function event(n: number, time: number) {
  return buildEvent({
    requestId: `req-${n}`, eventTime: new Date(time), service: 'kms', operation: 'ListKeys',
    region: 'us-east-1', principal: ROOT, sourceIp: '127.0.0.1', userAgent: 'test', status: 200, input: {},
  })!;
}

describe('90-day retention of the event history', () => {
  let db: Db;
  let sealer: Sealer;
  let store: TrailStore;
  let clock: Clock;
  let retention: TrailRetention;

  beforeEach(async () => {
    db = await openSqlite(':memory:');
    await trailSchema(db);
    sealer = new Sealer(randomBytes(32));
    store = new TrailStore(db, sealer);
    clock = new Clock();
    retention = new TrailRetention({ db, trailDb: db, sealer, clock, log: createLogger('silent') });
    // Events 1-3 on day 0, 4-5 on day 10.
    await store.append(encodeBatch([1, 2, 3].map((n) => event(n, T0 + n * 1000))));
    await store.append(encodeBatch([4, 5].map((n) => event(n, T0 + 10 * DAY + n * 1000))));
  });
  afterEach(async () => {
    await retention.stop();
    await db.destroy();
  });

  const at = (ms: number) => clock.advance(ms - clock.now().getTime());
  const seqs = async () => (await db.selectFrom('trail_events').select('seq').orderBy('seq').execute()).map((r) => r.seq);

  it('keeps events younger than 90 days and removes older ones as a prefix; verify still passes', async () => {
    at(T0 + HISTORY_MS - 1000);
    assert.equal(await retention.prune(), 0);
    at(T0 + HISTORY_MS + 5 * DAY);
    assert.equal(await retention.prune(), 3);
    assert.deepEqual(await seqs(), [4, 5]);
    const report = await verifyChain(db, sealer);
    assert.deepEqual(report.problems, []);
    assert.equal(report.checkpoint, 'ok');
    assert.equal(report.pruned?.seq, 3);
    assert.equal(report.events, 2);

    // New events go on from the head, and the chain still verifies once everything expired.
    at(T0 + 10 * DAY + HISTORY_MS + DAY);
    assert.equal(await retention.prune(), 2);
    assert.deepEqual(await seqs(), []);
    assert.deepEqual((await verifyChain(db, sealer)).problems, []);
    await store.append(encodeBatch([event(6, clock.now().getTime())]));
    assert.deepEqual(await seqs(), [6]);
    assert.deepEqual((await verifyChain(db, sealer)).problems, []);
  });

  it('a kept event deleted, or the retention checkpoint forged or rolled back, is still detected', async () => {
    at(T0 + HISTORY_MS + 5 * DAY);
    await retention.prune();
    await db.deleteFrom('trail_events').where('seq', '=', 4).execute();
    assert.deepEqual((await verifyChain(db, sealer)).problems.map((p) => [p.kind, p.seq]), [['deleted', 4]]);

    const forged = new Sealer(randomBytes(32));
    await db.updateTable('trail_checkpoints').set({ seq: 4, sealed: forged.seal('trail_checkpoints/pruned', Buffer.from('4\nx')) }).where('name', '=', 'pruned').execute();
    const kinds = (await verifyChain(db, sealer)).problems.map((p) => p.kind);
    assert.ok(kinds.includes('checkpoint'), JSON.stringify(kinds));

    // Without the checkpoint, the kept chain no longer starts anywhere Coffer sealed.
    await db.deleteFrom('trail_checkpoints').where('name', '=', 'pruned').execute();
    assert.deepEqual((await verifyChain(db, sealer)).problems.map((p) => [p.kind, p.seq]), [['deleted', 1]]);
  });

  it('keeps events a logging trail has not delivered yet', async () => {
    await db.insertInto('trails').values({
      arn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/t`, account_id: ACCOUNT, home_region: 'us-east-1', name: 't', s3_bucket: 'b',
      s3_key_prefix: null, sns_topic_name: null, include_global: 1, multi_region: 0, log_file_validation: 0, organization: 0, kms_key_id: null,
      cw_log_group_arn: null, cw_role_arn: null, event_selectors: null, advanced_selectors: null, is_logging: 1, start_logging_time: null,
      stop_logging_time: null, delivered_seq: 1, latest_delivery_time: null, latest_delivery_attempt: null, latest_delivery_error: null,
      latest_digest_time: null, latest_digest_error: null, created_at: new Date(T0).toISOString(),
    }).execute();
    at(T0 + HISTORY_MS + 50 * DAY);
    assert.equal(await retention.prune(), 1);
    assert.deepEqual(await seqs(), [2, 3, 4, 5]);
  });
});
