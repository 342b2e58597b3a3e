/**
 * Cluster mode: stateless nodes on one PostgreSQL and one S3-compatible blob store (a third Coffer
 * process). Read-after-write and list-after-write across nodes, concurrent writers of one key,
 * concurrent CompleteMultipartUpload of one upload, a node killed mid-upload and one killed
 * mid-CompleteMultipartUpload, a key disabled on one node refused on the other at once, no plaintext in
 * the backing store, one trail hash chain, background jobs led by one node, and the root key opened
 * through an external KMS ("auto-unseal").
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand,
  ListMultipartUploadsCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutBucketEncryptionCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import {
  CreateKeyCommand, DecryptCommand, DescribeKeyCommand, DisableKeyCommand, EncryptCommand, KMSClient, ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import pg from 'pg';
import { run, startServer, type TestServer } from './harness.js';
import { postgresAvailable, startPostgres, type TestPostgres } from './postgres.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const skip = postgresAvailable() ? false : 'PostgreSQL is not installed (scripts/setup-test.sh installs it)';
const BACKING_BUCKET = 'cluster-blobs';

function s3(server: { url: string; accessKeyId: string; secretAccessKey: string }): S3Client {
  return new S3Client({ endpoint: server.url, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
}

function kms(server: TestServer): KMSClient {
  return new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
}

async function text(body: unknown): Promise<Buffer> {
  return Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('cluster mode: two nodes on one PostgreSQL and one blob store', { skip }, () => {
  let postgres: TestPostgres;
  let backing: TestServer;
  let database: string;
  let nodeEnv: Record<string, string>;
  let a: TestServer;
  let b: TestServer;
  const rootKey = randomBytes(32).toString('hex');
  const bucket = `cluster-${randomBytes(4).toString('hex')}`;

  before(async () => {
    [postgres, backing] = await Promise.all([startPostgres(), startServer({ backend: 'embedded', env: { COFFER_LOG_LEVEL: 'warn' } })]);
    const store = s3(backing);
    await store.send(new CreateBucketCommand({ Bucket: BACKING_BUCKET }));
    store.destroy();
    database = await postgres.createDatabase();
    nodeEnv = {
      COFFER_DATABASE_URL: database,
      COFFER_BLOBS_URL: `s3://${BACKING_BUCKET}/nodes?endpoint=${encodeURIComponent(backing.url)}`,
      AWS_ACCESS_KEY_ID: backing.accessKeyId,
      AWS_SECRET_ACCESS_KEY: backing.secretAccessKey,
      AWS_REGION: 'us-east-1',
      COFFER_ROOT_KEY: rootKey,
    };
    // Both start at once: migrations and the first account are made once, under the start-up lock.
    [a, b] = await Promise.all([startServer({ backend: 'embedded', env: nodeEnv }), startServer({ backend: 'embedded', env: nodeEnv })]);
    await s3(a).send(new CreateBucketCommand({ Bucket: bucket }));
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await backing?.stop();
    await postgres?.stop();
  });

  it('serves what one node wrote from the other, in reads and listings', async () => {
    const body = randomBytes(100_000);
    await s3(a).send(new PutObjectCommand({ Bucket: bucket, Key: 'docs/one.bin', Body: body }));
    const got = await s3(b).send(new GetObjectCommand({ Bucket: bucket, Key: 'docs/one.bin' }));
    assert.deepEqual(await text(got.Body), body);
    const ranged = await s3(b).send(new GetObjectCommand({ Bucket: bucket, Key: 'docs/one.bin', Range: 'bytes=70000-70099' }));
    assert.deepEqual(await text(ranged.Body), body.subarray(70_000, 70_100));
    await s3(b).send(new PutObjectCommand({ Bucket: bucket, Key: 'docs/two.bin', Body: 'two' }));
    for (const node of [a, b]) {
      const listed = await s3(node).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'docs/' }));
      assert.deepEqual(listed.Contents?.map((o) => o.Key), ['docs/one.bin', 'docs/two.bin']);
    }
  });

  it('leaves one whole object when both nodes write one key at once (last writer wins)', async () => {
    for (let round = 0; round < 8; round++) {
      const bodies = [randomBytes(300_000), randomBytes(300_000)];
      const puts = await Promise.all([a, b].map((node, i) => s3(node).send(new PutObjectCommand({ Bucket: bucket, Key: 'contended', Body: bodies[i] }))));
      const etags = puts.map((p) => p.ETag);
      for (const node of [a, b]) {
        const got = await s3(node).send(new GetObjectCommand({ Bucket: bucket, Key: 'contended' }));
        const data = await text(got.Body);
        const winner = bodies.findIndex((body) => sha(body) === sha(data));
        assert.ok(winner >= 0, 'the object is one of the two bodies, whole');
        assert.equal(got.ETag, etags[winner]);
      }
      const versions = await s3(a).send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'contended' }));
      assert.equal(versions.Versions?.length, 1, 'an unversioned bucket keeps one version');
    }
  });

  it('completes a multipart upload once when both nodes complete it at the same moment', async () => {
    const versioned = `${bucket}-v`;
    await s3(a).send(new CreateBucketCommand({ Bucket: versioned }));
    await s3(a).send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: 'Enabled' } }));
    for (let round = 0; round < 4; round++) {
      const Key = `once-${round}`;
      const { UploadId } = await s3(a).send(new CreateMultipartUploadCommand({ Bucket: versioned, Key }));
      const part = await s3(b).send(new UploadPartCommand({ Bucket: versioned, Key, UploadId, PartNumber: 1, Body: randomBytes(1000) }));
      const results = await Promise.allSettled([a, b, a, b].map((node) => s3(node).send(new CompleteMultipartUploadCommand({
        Bucket: versioned, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }))));
      const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'NoSuchUpload');
      assert.ok(ok.length >= 1);
      assert.equal(new Set(ok.map((o) => o.VersionId)).size, 1, 'every success names the one version made');
      const versions = await s3(b).send(new ListObjectVersionsCommand({ Bucket: versioned, Prefix: Key }));
      assert.deepEqual(versions.Versions?.map((v) => v.VersionId), [ok[0]!.VersionId]);
    }
  });

  /** A third node of the cluster, to be killed: spawned directly, as the harness's servers are stopped gently. */
  async function startVictim(): Promise<{ client: S3Client; kill(): void; exited: Promise<unknown>; remove(): Promise<void> }> {
    const dataDir = await mkdtemp(join(tmpdir(), 'coffer-victim-'));
    const victim = spawn(process.execPath, [MAIN, 'server', '--port', '0', '--data-dir', dataDir], {
      env: { ...process.env, ...nodeEnv, COFFER_ROOT_ACCESS_KEY_ID: a.accessKeyId, COFFER_ROOT_SECRET_ACCESS_KEY: a.secretAccessKey }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => victim.once('exit', resolve));
    const remove = async () => {
      victim.kill('SIGKILL');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    };
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        victim.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /coffer listening on (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        victim.once('exit', (code) => reject(new Error(`victim exited with ${code}: ${out}`)));
      });
      return { client: s3({ url, accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey }), kill: () => victim.kill('SIGKILL'), exited, remove };
    } catch (err) {
      await remove();
      throw err;
    }
  }

  it('a node killed mid-upload leaves no object, and the other keeps serving', async () => {
    const victim = await startVictim();
    try {
      const client = victim.client;
      // 12 MiB announced, 10 MiB sent: past the blob store's first part, so the backing store holds an upload in progress.
      const body = new PassThrough();
      const upload = client.send(new PutObjectCommand({ Bucket: bucket, Key: 'killed', Body: body, ContentLength: 12 * 1024 * 1024 }));
      const done = upload.then(() => 'completed', () => 'failed');
      let sent = 0;
      while (sent < 10 * 1024 * 1024) {
        const chunk = randomBytes(256 * 1024);
        sent += chunk.length;
        if (!body.write(chunk)) await new Promise((resolve) => body.once('drain', resolve));
      }
      await waitForUpload(backing);
      victim.kill();
      assert.equal(await done, 'failed');
      client.destroy();
    } finally {
      await victim.remove();
    }
    await assert.rejects(s3(b).send(new HeadObjectCommand({ Bucket: bucket, Key: 'killed' })), { name: 'NotFound' });
    const listed = await s3(b).send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.ok(!listed.Contents?.some((o) => o.Key === 'killed'));
    await s3(b).send(new PutObjectCommand({ Bucket: bucket, Key: 'after-kill', Body: 'still here' }));
    const got = await s3(a).send(new GetObjectCommand({ Bucket: bucket, Key: 'after-kill' }));
    assert.equal((await text(got.Body)).toString(), 'still here');
  });

  it('a node killed mid-CompleteMultipartUpload leaves the upload whole and completable from the other node, never half-visible', async () => {
    const Key = 'killed-while-completing';
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024), randomBytes(1024 * 1024)];
    const whole = Buffer.concat(parts);
    const victim = await startVictim();
    const holder = new pg.Client({ connectionString: database });
    await holder.connect();
    try {
      const { UploadId } = await victim.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
      const etags: string[] = [];
      for (const [i, Body] of parts.entries()) etags.push((await victim.client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: i + 1, Body }))).ETag!);
      const MultipartUpload = { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) };
      // Holding the upload's lock (as a concurrent Complete on another node would) stops the victim's
      // Complete inside its transaction: the new version's row written, the parts not yet attached.
      const lock = `s3-upload:${UploadId}`;
      await holder.query('select pg_advisory_lock(hashtextextended($1, 0))', [lock]);
      const completing = victim.client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload })).then(() => 'completed', () => 'failed');
      await waitForLockWaiter(holder, lock);
      victim.kill();
      await victim.exited;
      assert.equal(await completing, 'failed');
      await holder.query('select pg_advisory_unlock(hashtextextended($1, 0))', [lock]);

      // Nothing of it is visible from the surviving nodes, and the upload is still in progress...
      for (const node of [a, b]) {
        await assert.rejects(s3(node).send(new HeadObjectCommand({ Bucket: bucket, Key })), { name: 'NotFound' });
        const listed = await s3(node).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: Key }));
        assert.equal(listed.KeyCount, 0);
        const uploads = await s3(node).send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: Key }));
        assert.deepEqual(uploads.Uploads?.map((u) => u.UploadId), [UploadId]);
      }
      // ...so the other node completes it, whole.
      const done = await s3(b).send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload }));
      for (const node of [a, b]) {
        const got = await s3(node).send(new GetObjectCommand({ Bucket: bucket, Key }));
        assert.equal(got.ETag, done.ETag);
        assert.equal(sha(await text(got.Body)), sha(whole));
        const listed = await s3(node).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: Key }));
        assert.deepEqual(listed.Contents?.map((o) => [o.Key, o.Size]), [[Key, whole.length]]);
      }
    } finally {
      await holder.end();
      victim.client.destroy();
      await victim.remove();
    }
  });

  it('a key disabled on one node is refused on the other at once', async () => {
    const { KeyMetadata } = await kms(a).send(new CreateKeyCommand({ Description: 'cluster' }));
    const keyId = KeyMetadata!.KeyId!;
    await kms(b).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('before') }));
    await kms(a).send(new DisableKeyCommand({ KeyId: keyId }));
    await assert.rejects(kms(b).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('after') })), { name: 'DisabledException' });
  });

  it('a KMS key disabled on one node stops bucket-key reads on the other within the cluster bound (1 s)', async () => {
    const keyArn = (await kms(a).send(new CreateKeyCommand({ Description: 'cluster bucket key' }))).KeyMetadata!.Arn!;
    const keyed = `${bucket}-bucket-key`;
    await s3(a).send(new CreateBucketCommand({ Bucket: keyed }));
    await s3(a).send(new PutBucketEncryptionCommand({
      Bucket: keyed, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }] },
    }));
    await s3(b).send(new PutObjectCommand({ Bucket: keyed, Key: 'k', Body: 'under a bucket key' }));
    const first = await s3(b).send(new GetObjectCommand({ Bucket: keyed, Key: 'k' }));
    assert.equal(first.BucketKeyEnabled, true);
    assert.equal(await first.Body!.transformToString(), 'under a bucket key');
    await kms(a).send(new DisableKeyCommand({ KeyId: keyArn }));
    // Whatever B cached, the cluster bound for KMS changes made elsewhere is one second.
    await b.advanceClock(2);
    await assert.rejects(s3(b).send(new GetObjectCommand({ Bucket: keyed, Key: 'k' })), (err: Error & { Code?: string }) => {
      assert.equal(err.name, 'KMS.DisabledException');
      assert.equal(err.message, `${keyArn} is disabled.`);
      return true;
    });
  });

  it('the backing store holds only ciphertext', async () => {
    const marker = Buffer.from('PLAINTEXT-MARKER-' + randomBytes(8).toString('hex'));
    const body = Buffer.concat(Array.from({ length: 2000 }, () => marker));
    await s3(a).send(new PutObjectCommand({ Bucket: bucket, Key: 'secret.txt', Body: body }));
    // Read every blob back from the backing store as it was sent (the backing Coffer decrypts its own layer).
    const store = s3(backing);
    let blobs = 0;
    for (let token: string | undefined; ;) {
      const page = await store.send(new ListObjectsV2Command({ Bucket: BACKING_BUCKET, Prefix: 'nodes/', ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        const data = await text((await store.send(new GetObjectCommand({ Bucket: BACKING_BUCKET, Key: o.Key }))).Body);
        assert.equal(data.indexOf(marker), -1, `${o.Key} holds plaintext`);
        assert.equal(data.indexOf(marker.subarray(0, 12)), -1, `${o.Key} holds plaintext`);
        blobs++;
      }
      token = page.NextContinuationToken;
      if (!token) break;
    }
    assert.ok(blobs >= 4, 'every object written so far has its blob in the backing store');
    store.destroy();
  });

  it('keeps one trail hash chain while both nodes write events', async () => {
    await Promise.all([a, b].flatMap((node) => Array.from({ length: 20 }, (_, i) =>
      kms(node).send(new CreateKeyCommand({ Description: `chain ${i}` })))));
    // Stopping a node writes its queued events; both then restart on the same database.
    await Promise.all([a.stop(), b.stop()]);
    const verify = await run(process.execPath, [MAIN, 'trail', 'verify', '--database', database, '--json'], { ...process.env, COFFER_ROOT_KEY: rootKey });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const report = JSON.parse(verify.stdout) as { events: number; checkpoint: string; problems: unknown[] };
    assert.equal(report.checkpoint, 'ok');
    assert.deepEqual(report.problems, []);
    const db = new pg.Client({ connectionString: database });
    await db.connect();
    try {
      const { rows } = await db.query<{ access_key_id: string; n: string }>(
        `select access_key_id, count(*) as n from trail_events where event_name = 'CreateKey' group by access_key_id`);
      const byKey = Object.fromEntries(rows.map((r) => [r.access_key_id, Number(r.n)]));
      assert.ok(byKey[a.accessKeyId]! >= 20 && byKey[b.accessKeyId]! >= 20, JSON.stringify(byKey));
    } finally {
      await db.end();
    }
    [a, b] = await Promise.all([startServer({ backend: 'embedded', env: nodeEnv }), startServer({ backend: 'embedded', env: nodeEnv })]);
  });

  it('runs scheduled work on one node only', async () => {
    const { KeyMetadata } = await kms(a).send(new CreateKeyCommand({ Description: 'to delete' }));
    await kms(b).send(new ScheduleKeyDeletionCommand({ KeyId: KeyMetadata!.KeyId!, PendingWindowInDays: 7 }));
    await Promise.all([a.advanceClock(8 * 86400), b.advanceClock(8 * 86400)]);
    await assert.rejects(kms(a).send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId! })), { name: 'NotFoundException' });
    const leaders = [a, b].filter((node) => /"job":"kms-deletion".*leading background job|leading background job.*"job":"kms-deletion"/.test(node.output()));
    assert.equal(leaders.length, 1, 'exactly one node leads the deletion sweep');
  });
});

describe('auto-unseal: the root key wrapped by another Coffer KMS', { skip }, () => {
  let postgres: TestPostgres;
  let keyServer: TestServer;
  let keyArn: string;

  before(async () => {
    [postgres, keyServer] = await Promise.all([startPostgres(), startServer({ backend: 'embedded', env: { COFFER_LOG_LEVEL: 'warn' } })]);
    keyArn = (await kms(keyServer).send(new CreateKeyCommand({ Description: 'coffer root key wrapping' }))).KeyMetadata!.Arn!;
  });
  after(async () => {
    await keyServer?.stop();
    await postgres?.stop();
  });

  it('wraps a new root key on first start, opens it on every node, and refuses to start without the KMS key', async () => {
    const database = await postgres.createDatabase();
    const env = {
      COFFER_DATABASE_URL: database, COFFER_ROOT_KEY_KMS: keyArn, COFFER_ROOT_KEY_KMS_ENDPOINT: keyServer.url,
      AWS_ACCESS_KEY_ID: keyServer.accessKeyId, AWS_SECRET_ACCESS_KEY: keyServer.secretAccessKey, COFFER_ROOT_KEY: '', COFFER_ROOT_PASSPHRASE: '',
    };
    const first = await startServer({ backend: 'embedded', env });
    const keyId = (await kms(first).send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const blob = (await kms(first).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('sealed by the wrapped root key') }))).CiphertextBlob!;
    await first.stop();
    assert.match(first.output(), /"rootKeySource":"kms"/);
    // Another node (a new data directory, no key file) opens the same root key through KMS.
    const second = await startServer({ backend: 'embedded', env });
    try {
      const out = await kms(second).send(new DecryptCommand({ CiphertextBlob: blob }));
      assert.equal(Buffer.from(out.Plaintext!).toString(), 'sealed by the wrapped root key');
    } finally {
      await second.stop();
    }
    const db = new pg.Client({ connectionString: database });
    await db.connect();
    const { rows } = await db.query<{ key: string }>(`select key from meta where key like 'root_key%' order by key`);
    await db.end();
    assert.deepEqual(rows.map((r) => r.key), ['root_key_fingerprint', 'root_key_kms_wrapped']);
    // The wrapping key disabled: nodes cannot open the root key, and say why.
    await kms(keyServer).send(new DisableKeyCommand({ KeyId: keyArn }));
    await assert.rejects(startServer({ backend: 'embedded', env }), /cannot open the root key through KMS \(Decrypt\): DisabledException/);
  });
});

/** Resolves once a PostgreSQL session waits for the advisory lock `name` (taken as locks.ts takes it). */
async function waitForLockWaiter(db: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from pg_locks
      where locktype = 'advisory' and not granted and ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`, [name]);
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no session ever waited for the lock ${name}`);
}

/** Resolves once the backing store holds a multipart upload in progress under the nodes' prefix. */
async function waitForUpload(backing: TestServer): Promise<void> {
  const store = s3(backing);
  try {
    for (let i = 0; i < 200; i++) {
      const out = await store.send(new ListMultipartUploadsCommand({ Bucket: BACKING_BUCKET, Prefix: 'nodes/' }));
      if ((out.Uploads?.length ?? 0) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the node never started a multipart upload in the backing store');
  } finally {
    store.destroy();
  }
}
