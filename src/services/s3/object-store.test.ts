import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { NoSuchBlobError } from '../../store/blobs.js';
import { migrate, openSqlite, type Db } from '../../store/database.js';
import type { BodyPart } from './body.js';
import { BucketStore, type Versioning } from './bucket-store.js';
import { ObjectStore, type NewVersion } from './object-store.js';

const ACCOUNT = '123456789012';

describe('ObjectStore overwrites of the null version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-objects-'));
  let db: Db;
  let objects: ObjectStore;
  let buckets: BucketStore;
  let ids = 0;

  before(async () => {
    db = await openSqlite(join(dir, 'db.sqlite'));
    await migrate(db);
    await db.insertInto('accounts').values({ id: ACCOUNT, name: 't', canonical_user_id: 'c'.repeat(64), created_at: new Date().toISOString() }).execute();
    objects = new ObjectStore(db);
    buckets = new BucketStore(db, 0);
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const newBucket = async (name: string, versioning: Versioning = null) => {
    await buckets.insert({ name, accountId: ACCOUNT, region: 'us-east-1', locationConstraint: '', createdAt: new Date(), objectOwnership: 'BucketOwnerEnforced', versioning, acl: [] });
  };
  const version = (bucket: string, key: string, id: string, etag: string): NewVersion => ({
    id, bucket, key, size: 3, etag, lastModified: new Date(), ownerAccount: ACCOUNT, storageClass: 'STANDARD', metadata: { user: {} },
    checksum: null, tags: [], acl: [], encryption: null, partsCount: null,
  });
  const inline = (text: string): BodyPart[] => [{ seq: 1, sealed: Buffer.from(text), size: text.length }];
  const blob = (blobId: string): BodyPart[] => [{ seq: 1, blobId, size: 3 }];
  const rows = (bucket: string) => db.selectFrom('s3_objects').select(['id', 'key', 'version_id', 'is_latest', 'etag']).where('bucket', '=', bucket).orderBy('seq').execute();
  const bodyText = async (v: Awaited<ReturnType<ObjectStore['put']>>['version']) => {
    const [part] = await objects.bodyOf(v);
    return part && 'sealed' in part ? part.sealed.toString() : (part as { blobId: string }).blobId;
  };
  const fresh = () => `id-${++ids}`;
  /**
   * Where SQLite keeps a row: the same rowid after a write means the row was changed in place, not
   * deleted and inserted (a row inserted since, `later`, keeps an insert from taking the rowid back).
   */
  const rowidOf = async (id: string) => (await sql<{ rowid: number }>`select rowid from s3_objects where id = ${id}`.execute(db)).rows[0]?.rowid;

  it('replaces the current null version in place when the write reuses its id, and the old row reads no body', async () => {
    await newBucket('plain');
    const first = (await objects.put(version('plain', 'k', fresh(), 'e1'), inline('one'))).version;
    const id = await objects.currentNullId('plain', 'k');
    assert.equal(id, first.id);
    const rowid = await rowidOf(first.id);
    await objects.put(version('plain', 'later', fresh(), 'l'), inline('l'));
    const second = await objects.put(version('plain', 'k', id!, 'e2'), inline('two'));
    assert.deepEqual(second.garbage, []);
    assert.equal(second.version.id, first.id);
    assert.equal(second.version.seq, first.seq);
    assert.equal(await rowidOf(first.id), rowid);
    assert.notEqual(second.version.generation, first.generation);
    assert.deepEqual((await rows('plain')).filter((r) => r.key === 'k'), [{ id: first.id, key: 'k', version_id: 'null', is_latest: 1, etag: 'e2' }]);
    assert.equal(await bodyText(second.version), 'two');
    assert.equal(await bodyText((await objects.latest('plain', 'k'))!), 'two');
    // A reader that read the first write's row never gets the second write's body with it.
    await assert.rejects(objects.bodyOf(first), NoSuchBlobError);
  });

  it('swaps an inline body for blobs and back, queueing the blobs it drops', async () => {
    await newBucket('swap');
    const a = (await objects.put(version('swap', 'k', fresh(), 'a'), inline('abc'))).version;
    const b = await objects.put(version('swap', 'k', a.id, 'b'), blob('blob-b'));
    assert.deepEqual(b.garbage, []);
    assert.equal(await bodyText(b.version), 'blob-b');
    assert.equal((await db.selectFrom('s3_object_inline').select('object_id').where('object_id', '=', a.id).execute()).length, 0);
    const c = await objects.put(version('swap', 'k', a.id, 'c'), inline('xyz'));
    assert.deepEqual(c.garbage, ['blob-b']);
    assert.equal(await bodyText(c.version), 'xyz');
    await assert.rejects(objects.bodyOf(b.version), NoSuchBlobError);
    const d = await objects.put(version('swap', 'k', a.id, 'd'), blob('blob-d'));
    const e = await objects.put(version('swap', 'k', a.id, 'e'), blob('blob-e'));
    assert.deepEqual([d.garbage, e.garbage], [[], ['blob-d']]);
    assert.equal(await bodyText(e.version), 'blob-e');
    assert.equal((await db.selectFrom('s3_blob_garbage').select('blob_id').execute()).map((r) => r.blob_id).sort().join(), 'blob-b,blob-d');
    assert.equal((await rows('swap')).length, 1);
  });

  it('drops the part list of a multipart version it replaces in place', async () => {
    await newBucket('parts');
    const multi = { ...version('parts', 'k', fresh(), 'm-2'), partsCount: 2 };
    const stored = (await objects.put(multi, [{ seq: 1, blobId: 'p1', size: 3 }, { seq: 2, blobId: 'p2', size: 3 }], undefined, async (tx, v) => {
      await tx.insertInto('s3_object_parts').values([1, 2].map((n) => ({ object_id: v.id, part_number: n, size: 3, checksum: null }))).execute();
    })).version;
    const replaced = await objects.put(version('parts', 'k', stored.id, 'single'), inline('one'));
    assert.deepEqual(replaced.garbage.sort(), ['p1', 'p2']);
    assert.equal((await db.selectFrom('s3_object_parts').select('part_number').where('object_id', '=', stored.id).execute()).length, 0);
    assert.equal(replaced.version.partsCount, null);
    assert.equal(await bodyText(replaced.version), 'one');
  });

  it('inserts a new row under a reused id whose version was deleted meanwhile', async () => {
    await newBucket('gone');
    const first = (await objects.put(version('gone', 'k', fresh(), 'e1'), inline('one'))).version;
    await objects.delete('gone', 'k', undefined, version('gone', 'k', fresh(), ''));
    const again = await objects.put(version('gone', 'k', first.id, 'e2'), inline('two'));
    assert.equal(again.version.id, first.id);
    assert.notEqual(again.version.generation, first.generation);
    assert.equal(await bodyText(again.version), 'two');
    await assert.rejects(objects.bodyOf(first), NoSuchBlobError);
  });

  it('keeps versions apart under versioning, and a write that began before it was enabled replaces the null version', async () => {
    await newBucket('versioned');
    const nullVersion = (await objects.put(version('versioned', 'k', fresh(), 'n1'), inline('null-1'))).version;
    const reused = await objects.currentNullId('versioned', 'k');
    await buckets.update('versioned', { versioning: 'Enabled' });
    // A fresh id under Enabled: a new version above the null one.
    const v2 = (await objects.put(version('versioned', 'k', fresh(), 'v2'), inline('v2'))).version;
    assert.notEqual(v2.versionId, 'null');
    assert.equal(await objects.currentNullId('versioned', 'k'), undefined);
    // The write that read the null version's id before versioning was enabled: S3 lets it replace
    // the unversioned object; here it becomes the current version again, under its old id.
    const rowid = await rowidOf(reused!);
    const late = (await objects.put(version('versioned', 'k', reused!, 'n2'), inline('null-2'))).version;
    // Not current any more: removed and inserted anew, as the newest.
    assert.notEqual(await rowidOf(reused!), rowid);
    assert.deepEqual([late.id, late.versionId, late.isLatest], [nullVersion.id, 'null', true]);
    assert.deepEqual((await rows('versioned')).map((r) => [r.version_id === 'null' ? 'null' : 'v', r.is_latest, r.etag]), [['v', 0, 'v2'], ['null', 1, 'n2']]);
    assert.equal(await bodyText(late), 'null-2');
    await assert.rejects(objects.bodyOf(nullVersion), NoSuchBlobError);
    assert.equal(await bodyText(v2), 'v2');
  });

  it('replaces a suspended bucket\'s null version in place only while it is current', async () => {
    await newBucket('suspended', 'Enabled');
    const v1 = (await objects.put(version('suspended', 'k', fresh(), 'v1'), inline('v1'))).version;
    await buckets.update('suspended', { versioning: 'Suspended' });
    const n1 = (await objects.put(version('suspended', 'k', fresh(), 'n1'), inline('n1'))).version;
    const rowid = await rowidOf(n1.id);
    await objects.put(version('suspended', 'later', fresh(), 'l'), inline('l'));
    const n2 = (await objects.put(version('suspended', 'k', n1.id, 'n2'), inline('n2'))).version;
    assert.equal(await rowidOf(n1.id), rowid);
    assert.deepEqual([n2.id, n2.seq, n2.versionId], [n1.id, n1.seq, 'null']);
    assert.deepEqual((await rows('suspended')).filter((r) => r.key === 'k').map((r) => [r.version_id === v1.versionId ? 'v1' : r.version_id, r.is_latest, r.etag]), [['v1', 0, 'v1'], ['null', 1, 'n2']]);
  });
});
