import { InternalCalls } from '../../server/internal-calls.js';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Sealer } from '../../crypto/root-key.js';
import { AwsError } from '../../errors.js';
import { Clock } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { migrate, openSqlite, type Db } from '../../store/database.js';
import { FsBlobStore } from '../../store/fs/fs-blob-store.js';
import { ChangeCounter } from '../../store/recent-cache.js';
import type { S3Deps } from './context.js';
import { INLINE_MAX_BYTES, type BlobRef } from './body.js';
import { S3Provider } from './provider.js';
import { s3Deps } from './service.js';

const ACCOUNT = '123456789012';

function ctx(): RequestContext {
  return {
    requestId: 'r', service: 's3', operation: 'op', region: 'us-east-1', accountId: ACCOUNT,
    principal: { type: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT },
    sourceIp: '127.0.0.1', userAgent: 'test', receivedAt: new Date(), secureTransport: false,
  } as RequestContext;
}

/** A GetObject body: a Buffer (a body kept in the database) or a stream. */
async function text(body: unknown): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  const parts: Buffer[] = [];
  for await (const chunk of body as Readable) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** Rejects with the S3 error `code`. */
async function rejectsWith(p: Promise<unknown>, code: string, status?: number): Promise<AwsError> {
  let caught: unknown;
  await assert.rejects(p, (err) => {
    caught = err;
    return err instanceof AwsError && err.code === code && (status === undefined || err.status === status);
  });
  return caught as AwsError;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** These tests make no SSE-KMS call: KMS is only the change counter bucket keys are versioned by. */
const noKms = { store: { changes: new ChangeCounter() } } as never;

describe('S3 provider over the embedded store', () => {
  let dir: string;
  let db: Db;
  let deps: S3Deps;
  let s3: S3Provider;
  const c = ctx();
  const put = (Bucket: string, Key: string, body: Buffer | string, extra: Record<string, unknown> = {}) => {
    const bytes = Buffer.from(body);
    return s3.putObject(c, { Bucket, Key, Body: Readable.from([bytes]), ContentLength: bytes.length, ...extra });
  };
  const blobFiles = async () => (await filesUnder(join(dir, 'blobs'))).filter((f) => !f.includes(`${join('blobs', 'tmp')}`));
  const inlineRows = async () => (await db.selectFrom('s3_object_inline').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
  /** The one blob of a file-backed single-PUT version. */
  const blobOf = async (bucket: string, key: string) => {
    const [part] = await deps.objects.bodyOf((await deps.objects.latest(bucket, key))!);
    assert.ok(part && 'blobId' in part, `${key} is kept in a blob`);
    return part as BlobRef;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-s3-'));
    db = await openSqlite(join(dir, 'coffer.sqlite'));
    await migrate(db);
    await db.insertInto('accounts').values({ id: ACCOUNT, name: 't', canonical_user_id: 'c'.repeat(64), created_at: new Date().toISOString() }).execute();
    deps = s3Deps({
      db, sealer: new Sealer(randomBytes(32)), blobs: new FsBlobStore(join(dir, 'blobs')), clock: new Clock(),
      trail: {} as never, config: {} as never, log: pino({ level: 'silent' }), calls: new InternalCalls(),
    }, noKms);
    s3 = new S3Provider(deps);
    await s3.createBucket(c, { Bucket: 'unit-bucket' });
  });
  after(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores bodies encrypted, in a blob or inline: the plaintext is nowhere on disk, and reads give it back', async () => {
    const marker = `plaintext-marker-${randomBytes(8).toString('hex')}`;
    const large = Buffer.from(marker.repeat(5000));
    const small = Buffer.from(marker.repeat(10));
    for (const [key, body] of [['secret.txt', large], ['small-secret.txt', small]] as const) {
      const out = await put('unit-bucket', key, body);
      assert.equal(out.ETag, `"${createHash('md5').update(body).digest('hex')}"`);
      assert.equal(out.ServerSideEncryption, 'AES256');
    }
    assert.equal((await deps.objects.bodyOf((await deps.objects.latest('unit-bucket', 'small-secret.txt'))!))[0]!.size, small.length);
    // The database file and its WAL hold the inline body: encrypted there too.
    for (const file of await filesUnder(dir)) assert.equal((await readFile(file)).includes(marker), false, file);
    for (const [key, body] of [['secret.txt', large], ['small-secret.txt', small]] as const) {
      const got = await s3.getObject(c, { Bucket: 'unit-bucket', Key: key });
      assert.deepEqual(await text(got.Body), body);
    }
  });

  it('a stored body altered on disk is refused, never returned', async () => {
    await put('unit-bucket', 'tamper.bin', randomBytes(200_000));
    const blob = await blobOf('unit-bucket', 'tamper.bin');
    const file = (await blobFiles()).find((f) => f.endsWith(blob.blobId))!;
    const bytes = await readFile(file);
    bytes[30]! ^= 1;
    await writeFile(file, bytes);
    await rejectsWith(s3.getObject(c, { Bucket: 'unit-bucket', Key: 'tamper.bin' }), 'InternalError', 500);
    // A range that avoids the altered segment still reads: each segment stands alone.
    const tail = await s3.getObject(c, { Bucket: 'unit-bucket', Key: 'tamper.bin', Range: 'bytes=150000-150009' });
    assert.equal((await text(tail.Body)).length, 10);
  });

  it('an inline body altered, truncated or swapped in the database is refused, never returned', async () => {
    await put('unit-bucket', 'tamper-inline', randomBytes(1000));
    await put('unit-bucket', 'other-inline', randomBytes(1000));
    const version = (await deps.objects.latest('unit-bucket', 'tamper-inline'))!;
    const other = (await deps.objects.latest('unit-bucket', 'other-inline'))!;
    const row = async (id: string) => (await db.selectFrom('s3_object_inline').select('body').where('object_id', '=', id).executeTakeFirstOrThrow()).body;
    const original = Buffer.from(await row(version.id));
    const store = (body: Buffer) => db.updateTable('s3_object_inline').set({ body }).where('object_id', '=', version.id).execute();
    const flipped = Buffer.from(original);
    flipped[30]! ^= 1;
    for (const body of [flipped, original.subarray(0, original.length - 1), Buffer.from(await row(other.id))]) {
      await store(body);
      await rejectsWith(s3.getObject(c, { Bucket: 'unit-bucket', Key: 'tamper-inline' }), 'InternalError', 500);
      await rejectsWith(s3.getObject(c, { Bucket: 'unit-bucket', Key: 'tamper-inline', Range: 'bytes=10-19' }), 'InternalError', 500);
    }
    await store(original);
    assert.equal((await text((await s3.getObject(c, { Bucket: 'unit-bucket', Key: 'tamper-inline' })).Body)).length, 1000);
  });

  it('Content-MD5 and checksum mismatches are refused and leave no blob or row behind', async () => {
    const before = (await blobFiles()).length;
    const rowsBefore = await inlineRows();
    const large = Buffer.alloc(INLINE_MAX_BYTES + 1, 'a');
    for (const body of ['abc', large]) {
      await rejectsWith(put('unit-bucket', 'md5', body, { ContentMD5: createHash('md5').update('abd').digest('base64') }), 'BadDigest');
      await rejectsWith(put('unit-bucket', 'crc', body, { ChecksumCRC32: 'AAAAAA==' }), 'BadDigest');
      await rejectsWith(put('unit-bucket', 'md5', body, { ContentMD5: 'nope' }), 'InvalidDigest');
    }
    assert.equal((await blobFiles()).length, before);
    assert.equal(await inlineRows(), rowsBefore);
    await rejectsWith(s3.headObject(c, { Bucket: 'unit-bucket', Key: 'md5' }), 'NoSuchKey', 404);
  });

  it('overwriting an unversioned object deletes the old body, a blob or an inline row', async () => {
    const large = (fill: string) => Buffer.alloc(INLINE_MAX_BYTES + 1, fill);
    await put('unit-bucket', 'over', large('1'));
    const blobs = (await blobFiles()).length;
    const rows = await inlineRows();
    // Blob to blob, blob to inline, inline to inline, inline to blob.
    for (const [body, blobsAfter, rowsAfter] of [[large('2'), blobs, rows], ['three', blobs - 1, rows + 1], ['four', blobs - 1, rows + 1], [large('5'), blobs, rows]] as const) {
      await put('unit-bucket', 'over', body);
      // The old blob is deleted after the answer (reclaim.ts): wait for that deletion to end.
      await deps.reclaim.runOnce();
      assert.equal((await blobFiles()).length, blobsAfter);
      assert.equal(await inlineRows(), rowsAfter);
      assert.deepEqual(await text((await s3.getObject(c, { Bucket: 'unit-bucket', Key: 'over' })).Body), Buffer.from(body));
    }
    assert.deepEqual(await deps.objects.garbage(10), []);
  });

  it('versioning: versions, delete markers, the null version, version-id reads and deletes', async () => {
    await s3.createBucket(c, { Bucket: 'versioned-unit' });
    const v0 = await put('versioned-unit', 'k', 'null version');
    assert.equal(v0.VersionId, undefined);
    await s3.putBucketVersioning(c, { Bucket: 'versioned-unit', VersioningConfiguration: { Status: 'Enabled' } });
    const v1 = await put('versioned-unit', 'k', 'one');
    const v2 = await put('versioned-unit', 'k', 'two');
    assert.ok(v1.VersionId && v2.VersionId && v1.VersionId !== v2.VersionId);
    const del = await s3.deleteObject(c, { Bucket: 'versioned-unit', Key: 'k' });
    assert.equal(del.DeleteMarker, true);
    const gone = await rejectsWith(s3.getObject(c, { Bucket: 'versioned-unit', Key: 'k' }), 'NoSuchKey', 404);
    assert.equal(gone.headers['x-amz-delete-marker'], 'true');
    const onMarker = await rejectsWith(s3.headObject(c, { Bucket: 'versioned-unit', Key: 'k', VersionId: del.VersionId }), 'MethodNotAllowed', 405);
    assert.equal(onMarker.headers['x-amz-delete-marker'], 'true');
    assert.equal((await text((await s3.getObject(c, { Bucket: 'versioned-unit', Key: 'k', VersionId: v1.VersionId })).Body)).toString(), 'one');
    assert.equal((await text((await s3.getObject(c, { Bucket: 'versioned-unit', Key: 'k', VersionId: 'null' })).Body)).toString(), 'null version');
    await rejectsWith(s3.getObject(c, { Bucket: 'versioned-unit', Key: 'k', VersionId: 'A'.repeat(32) }), 'NoSuchVersion', 404);
    await rejectsWith(s3.getObject(c, { Bucket: 'versioned-unit', Key: 'k', VersionId: 'bad' }), 'InvalidArgument', 400);

    const listed = await s3.listObjectVersions(c, { Bucket: 'versioned-unit' });
    assert.deepEqual(listed.Versions?.map((v) => [v.VersionId, v.IsLatest]), [[v2.VersionId, false], [v1.VersionId, false], ['null', false]]);
    assert.deepEqual(listed.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest]), [[del.VersionId, true]]);

    // Removing the marker makes the newest version current again.
    const undo = await s3.deleteObject(c, { Bucket: 'versioned-unit', Key: 'k', VersionId: del.VersionId });
    assert.deepEqual([undo.DeleteMarker, undo.VersionId], [true, del.VersionId]);
    assert.equal((await text((await s3.getObject(c, { Bucket: 'versioned-unit', Key: 'k' })).Body)).toString(), 'two');

    // Suspended: a write replaces the null version; the others stay.
    await s3.putBucketVersioning(c, { Bucket: 'versioned-unit', VersioningConfiguration: { Status: 'Suspended' } });
    const s1 = await put('versioned-unit', 'k', 'suspended');
    assert.equal(s1.VersionId, undefined);
    const after = await s3.listObjectVersions(c, { Bucket: 'versioned-unit' });
    assert.deepEqual(after.Versions?.map((v) => v.VersionId), ['null', v2.VersionId, v1.VersionId]);
    await rejectsWith(s3.deleteBucket(c, { Bucket: 'versioned-unit' }), 'BucketNotEmpty', 409);
  });

  it('lists by prefix and delimiter across pages, in UTF-8 byte order', async () => {
    await s3.createBucket(c, { Bucket: 'list-unit' });
    const keys = ['a/1', 'a/2', 'a/b/3', 'b', 'c/4', 'c/5', 'd', 'é', '\u{1F600}', '\uFF21'];
    for (const key of keys) await put('list-unit', key, key);
    const flat = await s3.listObjectsV2(c, { Bucket: 'list-unit' });
    // Code point order: U+FF21 sorts before U+1F600 in UTF-8, though not in UTF-16.
    assert.deepEqual(flat.Contents?.map((o) => o.Key), ['a/1', 'a/2', 'a/b/3', 'b', 'c/4', 'c/5', 'd', 'é', '\uFF21', '\u{1F600}']);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.listObjectsV2(c, { Bucket: 'list-unit', Delimiter: '/', MaxKeys: 2, ContinuationToken: token });
      seen.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!), ...(page.Contents ?? []).map((o) => o.Key!));
      assert.ok((page.KeyCount ?? 0) <= 2);
      token = page.NextContinuationToken;
      assert.equal(page.IsTruncated, token !== undefined);
    } while (token);
    assert.deepEqual(seen.sort(), ['a/', 'b', 'c/', 'd', 'é', '\uFF21', '\u{1F600}'].sort());
    const v1 = await s3.listObjects(c, { Bucket: 'list-unit', Delimiter: '/', Prefix: 'a/', MaxKeys: 2 });
    assert.deepEqual([v1.Contents?.map((o) => o.Key), v1.CommonPrefixes?.map((p) => p.Prefix), v1.IsTruncated, v1.NextMarker], [['a/1', 'a/2'], undefined, true, 'a/2']);
    const v1next = await s3.listObjects(c, { Bucket: 'list-unit', Delimiter: '/', Prefix: 'a/', Marker: 'a/2' });
    assert.deepEqual([v1next.Contents, v1next.CommonPrefixes?.map((p) => p.Prefix), v1next.IsTruncated], [[], ['a/b/'], false]);
    await rejectsWith(s3.listObjectsV2(c, { Bucket: 'list-unit', ContinuationToken: 'garbage!' }), 'InvalidArgument');
  });

  it('copies re-encrypt under a new key; conditional writes hold', async () => {
    await put('unit-bucket', 'src', 'copy me', { ContentType: 'text/plain', Metadata: { a: '1' } });
    const copied = await s3.copyObject(c, { Bucket: 'unit-bucket', Key: 'dst', CopySource: '/unit-bucket/src' });
    assert.equal(copied.CopyObjectResult?.ETag, `"${createHash('md5').update('copy me').digest('hex')}"`);
    const head = await s3.headObject(c, { Bucket: 'unit-bucket', Key: 'dst' });
    assert.deepEqual([head.ContentType, head.Metadata], ['text/plain', { a: '1' }]);
    const src = (await deps.objects.latest('unit-bucket', 'src'))!;
    const dst = (await deps.objects.latest('unit-bucket', 'dst'))!;
    const sealed = (v: typeof src) => (v.encryption as { sealedKey: string }).sealedKey;
    assert.notEqual(sealed(src), sealed(dst));
    await rejectsWith(s3.copyObject(c, { Bucket: 'unit-bucket', Key: 'src', CopySource: 'unit-bucket/src' }), 'InvalidRequest');
    await rejectsWith(put('unit-bucket', 'src', 'x', { IfNoneMatch: '*' }), 'PreconditionFailed', 412);
    await rejectsWith(put('unit-bucket', 'src', 'x', { IfMatch: '"0123"' }), 'PreconditionFailed', 412);
    await rejectsWith(put('unit-bucket', 'absent', 'x', { IfMatch: '"0123"' }), 'NoSuchKey', 404);
    await put('unit-bucket', 'src', 'y', { IfMatch: `"${src.etag}"` });
  });

  it('a part read racing overwrites of its object reads again, never fails on the parts gone', async () => {
    const first = randomBytes(5 * 1024 * 1024);
    const second = randomBytes(1000);
    const UploadId = (await s3.createMultipartUpload(c, { Bucket: 'unit-bucket', Key: 'mp-race' })).UploadId!;
    const etags = [];
    for (const [n, body] of [first, second].entries()) {
      etags.push((await s3.uploadPart(c, { Bucket: 'unit-bucket', Key: 'mp-race', UploadId, PartNumber: n + 1, Body: Readable.from([body]), ContentLength: body.length })).ETag);
    }
    await s3.completeMultipartUpload(c, { Bucket: 'unit-bucket', Key: 'mp-race', UploadId, MultipartUpload: { Parts: etags.map((ETag, k) => ({ ETag, PartNumber: k + 1 })) } });
    // The first reads of the parts find none, as when overwrites in place dropped them after the
    // version's row was read (three overwrites in a row here); the read after them finds them.
    const objectParts = deps.uploads.objectParts.bind(deps.uploads);
    let raced = 0;
    let races = 3;
    deps.uploads.objectParts = async (...args) => (raced++ < races ? [] : objectParts(...args));
    try {
      const got = await s3.getObject(c, { Bucket: 'unit-bucket', Key: 'mp-race', PartNumber: 2 });
      assert.deepEqual(await text(got.Body), second);
      assert.equal(got.PartsCount, 2);
      assert.equal(raced, 4, 'the parts were read again');
      raced = 0;
      assert.equal((await s3.headObject(c, { Bucket: 'unit-bucket', Key: 'mp-race', PartNumber: 1 })).ContentLength, first.length);
      assert.equal(raced, 4, 'HEAD read them again too');
      // Parts that never come back are a damaged store, not a race: S3's InternalError, after a bounded number of reads.
      raced = 0;
      races = Infinity;
      await rejectsWith(s3.getObject(c, { Bucket: 'unit-bucket', Key: 'mp-race', PartNumber: 2 }), 'InternalError', 500);
      assert.equal(raced, 5);
    } finally {
      deps.uploads.objectParts = objectParts;
    }
  });

  it('the garbage sweep deletes queued blobs', async () => {
    await put('unit-bucket', 'queued', Buffer.alloc(INLINE_MAX_BYTES + 1));
    const version = (await deps.objects.latest('unit-bucket', 'queued'))!;
    const blob = await blobOf('unit-bucket', 'queued');
    // As if a crash came between the commit that dropped the reference and the delete.
    await db.deleteFrom('s3_object_blobs').where('object_id', '=', version.id).execute();
    await db.insertInto('s3_blob_garbage').values({ blob_id: blob.blobId, created_at: new Date().toISOString() }).execute();
    const { buildS3 } = await import('./service.js');
    const job = buildS3({ db, sealer: new Sealer(randomBytes(32)), blobs: new FsBlobStore(join(dir, 'blobs')), clock: new Clock(), trail: {} as never, config: {} as never, log: pino({ level: 'silent' }), calls: new InternalCalls() }, noKms).background[0]!;
    await job.runOnce();
    await job.stop();
    assert.equal((await blobFiles()).some((f) => f.endsWith(blob.blobId)), false);
    assert.deepEqual(await deps.objects.garbage(10), []);
  });
});
