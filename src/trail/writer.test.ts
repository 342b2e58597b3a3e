import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Sealer } from '../crypto/root-key.js';
import { createLogger } from '../server/logger.js';
import type { Principal } from '../server/context.js';
import { openSqlite, type Db } from '../store/database.js';
import { up as trailSchema } from '../store/migrations/0005-trail.js';
import type { CallRecord } from './recorder.js';
import { TrailStore } from './store.js';
import { verifyChain } from './verify.js';
import { TrailWriter, type TrailDirectory } from './writer.js';

const ACCOUNT = '111122223333';
const ROOT: Principal = { type: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT, accessKeyId: 'AKIAROOTROOTROOTROOT' };

function call(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    requestId: randomBytes(8).toString('hex'), eventTime: new Date(), service: 'kms', operation: 'ListKeys', region: 'us-east-1',
    principal: ROOT, sourceIp: '127.0.0.1', userAgent: 'test', status: 200, input: {}, ...overrides,
  };
}

const directory: TrailDirectory = {
  async principalForKey(id) {
    return id === ROOT.accessKeyId ? ROOT : undefined;
  },
  async bucketOwner(bucket) {
    return bucket === 'public' ? ACCOUNT : undefined;
  },
};

describe('TrailWriter: batched, ordered, flushed on stop', () => {
  let db: Db;
  let store: TrailStore;
  let writer: TrailWriter;
  const log = createLogger('silent');

  beforeEach(async () => {
    db = await openSqlite(':memory:');
    await trailSchema(db);
    store = new TrailStore(db, new Sealer(randomBytes(32)));
    writer = new TrailWriter(store, directory, log, { flushMs: 60_000, maxBatch: 4 });
  });
  afterEach(async () => {
    await writer.stop();
    await db.destroy();
  });

  const names = async () => (await db.selectFrom('trail_events').select(['seq', 'event_name']).orderBy('seq').execute()).map((r) => r.event_name);

  it('recording returns at once; events reach the store on flush, in call order', async () => {
    writer.record(call({ operation: 'CreateKey' }));
    writer.record(call({ operation: 'DescribeKey' }));
    assert.deepEqual(await names(), [], 'nothing is written on the request path');
    await writer.flush();
    assert.deepEqual(await names(), ['CreateKey', 'DescribeKey']);
  });

  it('a full batch is written without waiting for the timer', async () => {
    for (const op of ['A1', 'A2', 'A3', 'A4']) writer.record(call({ operation: op }));
    // The batch was handed to the store by the fourth record(); wait for that write only.
    await writer.runOnce();
    assert.deepEqual(await names(), ['A1', 'A2', 'A3', 'A4']);
  });

  it('stop() writes what is queued: a clean shutdown loses no event', async () => {
    for (let i = 0; i < 10; i++) writer.record(call({ operation: `Op${i}` }));
    await writer.stop();
    assert.equal((await names()).length, 10);
    assert.deepEqual((await verifyChain(db)).problems, []);
  });

  it('a failed signature is logged for the key owner; an unknown key or bucket makes no event', async () => {
    writer.record(call({ principal: null, accessKeyId: ROOT.accessKeyId, operation: 'Encrypt', status: 400 }));
    writer.record(call({ principal: null, accessKeyId: 'AKIAUNKNOWNUNKNOWN00', operation: 'Encrypt', status: 400 }));
    writer.record(call({ principal: null, service: 's3', operation: 'GetBucketAcl', input: { Bucket: 'public' } }));
    writer.record(call({ principal: null, service: 's3', operation: 'GetBucketAcl', input: { Bucket: 'nobody-owns-this' } }));
    await writer.flush();
    const rows = await db.selectFrom('trail_events').selectAll().orderBy('seq').execute();
    assert.equal(rows.length, 2);
    assert.equal(JSON.parse(rows[0]!.event_json).userIdentity.arn, ROOT.arn);
    assert.equal(rows[0]!.access_key_id, ROOT.accessKeyId);
    assert.deepEqual(JSON.parse(rows[1]!.event_json).userIdentity, { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' });
    assert.equal(rows[1]!.account_id, ACCOUNT);
  });

  it('events survive a store that refuses writes for a while', async () => {
    const failing = new TrailStore(db, new Sealer(randomBytes(32)));
    let refuse = true;
    const append = failing.append.bind(failing);
    failing.append = async (events) => {
      if (refuse) throw new Error('disk full');
      return append(events);
    };
    const w = new TrailWriter(failing, directory, log, { flushMs: 60_000 });
    w.record(call({ operation: 'First' }));
    await w.flush();
    assert.deepEqual(await names(), []);
    refuse = false;
    w.record(call({ operation: 'Second' }));
    await w.stop();
    assert.deepEqual(await names(), ['First', 'Second']);
  });
});
