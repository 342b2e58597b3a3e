import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery } from 'kysely';
import { Sealer } from '../crypto/root-key.js';
import type { Db } from '../store/database.js';
import type { ServiceName } from '../model/registry.js';
import type { Principal } from '../server/context.js';
import { migrateTrailDatabase, openTrailSqlite } from './database.js';
import { buildEvent } from './event.js';
import { encodeBatch } from './batch.js';
import { TrailStore, type LookupQuery } from './store.js';

const ACCOUNT = '111122223333';
const ROOT: Principal = { type: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT, accessKeyId: 'AKIAROOTROOTROOTROOT' };
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const BUCKET = 'arn:aws:s3:::audit-logs';
const USER = `arn:aws:iam::${ACCOUNT}:user/team/alice`;

function event(n: number, service: ServiceName, operation: string, resource: string) {
  return buildEvent({
    requestId: `req-${n}`, eventTime: new Date(Date.UTC(2026, 0, 1, 0, 0, n)), service, operation, region: 'us-east-1',
    principal: ROOT, sourceIp: '127.0.0.1', userAgent: 'test', status: 200, input: {}, resources: [resource],
  })!;
}

describe('TrailStore.lookup by ResourceName', () => {
  let dir: string;
  let db: Db;
  let store: TrailStore;
  const query = (value: string): LookupQuery => ({
    accountId: ACCOUNT, region: 'us-east-1', attribute: { key: 'ResourceName', value }, start: new Date(Date.UTC(2025, 0, 1)), limit: 50,
  });
  const names = async (value: string) => (await store.lookup(query(value))).map((r) => r.event_name).sort();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-trail-lookup-'));
    db = (await openTrailSqlite(dir)).db;
    await migrateTrailDatabase(db);
    store = new TrailStore(db, new Sealer(randomBytes(32)));
    await store.append(encodeBatch([
      event(1, 'kms', 'DescribeKey', KEY),
      event(2, 's3', 'GetBucketAcl', BUCKET),
      event(3, 'iam', 'GetUser', USER),
    ]));
  });
  after(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds a resource by its name and by its ARN, where the two differ and where they are one', async () => {
    assert.deepEqual(await names(KEY), ['DescribeKey']);
    assert.deepEqual(await names('audit-logs'), ['GetBucketAcl']);
    assert.deepEqual(await names(BUCKET), ['GetBucketAcl']);
    assert.deepEqual(await names('alice'), ['GetUser']);
    assert.deepEqual(await names(USER), ['GetUser']);
    assert.deepEqual(await names(`arn:aws:s3:::other-bucket`), []);
    assert.deepEqual(await names('other'), []);
  });

  it('reads resources through the name index for a name or an ARN, never scanning them all', async () => {
    for (const value of ['audit-logs', BUCKET, USER, KEY]) {
      const { sql, parameters } = store.lookupQuery(query(value)).compile();
      const plan = (await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${sql}`, [...parameters]))).rows.map((r) => r.detail);
      assert.ok(plan.some((d) => /trail_event_resources USING (COVERING )?INDEX trail_event_resources_by_name/.test(d)), `${value}: ${plan.join(' | ')}`);
      assert.ok(!plan.some((d) => /SCAN trail_event_resources/.test(d)), `${value}: ${plan.join(' | ')}`);
    }
  });
});

describe('TrailStore.append', () => {
  it('appends a batch of any size whole and in order, resources included (INSERTs of power-of-two sizes)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-trail-append-'));
    const { db } = await openTrailSqlite(dir);
    try {
      await migrateTrailDatabase(db);
      const store = new TrailStore(db, new Sealer(randomBytes(32)));
      // 700 = 256 + 256 + 128 + 32 + 16 + 8 + 4; then 3 = 2 + 1 on top.
      const sizes = [700, 3];
      let n = 0;
      for (const size of sizes) {
        await store.append(encodeBatch(Array.from({ length: size }, () => { n += 1; return event(n, 'kms', 'DescribeKey', KEY); })));
      }
      const rows = await db.selectFrom('trail_events').select(['seq', 'event_json', 'prev_hash', 'hash']).orderBy('seq').execute();
      assert.deepEqual(rows.map((r) => r.seq), Array.from({ length: 703 }, (_, k) => k + 1));
      assert.deepEqual(rows.map((r) => JSON.parse(r.event_json).requestID), Array.from({ length: 703 }, (_, k) => `req-${k + 1}`));
      rows.slice(1).forEach((r, k) => assert.equal(r.prev_hash, rows[k]!.hash, `seq ${r.seq} chains to ${rows[k]!.seq}`));
      const resources = await db.selectFrom('trail_event_resources').select(['seq', 'resource_arn']).orderBy('seq').execute();
      assert.deepEqual(resources, rows.map((r) => ({ seq: r.seq, resource_arn: KEY })));
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
