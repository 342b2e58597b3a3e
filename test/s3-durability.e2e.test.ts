/**
 * What S3 leaves on disk: a client that disconnects mid-upload leaves nothing visible and no blob
 * behind (also after a restart), no object body uploaded through any client is ever written
 * in plaintext: every file under the data directory is scanned for the uploaded marker, and a body
 * a crash left unreferenced (written, never committed) is swept once it is old enough.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CopyObjectCommand, CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { embeddedOnly } from './cluster-backend.js';
import { AWS_CLIS, PYTHONS, run, startServer, type TestServer } from './harness.js';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** Finished blobs (the temp directory holds puts in progress). */
async function blobFiles(dataDir: string): Promise<string[]> {
  return (await filesUnder(join(dataDir, 'blobs'))).filter((f) => !f.startsWith(join(dataDir, 'blobs', 'tmp')));
}

function client(server: TestServer): S3Client {
  return new S3Client({ endpoint: server.url, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
}

/**
 * Starts a correctly signed PutObject of `total` bytes, sends `sent` of them, then drops the
 * connection; resolves once the socket is gone.
 */
async function abandonedUpload(server: TestServer, path: string, total: number, sent: number): Promise<void> {
  const url = new URL(server.url);
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', sha256: Sha256, uriEscapePath: false,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
  const signed = await signer.sign(new HttpRequest({
    method: 'PUT', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path,
    headers: { host: url.host, 'content-length': String(total), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  }));
  await new Promise<void>((resolve) => {
    const req = request({ host: url.hostname, port: url.port, method: 'PUT', path, headers: signed.headers });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(randomBytes(sent), () => req.destroy());
  });
}

describe('S3 on disk: no half-written objects, no plaintext', { skip: embeddedOnly('the data directory\'s blob files') }, () => {
  let dataDir: string;
  let server: TestServer;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coffer-s3-disk-'));
    server = await startServer({ dataDir });
    await client(server).send(new CreateBucketCommand({ Bucket: 'disk-bucket' }));
  });
  after(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a client that disconnects mid-upload leaves nothing visible and no blob, also after a restart', async () => {
    const s3 = client(server);
    await s3.send(new PutObjectCommand({ Bucket: 'disk-bucket', Key: 'kept', Body: 'kept' }));
    const blobsBefore = await blobFiles(dataDir);
    await abandonedUpload(server, '/disk-bucket/abandoned.bin', 8 * 1024 * 1024, 3 * 1024 * 1024 + 17);
    // The gateway logs every request once it is over, the failed one included.
    await server.waitForOutput(/"operation":"PutObject","status":400[^\n]*"msg":"request"/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'disk-bucket', Key: 'abandoned.bin' })).catch((err) => err);
    assert.equal(head.$metadata.httpStatusCode, 404);
    assert.deepEqual(await blobFiles(dataDir), blobsBefore);
    assert.deepEqual(await readdir(join(dataDir, 'blobs', 'tmp')), []);

    await server.stop();
    server = await startServer({ dataDir });
    const again = client(server);
    assert.deepEqual(await blobFiles(dataDir), blobsBefore);
    const still = await again.send(new HeadObjectCommand({ Bucket: 'disk-bucket', Key: 'abandoned.bin' })).catch((err) => err);
    assert.equal(still.$metadata.httpStatusCode, 404);
    const kept = await again.send(new GetObjectCommand({ Bucket: 'disk-bucket', Key: 'kept' }));
    assert.equal(await kept.Body!.transformToString(), 'kept');
  });

  it('no uploaded body reaches the disk in plaintext, whichever client sent it', async () => {
    const marker = `coffer-plaintext-marker-${randomBytes(12).toString('hex')}`;
    const body = Buffer.from(`${marker}\n`.repeat(20_000));
    const s3 = client(server);
    await s3.send(new PutObjectCommand({ Bucket: 'disk-bucket', Key: 'sdk.txt', Body: body }));
    await s3.send(new CopyObjectCommand({ Bucket: 'disk-bucket', Key: 'copy.txt', CopySource: 'disk-bucket/sdk.txt' }));
    // A small body is kept in the database (the scan below reads its file and WAL too).
    await s3.send(new PutObjectCommand({ Bucket: 'disk-bucket', Key: 'small.txt', Body: `${marker}\n` }));
    const file = join(dataDir, '..', `${marker.slice(-8)}.upload`);
    await writeFile(file, body);
    try {
      for (const python of PYTHONS) {
        const script = "import boto3,sys; boto3.client('s3', endpoint_url=sys.argv[1]).put_object(Bucket='disk-bucket', Key=sys.argv[2], Body=open(sys.argv[3],'rb').read())";
        const out = await run(python, ['-c', script, server.url, `boto-${PYTHONS.indexOf(python)}.txt`, file], server.clientEnv());
        assert.equal(out.code, 0, out.stderr);
      }
      for (const aws of AWS_CLIS) {
        const out = await run(aws, ['s3', 'cp', file, `s3://disk-bucket/cli-${AWS_CLIS.indexOf(aws)}.txt`, '--endpoint-url', server.url], server.clientEnv());
        assert.equal(out.code, 0, out.stderr);
      }
    } finally {
      await rm(file, { force: true });
    }
    const got = await s3.send(new GetObjectCommand({ Bucket: 'disk-bucket', Key: 'cli-1.txt' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), body);

    const forms = [Buffer.from(marker), Buffer.from(Buffer.from(marker).toString('hex')), Buffer.from(Buffer.from(marker).toString('base64'))];
    const hits: string[] = [];
    for (const path of await filesUnder(dataDir)) {
      const bytes = await readFile(path);
      if (forms.some((f) => bytes.includes(f))) hits.push(path);
    }
    assert.deepEqual(hits, []);
    // The six large bodies above are blobs (the earlier test's 'kept' is small: inline).
    assert.ok((await blobFiles(dataDir)).length >= 6);
  });

  it('sweeps a body a crash left uncommitted once it is an hour old, never a referenced one or one written since start', async () => {
    const s3 = client(server);
    await s3.send(new PutObjectCommand({ Bucket: 'disk-bucket', Key: 'committed', Body: 'committed body' }));
    // What a crash between a body's put and its commit leaves: a complete blob no row names.
    const plant = async () => {
      const id = randomBytes(16).toString('hex');
      const dir = join(dataDir, 'blobs', id.slice(0, 2), id.slice(2, 4));
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await copyFile((await blobFiles(dataDir))[0]!, join(dir, id));
      return join(dir, id);
    };
    const orphan = await plant();
    await server.stop();
    server = await startServer({ dataDir });
    // Written after this start: could be a request's body about to commit, whatever its age.
    const fresh = await plant();
    const referenced = (await blobFiles(dataDir)).filter((f) => f !== orphan && f !== fresh);

    await server.advanceClock(0); // every background pass, at start-up time: the orphan is too young
    assert.ok((await blobFiles(dataDir)).includes(orphan), 'a young unreferenced body was swept');
    await server.advanceClock(3700);
    const left = await blobFiles(dataDir);
    assert.ok(!left.includes(orphan), `the orphan ${basename(orphan)} was not swept`);
    assert.deepEqual(left.sort(), [...referenced, fresh].sort());
    const again = client(server);
    const got = await again.send(new GetObjectCommand({ Bucket: 'disk-bucket', Key: 'committed' }));
    assert.equal(await got.Body!.transformToString(), 'committed body');
    assert.match(server.output(), /deleted bodies no object or upload references/);
  });
});
