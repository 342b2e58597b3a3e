import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { migrate, openSqlite, type Db } from '../../store/database.js';
import { BucketStore, type Bucket } from './bucket-store.js';

const ACCOUNT = '123456789012';

describe('BucketStore cache', () => {
  // Two connections to one file stand for two nodes of a cluster (or a write made elsewhere).
  const dir = mkdtempSync(join(tmpdir(), 'coffer-buckets-'));
  let here: Db;
  let elsewhere: Db;

  before(async () => {
    here = await openSqlite(join(dir, 'db.sqlite'));
    await migrate(here);
    elsewhere = await openSqlite(join(dir, 'db.sqlite'));
    await here.insertInto('accounts').values({ id: ACCOUNT, name: 't', canonical_user_id: 'c'.repeat(64), created_at: new Date().toISOString() }).execute();
  });
  after(async () => {
    await here.destroy();
    await elsewhere.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const bucket = (name: string): Bucket => ({
    name, accountId: ACCOUNT, region: 'us-east-1', locationConstraint: '', createdAt: new Date(),
    objectOwnership: 'BucketOwnerEnforced', versioning: null, acl: [],
  });

  it('sees its own writes at once: rows, documents, and a document put where there was none', async () => {
    const store = new BucketStore(here);
    assert.equal(await store.insert(bucket('own')), true);
    assert.equal((await store.get('own'))?.versioning, null);
    await store.update('own', { versioning: 'Enabled' });
    assert.equal((await store.get('own'))?.versioning, 'Enabled');
    assert.equal(await store.getConfig('own', 'policy'), undefined);
    await store.putConfig('own', 'policy', '{"Version":"2012-10-17"}');
    assert.equal(await store.getConfig('own', 'policy'), '{"Version":"2012-10-17"}');
    await store.deleteConfig('own', 'policy');
    assert.equal(await store.getConfig('own', 'policy'), undefined);
    assert.equal(await store.delete('own'), 'deleted');
    assert.equal(await store.get('own'), undefined);
  });

  it('hands every caller its own objects', async () => {
    const store = new BucketStore(here);
    await store.insert(bucket('fresh'), { cors: [{ AllowedMethods: ['GET'] }] });
    const first = (await store.get('fresh'))!;
    first.acl.push({ grantee: { type: 'Group', uri: 'x' }, permission: 'READ' } as never);
    first.versioning = 'Enabled';
    const cors = (await store.getConfig<Array<{ AllowedMethods: string[] }>>('fresh', 'cors'))!;
    cors.push({ AllowedMethods: ['PUT'] });
    const again = (await store.get('fresh'))!;
    assert.deepEqual([again.acl.length, again.versioning], [0, null]);
    assert.equal((await store.getConfig<unknown[]>('fresh', 'cors'))!.length, 1);
  });

  it('answers from the cache for up to its TTL when another node writes, and at once with a TTL of 0', async () => {
    const cached = new BucketStore(here, 200);
    const fresh = new BucketStore(here, 0);
    const other = new BucketStore(elsewhere, 0);
    await other.insert(bucket('shared'));
    assert.equal((await cached.get('shared'))?.versioning, null);
    assert.equal(await cached.getConfig('shared', 'policy'), undefined);
    await other.update('shared', { versioning: 'Enabled' });
    await other.putConfig('shared', 'policy', 'p');
    assert.equal((await cached.get('shared'))?.versioning, null, 'within the TTL: the cached row');
    assert.equal(await cached.getConfig('shared', 'policy'), undefined, 'within the TTL: the cached absence');
    assert.equal((await fresh.get('shared'))?.versioning, 'Enabled');
    assert.equal(await fresh.getConfig('shared', 'policy'), 'p');
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal((await cached.get('shared'))?.versioning, 'Enabled', 'after the TTL: read again');
    assert.equal(await cached.getConfig('shared', 'policy'), 'p');
  });
});
