import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { Sealer } from '../crypto/root-key.js';
import { createLogger } from '../server/logger.js';
import type { Principal } from '../server/context.js';
import type { Db } from '../store/database.js';
import { AppendThread, type FromWorker } from './append-thread.js';
import { migrateTrailDatabase, openTrailSqlite, type TrailDatabase } from './database.js';
import type { CallRecord } from './recorder.js';
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

/** What the tests reach inside an AppendThread: its worker, and where its answers arrive. */
interface ThreadInsides {
  worker: Worker | undefined;
  answered(message: FromWorker): void;
}

describe('TrailWriter: batched, ordered, flushed on stop, appended on the worker thread', () => {
  let dir: string;
  let trail: TrailDatabase;
  let db: Db;
  let sealer: Sealer;
  let writer: TrailWriter;
  const log = createLogger('silent');
  const thread = () => new AppendThread(trail.location, sealer, log);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-trail-writer-'));
    trail = await openTrailSqlite(dir);
    await migrateTrailDatabase(trail.db);
    // This connection reads what the worker's own connection writes.
    db = trail.db;
    sealer = new Sealer(randomBytes(32));
    writer = new TrailWriter(thread(), directory, log, { flushMs: 60_000, maxBatch: 4 });
  });
  afterEach(async () => {
    await writer.stop();
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
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
    assert.deepEqual((await verifyChain(db, sealer)).problems, []);
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
    const w = new TrailWriter(thread(), directory, log, { flushMs: 60_000 });
    // The worker's transaction fails while the checkpoint table is missing.
    await sql`alter table trail_checkpoints rename to away`.execute(db);
    w.record(call({ operation: 'First' }));
    await w.flush();
    assert.deepEqual(await names(), []);
    await sql`alter table away rename to trail_checkpoints`.execute(db);
    w.record(call({ operation: 'Second' }));
    await w.stop();
    assert.deepEqual(await names(), ['First', 'Second']);
    assert.deepEqual((await verifyChain(db, sealer)).problems, []);
  });

  it('while the store refuses writes, at most maxQueue events wait: the oldest go', async () => {
    const w = new TrailWriter(thread(), directory, log, { flushMs: 60_000, maxBatch: 2, maxQueue: 6 });
    await sql`alter table trail_checkpoints rename to away`.execute(db);
    for (let i = 0; i < 40; i++) {
      w.record(call({ operation: `Op${i}` }));
      if (i % 2 === 1) await w.flush();
    }
    await sql`alter table away rename to trail_checkpoints`.execute(db);
    await w.stop();
    const kept = await names();
    // Six in all: the batch the worker was given first (it may have been committing), then the newest.
    assert.deepEqual(kept, ['Op0', 'Op1', 'Op36', 'Op37', 'Op38', 'Op39']);
    assert.deepEqual((await verifyChain(db, sealer)).problems, []);
  });

  it('a worker that dies is replaced; a batch it committed without acknowledging is not appended twice', async () => {
    const appender = thread();
    const insides = appender as unknown as ThreadInsides;
    const w = new TrailWriter(appender, directory, log, { flushMs: 60_000 });
    w.record(call({ operation: 'Before' }));
    await w.flush();
    const first = insides.worker!;
    // The next batch commits, but its acknowledgement is lost with the worker that sent it.
    const answered = insides.answered.bind(appender);
    const lost = new Promise<void>((resolve) => {
      insides.answered = () => {
        insides.answered = answered;
        void first.terminate().then(() => resolve());
      };
    });
    w.record(call({ operation: 'Committed' }));
    w.record(call({ operation: 'AlsoCommitted' }));
    await w.flush();
    await lost;
    assert.deepEqual(await names(), ['Before', 'Committed', 'AlsoCommitted'], 'the worker committed before it died');
    // The writer kept the batch; sent again (to a new worker) it adds nothing, and later events follow.
    w.record(call({ operation: 'After' }));
    await w.stop();
    assert.notEqual(insides.worker, first);
    assert.deepEqual(await names(), ['Before', 'Committed', 'AlsoCommitted', 'After']);
    assert.deepEqual((await verifyChain(db, sealer)).problems, []);
  });

  it('the worker seals with a root key the main Sealer adopts (rotation)', async () => {
    writer.record(call({ operation: 'Old' }));
    await writer.flush();
    const next = randomBytes(32);
    sealer.adopt(next);
    writer.record(call({ operation: 'New' }));
    await writer.flush();
    const checkpoint = await db.selectFrom('trail_checkpoints').selectAll().where('name', '=', 'events').executeTakeFirstOrThrow();
    assert.equal(new Sealer(next).open('trail_checkpoints/events', Buffer.from(checkpoint.sealed)).toString(), `2\n${checkpoint.hash}`);
  });
});
