/**
 * S3BlobStore against a real S3 endpoint: a second Coffer process (embedded backends), which is
 * also how the cluster tests run (Coffer on Coffer).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectsCommand, GetObjectCommand, ListMultipartUploadsCommand,
  ListObjectsV2Command, S3Client,
} from '@aws-sdk/client-s3';
import { startServer, type TestServer } from '../../../test/harness.js';
import { blobStoreContract } from '../blob-store.contract.js';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
import { s3Location } from './s3-location.js';

const BUCKET = 'blob-contract';
let backing: TestServer | undefined;
let client: S3Client | undefined;
let ready: Promise<void> | undefined;

/** The backing Coffer, started once for the file. */
function backend(): Promise<void> {
  ready ??= (async () => {
    backing = await startServer({ backend: 'embedded', env: { COFFER_LOG_LEVEL: 'warn' } });
    client = new S3Client({
      endpoint: backing.url, region: backing.region, forcePathStyle: true,
      credentials: { accessKeyId: backing.accessKeyId, secretAccessKey: backing.secretAccessKey },
    });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  })();
  return ready;
}

after(async () => {
  client?.destroy();
  await backing?.stop();
});

/** Keys (and incomplete uploads) under a prefix, to check what a store left behind. */
async function leftovers(prefix: string): Promise<{ objects: string[]; uploads: number }> {
  const objects = (await client!.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents?.map((o) => o.Key!) ?? [];
  const uploads = (await client!.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }))).Uploads?.length ?? 0;
  return { objects, uploads };
}

async function emptyPrefix(prefix: string): Promise<void> {
  const { objects } = await leftovers(prefix);
  if (objects.length > 0) await client!.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: objects.map((Key) => ({ Key })) } }));
}

function storeOn(prefix: string, options: Partial<S3BlobStoreOptions> = {}): S3BlobStore {
  return new S3BlobStore({ client: client!, bucket: BUCKET, prefix, ...options });
}

/**
 * The contract, as a single-node deployment runs the store: a restarted node may abort every upload
 * it does not have in flight (abandonAfterMs 0). Multipart uploads start as soon as a body passes
 * 1 KiB, so the crash the contract simulates (4 KiB sent, then nothing) leaves an upload to sweep.
 */
blobStoreContract('S3BlobStore (multipart from 1 KiB) on Coffer', async () => {
  await backend();
  const prefix = `contract-${randomBytes(6).toString('hex')}/`;
  const make = () => storeOn(prefix, { multipartThreshold: 1024, abandonAfterMs: 0 });
  return { store: make(), reopen: async () => make(), cleanup: () => emptyPrefix(prefix) };
});

describe('S3BlobStore on Coffer', () => {
  before(backend);

  it('sends a body up to the threshold as one PutObject, and a crash mid-body leaves nothing to sweep', async () => {
    const prefix = `single-${randomBytes(6).toString('hex')}/`;
    const store = storeOn(prefix);
    const sent: string[] = [];
    client!.middlewareStack.add((next, context) => async (args) => {
      sent.push(context.commandName ?? '');
      return next(args);
    }, { step: 'initialize', name: 'recordCommands' });
    try {
      const data = randomBytes(4096);
      const { id, size } = await store.put(Readable.from([data]));
      assert.equal(size, 4096);
      assert.deepEqual(sent, ['PutObjectCommand']);
      async function* crashing(): AsyncGenerator<Buffer> {
        yield randomBytes(4096);
        throw new Error('node died');
      }
      await assert.rejects(store.put(crashing()), /node died/);
      assert.deepEqual(await leftovers(prefix), { objects: [prefix + id], uploads: 0 });
      assert.equal(await storeOn(prefix, { abandonAfterMs: 0 }).sweep(), 0);
    } finally {
      client!.middlewareStack.remove('recordCommands');
      await emptyPrefix(prefix);
    }
  });

  it('streams a long body in parts and aborts the upload when the body fails', async () => {
    const prefix = `multi-${randomBytes(6).toString('hex')}/`;
    const store = storeOn(prefix, { partSize: 5 * 1024 * 1024, queueSize: 2 });
    try {
      const data = randomBytes(12 * 1024 * 1024 + 17);
      const { id, size } = await store.put(Readable.from(chunked(data, 256 * 1024)));
      assert.equal(size, data.length);
      const out = await client!.send(new GetObjectCommand({ Bucket: BUCKET, Key: prefix + id, PartNumber: 3 }));
      assert.equal(out.PartsCount, 3);
      assert.deepEqual(Buffer.from(await out.Body!.transformToByteArray()), data.subarray(10 * 1024 * 1024));
      async function* failing(): AsyncGenerator<Buffer> {
        yield* chunked(randomBytes(6 * 1024 * 1024), 1024 * 1024);
        throw new Error('client went away');
      }
      await assert.rejects(store.put(failing()), /client went away/);
      assert.deepEqual(await leftovers(prefix), { objects: [prefix + id], uploads: 0 });
    } finally {
      await emptyPrefix(prefix);
    }
  });

  it("never aborts another node's upload in flight: only uploads older than the bound", async () => {
    const prefix = `sweep-${randomBytes(6).toString('hex')}/`;
    // Another node's upload, started a moment ago.
    await client!.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: prefix + 'a'.repeat(32) }));
    assert.equal(await storeOn(prefix).sweep(), 0, 'a fresh upload is left alone by default');
    assert.equal((await leftovers(prefix)).uploads, 1);
    assert.equal(await storeOn(prefix, { abandonAfterMs: 0 }).sweep(), 1);
    assert.equal((await leftovers(prefix)).uploads, 0);
  });

  it('is configured from an s3:// URL', () => {
    const loc = s3Location('s3://my-bucket/some/prefix?endpoint=http%3A%2F%2F127.0.0.1%3A9000&region=eu-west-1&partSizeMiB=16');
    assert.equal(loc.bucket, 'my-bucket');
    assert.equal(loc.prefix, 'some/prefix/');
    assert.equal(loc.endpoint, 'http://127.0.0.1:9000');
    assert.equal(loc.partSize, 16 * 1024 * 1024);
    loc.client.destroy();
    assert.equal(s3Location('s3://b').prefix, '');
    assert.throws(() => s3Location('s3://key:secret@b/p'), /no credentials in the URL/);
    assert.throws(() => s3Location('http://b/p'), /s3:\/\/bucket/);
    assert.throws(() => s3Location('s3://b/p?endpont=x'), /unknown parameter endpont/);
    assert.throws(() => new S3BlobStore({ client: client!, bucket: 'b', partSize: 1024 }), /at least 5242880/);
  });
});

function* chunked(data: Buffer, size: number): Generator<Buffer> {
  for (let off = 0; off < data.length; off += size) yield data.subarray(off, off + size);
}
