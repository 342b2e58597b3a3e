/**
 * After a run of many operations (every kind of secret the workload makes, SSE-C and SSE-KMS
 * objects, data keys, session credentials, the root-key rotation, a backup), none of the secrets
 * used appears in the server's log (at debug level), in the event history (LookupEvents), or in
 * any file of the data directory, as text, hex or base64. And every file and directory the server
 * created is private: directories 0700, files 0600.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, GenerateDataKeyCommand, GenerateDataKeyPairCommand, ReEncryptCommand } from '@aws-sdk/client-kms';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { run, startServer, type TestServer } from './harness.js';
import { clientsFor, populate, verifyFixture, type Endpoint, type Fixture } from './workload.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** The forms a secret could leak in. */
function forms(secret: string): Buffer[] {
  const raw = Buffer.from(secret);
  const out = [raw, Buffer.from(raw.toString('hex')), Buffer.from(raw.toString('base64').replace(/=+$/, ''))];
  // A base64 secret (keys, tokens) may also leak as the bytes it encodes.
  if (/^[A-Za-z0-9+/]{16,}={0,2}$/.test(secret) && secret.length % 4 === 0) out.push(Buffer.from(secret, 'base64'));
  return out.filter((f) => f.length >= 12);
}

async function walk(dir: string): Promise<Array<{ path: string; dir: boolean }>> {
  const out: Array<{ path: string; dir: boolean }> = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    out.push({ path, dir: e.isDirectory() });
    if (e.isDirectory()) out.push(...(await walk(path)));
  }
  return out;
}

describe('secrets scan: logs, trail and data directory', () => {
  let server: TestServer;
  let dataDir: string;
  let ep: Endpoint;
  let fixture: Fixture;
  const secrets: string[] = [];
  let toolOutput = '';

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coffer-scan-'));
    server = await startServer({ backend: 'embedded', dataDir, env: { COFFER_LOG_LEVEL: 'debug' } });
    ep = { url: server.url, region: 'us-east-1', accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
    fixture = await populate(ep, { objects: 8 });
    secrets.push(...fixture.secrets);
    const c = clientsFor(ep, ep, 3);

    const customer = randomBytes(32);
    secrets.push(customer.toString('base64'));
    const ssecBody = `ssec-secret-${randomBytes(8).toString('hex')}`.repeat(50);
    secrets.push(ssecBody.slice(0, 40));
    const sseC = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: customer.toString('base64') };
    await c.s3.send(new PutObjectCommand({ Bucket: fixture.bucket, Key: 'sse-c', Body: ssecBody, ...sseC }));
    assert.equal(await (await c.s3.send(new GetObjectCommand({ Bucket: fixture.bucket, Key: 'sse-c', ...sseC }))).Body!.transformToString(), ssecBody);

    const key = (await c.kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const kmsBody = `sse-kms-secret-${randomBytes(8).toString('hex')}`.repeat(50);
    secrets.push(kmsBody.slice(0, 40));
    await c.s3.send(new PutObjectCommand({ Bucket: fixture.bucket, Key: 'sse-kms', Body: kmsBody, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key }));
    assert.equal(await (await c.s3.send(new GetObjectCommand({ Bucket: fixture.bucket, Key: 'sse-kms' }))).Body!.transformToString(), kmsBody);
    // The bodies above are small, kept in the database; this one is large enough for a blob file.
    const blobBody = `blob-secret-${randomBytes(8).toString('hex')}`.repeat(3000);
    secrets.push(blobBody.slice(0, 40));
    await c.s3.send(new PutObjectCommand({ Bucket: fixture.bucket, Key: 'large', Body: blobBody }));
    for (let i = 0; i < 3; i++) {
      const dk = await c.kms.send(new GenerateDataKeyCommand({ KeyId: key, NumberOfBytes: 32 }));
      secrets.push(Buffer.from(dk.Plaintext!).toString('base64'));
      await c.kms.send(new ReEncryptCommand({ CiphertextBlob: dk.CiphertextBlob, DestinationKeyId: key }));
    }
    const pair = await c.kms.send(new GenerateDataKeyPairCommand({ KeyId: key, KeyPairSpec: 'ECC_NIST_P256' }));
    secrets.push(Buffer.from(pair.PrivateKeyPlaintext!).toString('base64'));
    const session = await clientsFor(ep, fixture.user.creds).sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    secrets.push(session.Credentials!.SecretAccessKey!, session.Credentials!.SessionToken!);

    // Operations tooling on the same directory: a backup and a root-key rotation.
    const backupDir = join(await mkdtemp(join(tmpdir(), 'coffer-scan-backup-')), 'b');
    const backup = await run(process.execPath, [MAIN, 'backup', '--data-dir', dataDir, '--out', backupDir], process.env);
    assert.equal(backup.code, 0, backup.stderr);
    const rotate = await run(process.execPath, [MAIN, 'root-key', 'rotate', '--data-dir', dataDir, '--grace-seconds', '1'], process.env);
    assert.equal(rotate.code, 0, rotate.stderr);
    toolOutput = backup.stdout + backup.stderr + rotate.stdout + rotate.stderr;
    await verifyFixture(ep, fixture);
    await rm(join(backupDir, '..'), { recursive: true, force: true });
  });
  after(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const used = () => secrets.filter((s) => s.length >= 12);

  it('the log (debug level) and the tools\' output hold none of the secrets', () => {
    const text = server.output() + toolOutput;
    const log = Buffer.from(text);
    const leaked = used().filter((s) => forms(s).some((f) => log.includes(f)));
    assert.deepEqual(leaked, []);
    assert.ok(used().length >= 20, `only ${used().length} secrets were used`);
  });

  it('the event history holds none of the secrets', async () => {
    const trail = new CloudTrailClient({ endpoint: server.url, region: 'us-east-1', credentials: ep, maxAttempts: 3 });
    let events = '';
    let count = 0;
    let NextToken: string | undefined;
    do {
      const page = await trail.send(new LookupEventsCommand({ MaxResults: 50, NextToken }));
      for (const e of page.Events ?? []) events += e.CloudTrailEvent + '\n';
      count += page.Events?.length ?? 0;
      NextToken = page.NextToken;
    } while (NextToken);
    assert.ok(count > 30, `only ${count} events`);
    const bytes = Buffer.from(events);
    assert.deepEqual(used().filter((s) => forms(s).some((f) => bytes.includes(f))), []);
  });

  it('no file of the data directory holds a secret', async () => {
    await server.stop(); // flush the WAL and the trail queue into the files
    const hits: string[] = [];
    const files = (await walk(dataDir)).filter((f) => !f.dir);
    // The scan reads where the secrets' ciphertexts are: the database (small bodies inline among
    // them) and the blob files (every large body).
    assert.ok(files.some((f) => f.path === join(dataDir, 'coffer.sqlite')), 'the database was not scanned');
    assert.ok(files.filter((f) => f.path.startsWith(join(dataDir, 'blobs', ''))).length >= 1, 'no blob file was scanned');
    // The scan finds what it looks for: a base64 secret written as its bytes, or as hex.
    const probe = randomBytes(24).toString('base64');
    assert.ok(forms(probe).some((f) => Buffer.concat([randomBytes(9), Buffer.from(probe, 'base64'), randomBytes(9)]).includes(f)));
    assert.ok(forms(probe).some((f) => Buffer.from(`x${Buffer.from(probe).toString('hex')}y`).includes(f)));
    for (const { path } of files) {
      const bytes = await readFile(path);
      for (const s of used()) if (forms(s).some((f) => bytes.includes(f))) hits.push(`${path}: ${s.slice(0, 12)}...`);
    }
    assert.deepEqual(hits, []);
  });

  it('every directory the server created is 0700 and every file 0600', async () => {
    const loose: string[] = [];
    for (const { path, dir } of [{ path: dataDir, dir: true }, ...(await walk(dataDir))]) {
      const mode = (await stat(path)).mode & 0o777;
      if (mode !== (dir ? 0o700 : 0o600)) loose.push(`${path} ${mode.toString(8)}`);
    }
    assert.deepEqual(loose, []);
  });
});
