import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { Sealer } from '../crypto/root-key.js';
import { migrate, openSqlite, type Db } from '../store/database.js';
import { createEventHistory } from '../store/migrations/0005-trail.js';
import { migrateTrailDatabase, openTrailSqlite, prepareTrailDatabase } from './database.js';
import type { Principal } from '../server/context.js';
import { buildEvent, type TrailEvent } from './event.js';
import { encodeBatch } from './batch.js';
import { TrailStore } from './store.js';
import { verifyChain } from './verify.js';

const ACCOUNT = '111122223333';
const ROOT: Principal = { type: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT, accessKeyId: 'AKIAROOTROOTROOTROOT' };

function event(n: number): TrailEvent {
  const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${n}`;
  return buildEvent({
    requestId: `req-${n}`, eventTime: new Date(Date.UTC(2026, 0, 1, 0, 0, n % 60)), service: 'kms', operation: 'DescribeKey',
    region: 'us-east-1', principal: ROOT, sourceIp: '127.0.0.1', userAgent: 'test', status: 200, input: { KeyId: key }, resources: [key],
  })!;
}

const HISTORY = ['trail_checkpoints', 'trail_event_resources', 'trail_events'];

describe('moving the event history out of coffer.sqlite into trail.sqlite', () => {
  let dir: string;
  let main: Db;
  let trail: Db;
  const sealer = new Sealer(randomBytes(32));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-trail-move-'));
    // A data directory as servers before the move left it: the history in coffer.sqlite.
    main = await openSqlite(join(dir, 'coffer.sqlite'));
    await migrate(main);
    const legacy = new TrailStore(main, sealer);
    for (let i = 0; i < 3; i++) await legacy.append(encodeBatch(Array.from({ length: 250 }, (_, k) => event(i * 250 + k))));
    trail = (await openTrailSqlite(dir)).db;
  });
  afterEach(async () => {
    await trail.destroy();
    await main.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const tablesOf = async (db: Db) => (await db.introspection.getTables()).map((t) => t.name).filter((n) => HISTORY.includes(n)).sort();
  const count = async (db: Db) => Number((await db.selectFrom('trail_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('copies every event with its resources and sealed head, then drops the old tables; the chain verifies', async () => {
    const before = await verifyChain(main, sealer);
    await prepareTrailDatabase(main, trail);
    assert.deepEqual(await tablesOf(main), []);
    const after = await verifyChain(trail, sealer);
    assert.deepEqual(after.problems, []);
    assert.equal(after.checkpoint, 'ok');
    assert.deepEqual({ events: after.events, head: after.head }, { events: 750, head: before.head });
    // The moved chain goes on: the next append links to the last moved event.
    await new TrailStore(trail, sealer).append(encodeBatch([event(750)]));
    assert.deepEqual((await verifyChain(trail, sealer)).problems, []);
    // Later starts find nothing left to move.
    await prepareTrailDatabase(main, trail);
    assert.equal(await count(trail), 751);
  });

  it('a crash after the copy committed, before the drop: the next start drops without copying twice', async () => {
    await prepareTrailDatabase(main, trail);
    // Put the old tables back as they were: the state a crash between the two steps leaves.
    await createEventHistory(main);
    await sql`attach database ${join(dir, 'trail.sqlite')} as moved`.execute(main);
    for (const table of HISTORY) await sql.raw(`insert into main.${table} select * from moved.${table}`).execute(main);
    await sql`detach database moved`.execute(main);
    await prepareTrailDatabase(main, trail);
    assert.deepEqual(await tablesOf(main), []);
    assert.equal(await count(trail), 750);
    assert.deepEqual((await verifyChain(trail, sealer)).problems, []);
  });

  it('a copy that fails leaves the trail file empty and coffer.sqlite untouched; the next start moves it all', async () => {
    // The trail file's schema, with an insert that fails part-way through the copy (the 600th event).
    await migrateTrailDatabase(trail);
    await sql`create trigger fail_copy before insert on trail_events when new.seq = 600 begin select raise(abort, 'disk full'); end`.execute(trail);
    await assert.rejects(prepareTrailDatabase(main, trail), /disk full/);
    assert.equal(await count(trail), 0);
    assert.equal(await count(main), 750);
    await sql`drop trigger fail_copy`.execute(trail);
    await prepareTrailDatabase(main, trail);
    assert.deepEqual(await tablesOf(main), []);
    assert.equal(await count(trail), 750);
    assert.deepEqual((await verifyChain(trail, sealer)).problems, []);
  });
});
