/**
 * Small object bodies kept in the database (src/services/s3/body.ts, INLINE_MAX_BYTES): a body
 * declared at most 64 KiB becomes one row of `s3_object_inline`, committed with its version, and no
 * blob; one byte more is a blob as before. Checked through real clients on whichever backend the
 * suite runs on (SQLite and files, or PostgreSQL and the S3 blob store), by reading the server's
 * own stores: every encryption mode, ranges, versions, overwrites and deletes (which leave no row
 * and no blob behind), copies in and out of inline bodies, and a row altered at rest.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, PutBucketEncryptionCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { INLINE_MAX_BYTES } from '../src/services/s3/body.js';
import type { BlobStore } from '../src/store/blobs.js';
import { openSqlite, type Db } from '../src/store/database.js';
import { FsBlobStore } from '../src/store/fs/fs-blob-store.js';
import { openPostgres } from '../src/store/postgres/postgres.js';
import { S3BlobStore } from '../src/store/s3/s3-blob-store.js';
import { s3Location } from '../src/store/s3/s3-location.js';
import { clusterEnv, testBackend } from './cluster-backend.js';
import { AWS_CLIS, PYTHONS, run, startServer, type TestServer } from './harness.js';
import { bytesOf, clientsFor, customerKey, destroyAll, md5Hex, newKmsKey, s3Error, sseC, type Clients } from './sse-fixtures.js';

/** The server's own metadata database and blob store, opened beside it. */
interface Stores {
  db: Db;
  blobs: BlobStore;
  close(): Promise<void>;
}

async function openStoresOf(server: TestServer): Promise<Stores> {
  const env = await clusterEnv(testBackend(), server.dataDir);
  const db = env.COFFER_DATABASE_URL ? await openPostgres(env.COFFER_DATABASE_URL) : await openSqlite(join(server.dataDir, 'coffer.sqlite'));
  let blobs: BlobStore = new FsBlobStore(join(server.dataDir, 'blobs'));
  let client: S3Client | undefined;
  if (env.COFFER_BLOBS_URL) {
    const where = s3Location(env.COFFER_BLOBS_URL);
    where.client.destroy();
    client = new S3Client({ endpoint: where.endpoint, region: env.AWS_REGION, forcePathStyle: true,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
    blobs = new S3BlobStore({ client, bucket: where.bucket, prefix: where.prefix });
  }
  return { db, blobs, close: async () => { client?.destroy(); await db.destroy(); } };
}

const SIZES = [0, 1, INLINE_MAX_BYTES, INLINE_MAX_BYTES + 1];

describe('S3 small bodies inline in the database', () => {
  let server: TestServer;
  let c: Clients;
  let stores: Stores;
  let kmsKey: string;
  const bucket = 'inline-bucket';
  const versioned = 'inline-versioned';

  /**
   * How many inline rows and blobs the server stores, once the deletions its answered requests
   * began have ended (a replaced or deleted body's blob goes after the answer: src/services/s3/reclaim.ts).
   */
  const counts = async () => {
    await server.backgroundDone();
    const { n } = await stores.db.selectFrom('s3_object_inline').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    let blobs = 0;
    for await (const _ of stores.blobs.list()) blobs++;
    return { rows: Number(n), blobs };
  };
  const objectId = async (b: string, key: string) =>
    (await stores.db.selectFrom('s3_objects').select('id').where('bucket', '=', b).where('key', '=', key).where('is_latest', '=', 1).executeTakeFirstOrThrow()).id;
  const inlineRowOf = async (b: string, key: string) =>
    stores.db.selectFrom('s3_object_inline').select('body').where('object_id', '=', await objectId(b, key)).executeTakeFirst();

  before(async () => {
    server = await startServer();
    c = clientsFor(server);
    stores = await openStoresOf(server);
    for (const name of [bucket, versioned]) await c.s3.send(new CreateBucketCommand({ Bucket: name }));
    await c.s3.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: 'Enabled' } }));
    // New buckets refuse SSE-C; this one accepts it.
    await c.s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }] } }));
    kmsKey = (await newKmsKey(c.kms, 'inline bodies')).arn;
  });
  after(async () => {
    destroyAll(c);
    await stores.close();
    await server.stop();
  });

  it('0 B, 1 B and 64 KiB are one row and no blob, 64 KiB + 1 a blob and no row, under SSE-S3, SSE-KMS and SSE-C, whole and in ranges', async () => {
    const key = customerKey();
    const modes = {
      'sse-s3': { write: {}, read: {} },
      'sse-kms': { write: { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: kmsKey }, read: {} },
      'sse-c': { write: sseC(key), read: sseC(key) },
    };
    for (const [mode, { write, read }] of Object.entries(modes)) {
      for (const size of SIZES) {
        const name = `${mode}/${size}`;
        const body = randomBytes(size);
        const before = await counts();
        const out = await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: name, Body: body, ...write }));
        if (mode === 'sse-s3') assert.equal(out.ETag, `"${md5Hex(body)}"`, name);
        const inline = size <= INLINE_MAX_BYTES;
        assert.deepEqual(await counts(), { rows: before.rows + (inline ? 1 : 0), blobs: before.blobs + (inline ? 0 : 1) }, name);
        assert.equal((await inlineRowOf(bucket, name)) !== undefined, inline, name);

        const got = await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: name, ...read }));
        assert.deepEqual(await bytesOf(got.Body), body, name);
        assert.equal(got.ETag, out.ETag, name);
        const head = await c.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: name, ...read }));
        assert.equal(head.ContentLength, size, name);
        for (const [start, end] of size === 0 ? [] : [[0, 0], [size - 1, size - 1], [Math.floor(size / 3), size - 1]] as const) {
          const part = await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: name, Range: `bytes=${start}-${end}`, ...read }));
          assert.equal(part.ContentRange, `bytes ${start}-${end}/${size}`, name);
          assert.deepEqual(await bytesOf(part.Body), body.subarray(start, end + 1), `${name} ${start}-${end}`);
        }
        if (size > 0) assert.equal((await s3Error(c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: name, Range: `bytes=${size}-`, ...read })))).status, 416);
        if (mode === 'sse-c') assert.equal((await s3Error(c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: name, ...sseC(customerKey()) })))).status, 403);

        await c.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: name }));
        assert.deepEqual(await counts(), before, `${name}: deleting left a row or a blob`);
      }
    }
  });

  it('boto3 and aws-cli uploads (Content-Length, aws-chunked with a trailer checksum) of small files are inline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-inline-'));
    const body = randomBytes(4096);
    const file = join(dir, 'small.bin');
    await writeFile(file, body);
    try {
      const keys: string[] = [];
      for (const python of PYTHONS) {
        const key = `boto-${PYTHONS.indexOf(python)}`;
        const script = "import boto3,sys; boto3.client('s3', endpoint_url=sys.argv[1]).put_object(Bucket=sys.argv[2], Key=sys.argv[3], Body=open(sys.argv[4],'rb').read())";
        const out = await run(python, ['-c', script, server.url, bucket, key, file], server.clientEnv());
        assert.equal(out.code, 0, out.stderr);
        keys.push(key);
      }
      for (const aws of AWS_CLIS) {
        const key = `cli-${AWS_CLIS.indexOf(aws)}`;
        const out = await run(aws, ['s3', 'cp', file, `s3://${bucket}/${key}`, '--endpoint-url', server.url], server.clientEnv());
        assert.equal(out.code, 0, out.stderr);
        keys.push(key);
      }
      for (const key of keys) {
        assert.ok(await inlineRowOf(bucket, key), `${key} is not inline`);
        assert.deepEqual(await bytesOf((await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body), body, key);
      }
      const before = await counts();
      await c.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
      assert.deepEqual(await counts(), { rows: before.rows - keys.length, blobs: before.blobs });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a body declared small that sends more is refused and stores nothing', async () => {
    const url = new URL(server.url);
    const data = randomBytes(100_000);
    const path = `/${bucket}/liar`;
    const signer = new SignatureV4({ service: 's3', region: 'us-east-1', sha256: Sha256, uriEscapePath: false, applyChecksum: false,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    const framed = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n0\r\n\r\n')]);
    const signed = await signer.sign(new HttpRequest({
      method: 'PUT', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path,
      headers: {
        host: url.host, 'content-encoding': 'aws-chunked', 'content-length': String(framed.length),
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-decoded-content-length': '10',
      },
    }));
    const before = await counts();
    const res = await fetch(`${server.url}${path}`, { method: 'PUT', headers: signed.headers as Record<string, string>, body: framed });
    assert.equal(res.status, 400, await res.text());
    assert.equal((await s3Error(c.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'liar' })))).status, 404);
    assert.deepEqual(await counts(), before);
  });

  it('overwrites replace a row or a blob by the other, leaving nothing behind', async () => {
    const key = 'overwritten';
    const base = await counts();
    const small = (n: number) => randomBytes(n);
    const large = () => randomBytes(INLINE_MAX_BYTES + 1);
    // inline, inline, blob, blob, inline: each write replaces the previous body entirely.
    for (const [body, rows, blobs] of [[small(10), 1, 0], [small(20), 1, 0], [large(), 0, 1], [large(), 0, 1], [small(0), 1, 0]] as const) {
      await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      assert.deepEqual(await counts(), { rows: base.rows + rows, blobs: base.blobs + blobs });
      assert.deepEqual(await bytesOf((await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body), body);
    }
    await c.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    assert.deepEqual(await counts(), base);
  });

  it('overwrites racing reads: every read is one whole write, its ETag and its bytes, inline or not', async () => {
    // An overwrite of the null version changes its row in place (object-store.ts): a read that
    // read the row before must not get the next write's body with it.
    const key = 'raced';
    const written = new Map<string, Buffer>();
    await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from('first') }));
    written.set(md5Hex(Buffer.from('first')), Buffer.from('first'));
    let writing = true;
    const writer = async (w: number) => {
      for (let i = 0; i < 12; i++) {
        const body = randomBytes(i % 3 === 2 ? INLINE_MAX_BYTES + 1 + w : 4096 + w);
        written.set(md5Hex(body), body);
        await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      }
    };
    let reads = 0;
    const reader = async () => {
      while (writing) {
        const got = await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const bytes = await bytesOf(got.Body);
        assert.equal(got.ETag, `"${md5Hex(bytes)}"`);
        assert.deepEqual(written.get(md5Hex(bytes)), bytes);
        reads++;
      }
    };
    const readers = [reader(), reader(), reader()];
    await Promise.all([writer(0), writer(1), writer(2)]);
    writing = false;
    await Promise.all(readers);
    assert.ok(reads > 0);
    const rows = await stores.db.selectFrom('s3_objects').select('id').where('bucket', '=', bucket).where('key', '=', key).execute();
    assert.equal(rows.length, 1);
  });

  it('versions keep their own bodies, inline or not; delete markers add none; deleting every version leaves nothing', async () => {
    const key = 'v';
    const base = await counts();
    const bodies = [randomBytes(5), randomBytes(INLINE_MAX_BYTES + 1), randomBytes(INLINE_MAX_BYTES)];
    const ids: string[] = [];
    for (const body of bodies) ids.push((await c.s3.send(new PutObjectCommand({ Bucket: versioned, Key: key, Body: body }))).VersionId!);
    assert.deepEqual(await counts(), { rows: base.rows + 2, blobs: base.blobs + 1 });
    const marker = await c.s3.send(new DeleteObjectCommand({ Bucket: versioned, Key: key }));
    assert.equal(marker.DeleteMarker, true);
    assert.deepEqual(await counts(), { rows: base.rows + 2, blobs: base.blobs + 1 });
    assert.equal((await s3Error(c.s3.send(new GetObjectCommand({ Bucket: versioned, Key: key })))).status, 404);
    for (const [i, body] of bodies.entries()) {
      const got = await c.s3.send(new GetObjectCommand({ Bucket: versioned, Key: key, VersionId: ids[i], Range: 'bytes=1-4' }));
      assert.deepEqual(await bytesOf(got.Body), body.subarray(1, 5));
    }
    await c.s3.send(new DeleteObjectsCommand({ Bucket: versioned, Delete: { Objects: [...ids, marker.VersionId!].map((VersionId) => ({ Key: key, VersionId })) } }));
    assert.deepEqual(await counts(), base);
    const left = await stores.db.selectFrom('s3_objects').select('id').where('bucket', '=', versioned).where('key', '=', key).execute();
    assert.deepEqual(left, []);
  });

  it('CopyObject and UploadPartCopy read inline sources and write inline or blob copies by size, across encryption modes', async () => {
    const key = customerKey();
    const small = randomBytes(3000);
    const large = randomBytes(INLINE_MAX_BYTES + 100);
    await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy-src-small', Body: small, ...sseC(key) }));
    await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy-src-large', Body: large }));
    const copySourceKey = { CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: key.b64 };
    await c.s3.send(new CopyObjectCommand({ Bucket: versioned, Key: 'copy-small', CopySource: `${bucket}/copy-src-small`, ...copySourceKey, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKey }));
    await c.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy-large', CopySource: `${bucket}/copy-src-large`, ...sseC(key) }));
    assert.ok(await inlineRowOf(versioned, 'copy-small'));
    assert.equal(await inlineRowOf(bucket, 'copy-large'), undefined);
    assert.deepEqual(await bytesOf((await c.s3.send(new GetObjectCommand({ Bucket: versioned, Key: 'copy-small' }))).Body), small);
    assert.deepEqual(await bytesOf((await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy-large', ...sseC(key) }))).Body), large);
    // Copied onto itself with new metadata: the new version's body replaces the old row.
    const before = await counts();
    await c.s3.send(new CopyObjectCommand({ Bucket: versioned, Key: 'copy-small', CopySource: `${versioned}/copy-small`, MetadataDirective: 'REPLACE', Metadata: { a: 'b' } }));
    assert.deepEqual(await counts(), { rows: before.rows + 1, blobs: before.blobs }, 'a versioned bucket keeps the previous version');

    // An inline source as (a range of) a multipart part: parts stay blobs.
    const upload = await c.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'from-inline' }));
    const partCopy = await c.s3.send(new UploadPartCopyCommand({
      Bucket: bucket, Key: 'from-inline', UploadId: upload.UploadId, PartNumber: 1, CopySource: `${bucket}/copy-src-small`,
      CopySourceRange: 'bytes=100-1099', ...copySourceKey,
    }));
    await c.s3.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: 'from-inline', UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: partCopy.CopyPartResult!.ETag }] },
    }));
    assert.equal(await inlineRowOf(bucket, 'from-inline'), undefined);
    assert.deepEqual(await bytesOf((await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'from-inline' }))).Body), small.subarray(100, 1100));
  });

  it('an inline body altered at rest is refused, never returned', async () => {
    const body = randomBytes(2000);
    await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tampered', Body: body }));
    const id = await objectId(bucket, 'tampered');
    const original = Buffer.from((await inlineRowOf(bucket, 'tampered'))!.body);
    const altered = Buffer.from(original);
    altered[original.length - 40]! ^= 1;
    await stores.db.updateTable('s3_object_inline').set({ body: altered }).where('object_id', '=', id).execute();
    assert.equal((await s3Error(c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'tampered' })))).status, 500);
    assert.equal((await s3Error(c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'tampered', Range: 'bytes=0-9' })))).status, 500);
    await stores.db.updateTable('s3_object_inline').set({ body: original }).where('object_id', '=', id).execute();
    assert.deepEqual(await bytesOf((await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'tampered' }))).Body), body);
  });
});
