/**
 * `coffer backup`, `coffer restore` and `coffer root-key rotate` against a live server: the backup
 * is taken while clients keep writing, restored into a fresh data directory and served again with
 * every secret decrypting; the rotation runs while clients keep calling, none of them sees an
 * error, and afterwards only the new key starts the server. On either backend: with
 * COFFER_TEST_BACKEND=cluster the node, the backup and the restore are on PostgreSQL and an S3 store.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CreateKeyCommand, DecryptCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { clusterEnv, testBackend } from './cluster-backend.js';
import { run, startServer, type TestServer } from './harness.js';
import { clientsFor, getBytes, populate, sha256, verifyFixture, type Endpoint, type Fixture } from './workload.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/**
 * Runs `coffer <args>` as an operator would next to the server on `dataDir`: on the cluster backend
 * with that node's COFFER_DATABASE_URL / COFFER_BLOBS_URL (a new database for a new directory).
 */
async function coffer(args: string[], dataDir: string) {
  return run(process.execPath, [MAIN, ...args], { ...process.env, ...(await clusterEnv(testBackend(), dataDir)) });
}

/** `server`'s endpoint as the root of the first server (whose credentials the fixture uses). */
function as(server: TestServer, root: TestServer): Endpoint {
  return { url: server.url, region: 'us-east-1', accessKeyId: root.accessKeyId, secretAccessKey: root.secretAccessKey };
}

/** Writes, overwrites and deletes objects in `bucket` until stopped, recording every body written per key. */
function churn(ep: Endpoint, bucket: string) {
  const { s3 } = clientsFor(ep, ep, 3);
  const written = new Map<string, Set<string>>();
  let stop = false;
  let ops = 0;
  const done = (async () => {
    for (let i = 0; !stop; i++, ops++) {
      const key = `k${i % 40}`;
      if (i % 7 === 6) {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        continue;
      }
      const body = randomBytes(1 + (i * 7919) % 150_000);
      if (!written.has(key)) written.set(key, new Set());
      written.get(key)!.add(sha256(body));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    }
  })();
  return {
    written,
    stop: async () => {
      stop = true;
      await done;
      return ops;
    },
  };
}

describe('backup, restore and root-key rotation', () => {
  let a: TestServer;
  let fixture: Fixture;
  let work: string;
  const others: TestServer[] = [];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'coffer-ops-'));
    // Our own directory: the harness deletes the ones it makes when the server stops, and this one restarts.
    a = await startServer({ dataDir: join(work, 'a') });
    fixture = await populate(as(a, a));
  });
  after(async () => {
    for (const s of others) await s.stop();
    await a.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('backs up online while clients write; the restored directory serves every secret and body', async () => {
    const bucket = `churn-${randomBytes(3).toString('hex')}`;
    const { s3: s3a } = clientsFor(as(a, a));
    await s3a.send(new CreateBucketCommand({ Bucket: bucket }));
    // Settled before the backup starts: these must come back exactly (present, or deleted).
    const stable = new Map<string, string>();
    for (let i = 0; i < 8; i++) {
      const body = randomBytes(1000 + i);
      await s3a.send(new PutObjectCommand({ Bucket: bucket, Key: `stable-${i}`, Body: body }));
      stable.set(`stable-${i}`, sha256(body));
    }
    for (const key of ['stable-2', 'stable-5']) {
      await s3a.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      stable.delete(key);
    }
    const writer = churn(as(a, a), bucket);
    await new Promise((r) => setTimeout(r, 300));
    const out = join(work, 'backup');
    const backedUp = await coffer(['backup', '--data-dir', a.dataDir, '--out', out], a.dataDir);
    const ops = await writer.stop();
    assert.equal(backedUp.code, 0, backedUp.stderr);
    assert.ok(ops > 20, `only ${ops} writes ran during the backup`);
    const summary = JSON.parse(backedUp.stdout) as { bodies: number };
    assert.ok(summary.bodies >= fixture.objects.size, `only ${summary.bodies} bodies backed up`);

    const restored = join(work, 'restored');
    const r = await coffer(['restore', '--from', out, '--data-dir', restored, '--root-key-file', join(a.dataDir, 'root.key')], restored);
    assert.equal(r.code, 0, r.stderr);
    if (testBackend() === 'cluster') {
      // Taken from PostgreSQL and the blob store, and put back there: the directory keeps only the key.
      assert.match(backedUp.stderr, /backed up the PostgreSQL metadata/);
      assert.match(r.stderr, /uploaded \d+ bodies to the blob store/);
      assert.deepEqual(await readdir(restored), ['root.key']);
    }
    const opened = (JSON.parse(r.stdout) as { opened: Record<string, number> }).opened;
    assert.ok(opened['access_keys.secret_sealed (access_keys/{access_key_id}/secret)']! >= 2);
    assert.ok(opened['kms_key_materials.material_sealed (kms/{key_arn}/material/{version})']! >= 3);
    assert.equal(opened['iam_mfa_devices.seed_sealed (iam_mfa_devices/{serial_number}/seed)'], 1);
    // The event history's sealed head came along (embedded: in the backup's trail.sqlite).
    assert.ok(opened['trail_checkpoints.sealed (trail_checkpoints/{name})']! >= 1);
    const verified = await coffer(['trail', 'verify', '--data-dir', restored], restored);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);

    const b = await startServer({ dataDir: restored });
    others.push(b);
    await verifyFixture(as(b, a), fixture, { mfa: true });
    if (testBackend() === 'cluster') {
      // The same backup also restores onto one machine (SQLite and files): a way out of a cluster.
      const single = join(work, 'single');
      const r1 = await run(process.execPath, [MAIN, 'restore', '--from', out, '--data-dir', single, '--root-key-file', join(a.dataDir, 'root.key')], process.env);
      assert.equal(r1.code, 0, r1.stderr);
      const c = await startServer({ backend: 'embedded', dataDir: single });
      others.push(c);
      await verifyFixture(as(c, a), fixture);
    }
    const { s3 } = clientsFor(as(b, a));
    const listed = ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key!);
    assert.deepEqual(listed.filter((k) => k.startsWith('stable-')).sort(), [...stable.keys()].sort());
    for (const key of listed) {
      const digest = sha256(await getBytes(s3, bucket, key));
      // The snapshot is one moment of the churn: each object is one whole body written under its key.
      assert.ok(stable.get(key) === digest || writer.written.get(key)?.has(digest), `${key} holds a body never written`);
    }
  });

  // Once a race: a server transaction that read before the CLI's re-wrap committed could not take
  // the write lock (SQLITE_BUSY on a stale WAL snapshot) and answered InternalError; transactions
  // now begin IMMEDIATE (src/store/sqlite-dialect.ts). The server's errors are shown if it recurs.
  it('rotates the root key online: callers see no error, then only the new key opens the data', async () => {
    const oldKey = await readFile(join(a.dataDir, 'root.key'));
    const ep = as(a, a);
    const c = clientsFor(ep);
    const user = clientsFor(ep, fixture.user.creds);
    const errors: string[] = [];
    let calls = 0;
    let stop = false;
    const load = (async () => {
      const keyId = (await c.kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
      for (let i = 0; !stop; i++) {
        try {
          const blob = (await c.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(`p${i}`) }))).CiphertextBlob!;
          assert.equal(Buffer.from((await c.kms.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString(), `p${i}`);
          await c.s3.send(new PutObjectCommand({ Bucket: fixture.bucket, Key: `during-rotation-${i % 5}`, Body: `body ${i}` }));
          assert.equal((await getBytes(c.s3, fixture.bucket, `during-rotation-${i % 5}`)).toString(), `body ${i}`);
          await user.sts.send(new GetCallerIdentityCommand({}));
          await clientsFor(ep, fixture.session.creds).sts.send(new GetCallerIdentityCommand({}));
          calls += 6;
        } catch (err) {
          errors.push(`${(err as Error).name}: ${(err as Error).message}`);
        }
      }
    })();
    const rotated = await coffer(['root-key', 'rotate', '--data-dir', a.dataDir, '--grace-seconds', '2'], a.dataDir);
    stop = true;
    await load;
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.deepEqual(errors, [], `${errors.length} of ${calls} calls failed during the rotation\n${a.output().split('\n').filter((l) => /"level":50/.test(l)).join('\n')}`);
    assert.ok(calls > 30, `only ${calls} calls ran during the rotation`);
    const report = JSON.parse(rotated.stdout) as { from: string; to: string; rewrapped: Record<string, number> };
    assert.notEqual(report.from, report.to);
    assert.ok(report.rewrapped['kms_key_materials.material_sealed (kms/{key_arn}/material/{version})']! >= 3);
    assert.ok(report.rewrapped['s3_objects.encryption#sealedKey (s3/objects/{id}/data-key)']! >= fixture.objects.size);
    // SSE-C's root-sealed wrapping and DSSE-KMS's second layer are re-wrapped too.
    assert.ok(report.rewrapped['s3_objects.encryption#wrapped (s3/objects/{id}/data-key)']! >= 1);
    assert.ok(report.rewrapped['s3_objects.encryption#layer (s3/objects/{id}/dsse-layer)']! >= 1);
    assert.match(a.output(), /adopted the new root key of a staged rotation/);
    const newKey = await readFile(join(a.dataDir, 'root.key'));
    assert.notDeepEqual(newKey, oldKey, 'root.key holds the new key');
    await verifyFixture(ep, fixture);

    await a.stop();
    await assert.rejects(startServer({ dataDir: a.dataDir, env: { COFFER_ROOT_KEY: oldKey.toString('hex') } }), /not the one this data directory was created with/);
    a = await startServer({ dataDir: a.dataDir });
    await verifyFixture(as(a, a), fixture, { mfa: true });
    const verified = await coffer(['trail', 'verify', '--data-dir', a.dataDir], a.dataDir);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  });
});
