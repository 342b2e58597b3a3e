/**
 * SSE-KMS seen from KMS's side, through SDK v3: KMS's errors as S3 wraps them (disabled, pending
 * deletion, unknown keys), S3 Bucket Keys (KMS calls per PUT and GET with and without, the bucket
 * ARN as context, a bounded period), the trail's GenerateDataKey/Decrypt invoked by
 * s3.amazonaws.com as the caller, an IAM user without kms:Decrypt refused, and a scan of every
 * file under the data directory for plaintext bodies, data keys and customer keys.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { CreateBucketCommand, GetObjectCommand, PutBucketEncryptionCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CancelKeyDeletionCommand, DecryptCommand, DisableKeyCommand, EnableKeyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { Sealer } from '../src/crypto/root-key.js';
import { embeddedOnly } from './cluster-backend.js';
import { startServer, type TestServer } from './harness.js';
import { bytesOf, clientsFor, customerKey, destroyAll, kmsEventsFor, newKmsKey, s3Error, sseC, type Clients } from './sse-fixtures.js';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

describe('SSE-KMS with Coffer KMS: errors, bucket keys, trail, IAM, nothing in the clear on disk', () => {
  let server: TestServer;
  let dataDir: string;
  let c: Clients;
  const rootKey = randomBytes(32);

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coffer-sse-kms-'));
    server = await startServer({ dataDir, env: { COFFER_ROOT_KEY: rootKey.toString('hex') } });
    c = clientsFor(server);
  });
  after(async () => {
    destroyAll(c);
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('KMS errors come back as S3 wraps them: unknown, disabled, pending deletion', async () => {
    await c.s3.send(new CreateBucketCommand({ Bucket: 'kms-errors' }));
    const put = (Key: string, SSEKMSKeyId?: string, BucketKeyEnabled?: boolean) =>
      c.s3.send(new PutObjectCommand({ Bucket: 'kms-errors', Key, Body: `body of ${Key}`, ServerSideEncryption: 'aws:kms', SSEKMSKeyId, BucketKeyEnabled }));
    const get = (Key: string) => c.s3.send(new GetObjectCommand({ Bucket: 'kms-errors', Key }));
    const fake = await s3Error(put('x', 'fake-key-id'));
    assert.deepEqual([fake.code, fake.status, fake.message], ['KMS.NotFoundException', 400, "Invalid keyId 'fake-key-id'"]);
    const key = await newKmsKey(c.kms);
    const account = key.arn.split(':')[4];
    const absent = `arn:aws:kms:us-east-1:${account}:key/134f2428-cec1-4b25-a1ae-9048164dba47`;
    for (const id of ['134f2428-cec1-4b25-a1ae-9048164dba47', absent]) {
      const e = await s3Error(put('x', id));
      assert.deepEqual([e.code, e.message], ['KMS.NotFoundException', `Key '${absent}' does not exist`]);
    }
    const region = await s3Error(put('x', key.arn.replace('us-east-1', 'us-west-2')));
    assert.deepEqual([region.code, region.message], ['KMS.NotFoundException', 'Invalid arn us-west-2']);

    await put('plain', key.arn);
    await put('bucket-keyed', key.arn, true);
    assert.equal((await bytesOf((await get('bucket-keyed')).Body)).toString(), 'body of bucket-keyed');
    await c.kms.send(new DisableKeyCommand({ KeyId: key.id }));
    for (const k of ['plain', 'bucket-keyed']) {
      const e = await s3Error(get(k));
      assert.deepEqual([e.code, e.status, e.message], ['KMS.DisabledException', 400, `${key.arn} is disabled.`], k);
    }
    const putDisabled = await s3Error(put('y', key.arn));
    assert.deepEqual([putDisabled.code, putDisabled.message], ['KMS.DisabledException', `${key.arn} is disabled.`]);
    await c.kms.send(new EnableKeyCommand({ KeyId: key.id }));
    await c.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id, PendingWindowInDays: 7 }));
    const pending = await s3Error(get('plain'));
    assert.deepEqual([pending.code, pending.status, pending.message], ['KMS.KMSInvalidStateException', 400, `${key.arn} is pending deletion.`]);
    await c.kms.send(new CancelKeyDeletionCommand({ KeyId: key.id }));
    await c.kms.send(new EnableKeyCommand({ KeyId: key.id }));
    assert.equal((await bytesOf((await get('plain')).Body)).toString(), 'body of plain');
  });

  it('bucket keys: one GenerateDataKey and one Decrypt for many objects, by S3 as the caller, until the period ends', async () => {
    const key = await newKmsKey(c.kms);
    const n = 40;
    const counts: Record<string, { generate: number; decrypt: number }> = {};
    for (const [bucket, bucketKey] of [['bk-off', false], ['bk-on', true]] as const) {
      await c.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await c.s3.send(new PutBucketEncryptionCommand({
        Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.arn }, BucketKeyEnabled: bucketKey }] },
      }));
      for (let i = 0; i < n; i++) {
        const put = await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `o${i}`, Body: `object ${i}` }));
        assert.equal(put.BucketKeyEnabled, bucketKey || undefined);
      }
      for (let i = 0; i < n; i++) {
        const got = await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `o${i}` }));
        assert.equal((await bytesOf(got.Body)).toString(), `object ${i}`);
      }
      const generate = await kmsEventsFor(c.trail, 'GenerateDataKey', bucket);
      const decrypt = await kmsEventsFor(c.trail, 'Decrypt', bucket);
      counts[bucket] = { generate: generate.length, decrypt: decrypt.length };
      for (const e of [...generate, ...decrypt]) {
        assert.equal(e.userIdentity.invokedBy, 's3.amazonaws.com');
        assert.match(e.userIdentity.arn ?? '', /^arn:aws:iam::\d{12}:root$/);
        assert.equal(e.sourceIPAddress, 's3.amazonaws.com');
        // With a bucket key KMS sees the bucket ARN; without, each object's ARN.
        const arn = e.requestParameters?.encryptionContext?.['aws:s3:arn'];
        if (bucketKey) assert.equal(arn, `arn:aws:s3:::${bucket}`);
        else assert.match(arn ?? '', new RegExp(`^arn:aws:s3:::${bucket}/o\\d+$`));
      }
    }
    assert.deepEqual(counts, { 'bk-off': { generate: n, decrypt: n }, 'bk-on': { generate: 1, decrypt: 1 } });
    // The bucket key is reused for a bounded time only.
    await server.advanceClock(301);
    await c.s3.send(new PutObjectCommand({ Bucket: 'bk-on', Key: 'later', Body: 'later' }));
    assert.equal((await kmsEventsFor(c.trail, 'GenerateDataKey', 'bk-on')).length, 2);
  });

  it('an IAM user with S3 permissions only is refused by KMS, even where a bucket key is cached', async () => {
    const key = await newKmsKey(c.kms);
    await c.s3.send(new CreateBucketCommand({ Bucket: 'iam-kms' }));
    await c.s3.send(new PutObjectCommand({ Bucket: 'iam-kms', Key: 'per-object', Body: 'secret 1', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn }));
    await c.s3.send(new PutObjectCommand({ Bucket: 'iam-kms', Key: 'bucket-keyed', Body: 'secret 2', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn, BucketKeyEnabled: true }));
    await c.s3.send(new GetObjectCommand({ Bucket: 'iam-kms', Key: 'bucket-keyed' }));
    await c.iam.send(new CreateUserCommand({ UserName: 'reader' }));
    const s3Only = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::iam-kms/*' }] };
    await c.iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 's3', PolicyDocument: JSON.stringify(s3Only) }));
    const ak = (await c.iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    const user = clientsFor(server, { credentials: { accessKeyId: ak.AccessKeyId!, secretAccessKey: ak.SecretAccessKey! } });
    try {
      const userArn = `arn:aws:iam::${key.arn.split(':')[4]}:user/reader`;
      for (const Key of ['per-object', 'bucket-keyed']) {
        const denied = await s3Error(user.s3.send(new GetObjectCommand({ Bucket: 'iam-kms', Key })));
        assert.deepEqual([denied.code, denied.status], ['AccessDenied', 403], Key);
        assert.equal(denied.message, `User: ${userArn} is not authorized to perform: kms:Decrypt on resource: ${key.arn} because no identity-based policy allows the kms:Decrypt action`);
      }
      const write = await s3Error(user.s3.send(new PutObjectCommand({ Bucket: 'iam-kms', Key: 'w', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn })));
      assert.equal(write.status, 403);
      assert.match(write.message, /is not authorized to perform: kms:GenerateDataKey on resource/);
      // The AWS managed key aws/s3 lets every principal of the account use it through S3.
      await user.s3.send(new PutObjectCommand({ Bucket: 'iam-kms', Key: 'managed', Body: 'managed', ServerSideEncryption: 'aws:kms' }));
      assert.equal((await bytesOf((await user.s3.send(new GetObjectCommand({ Bucket: 'iam-kms', Key: 'managed' }))).Body)).toString(), 'managed');
      const withKms = { ...s3Only, Statement: [...s3Only.Statement, { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: key.arn }] };
      await c.iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 's3', PolicyDocument: JSON.stringify(withKms) }));
      for (const Key of ['per-object', 'bucket-keyed']) {
        const got = await user.s3.send(new GetObjectCommand({ Bucket: 'iam-kms', Key }));
        assert.match((await bytesOf(got.Body)).toString(), /^secret \d$/);
      }
      const userEvents = (await kmsEventsFor(c.trail, 'Decrypt', 'iam-kms')).filter((e) => e.userIdentity.arn === userArn);
      assert.ok(userEvents.length >= 2 && userEvents.every((e) => e.userIdentity.invokedBy === 's3.amazonaws.com'));
    } finally {
      destroyAll(user);
    }
  });

  it('no file under the data directory holds a plaintext body, a data key or a customer key', { skip: embeddedOnly('the SQLite file and blob files') }, async () => {
    await c.s3.send(new CreateBucketCommand({ Bucket: 'scan' }));
    await c.s3.send(new PutBucketEncryptionCommand({ Bucket: 'scan', ServerSideEncryptionConfiguration: { Rules: [{ BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }] } }));
    const marker = Buffer.from(`PLAINTEXT-MARKER-${randomBytes(12).toString('hex')}-`.repeat(3000));
    const ck = customerKey();
    const kmsKey = await newKmsKey(c.kms);
    await c.s3.send(new PutObjectCommand({ Bucket: 'scan', Key: 's3', Body: marker }));
    await c.s3.send(new PutObjectCommand({ Bucket: 'scan', Key: 'kms', Body: marker, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKey.arn }));
    await c.s3.send(new PutObjectCommand({ Bucket: 'scan', Key: 'bk', Body: marker, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKey.arn, BucketKeyEnabled: true }));
    await c.s3.send(new PutObjectCommand({ Bucket: 'scan', Key: 'c', Body: marker, ...sseC(ck) }));
    for (const [Key, extra] of [['s3', {}], ['kms', {}], ['bk', {}], ['c', sseC(ck)]] as const) {
      assert.ok((await bytesOf((await c.s3.send(new GetObjectCommand({ Bucket: 'scan', Key, ...extra }))).Body)).equals(marker));
    }
    // Recover every data key from outside (root key, KMS, customer key) to know what to look for.
    const db = new Database(join(dataDir, 'coffer.sqlite'), { readonly: true });
    const rows = db.prepare("SELECT key, id, encryption FROM s3_objects WHERE bucket = 'scan'").all() as Array<{ key: string; id: string; encryption: string }>;
    db.close();
    const secrets: Array<[string, Buffer]> = [['customer key', ck.raw]];
    const root = new Sealer(rootKey);
    for (const row of rows) {
      const d = JSON.parse(row.encryption) as Record<string, any>;
      const aad = `s3/objects/${row.id}/data-key`;
      if (d.source === 'sse-s3') secrets.push([`${row.key} data key`, root.open(aad, Buffer.from(d.sealedKey, 'base64'))]);
      if (d.source === 'sse-kms') {
        const opened = Buffer.from((await c.kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(d.blob, 'base64'), EncryptionContext: d.context }))).Plaintext!);
        secrets.push([`${row.key} KMS key`, opened]);
        if (d.bucketKey) secrets.push([`${row.key} data key`, new Sealer(opened).open(aad, Buffer.from(d.wrapped, 'base64'))]);
      }
      if (d.source === 'sse-c') {
        assert.deepEqual(Object.keys(d).sort(), ['algorithm', 'hmac', 'keyMd5', 'salt', 'source', 'v', 'wrapped']);
        secrets.push([`${row.key} data key`, new Sealer(ck.raw).open(aad, root.open(aad, Buffer.from(d.wrapped, 'base64')))]);
      }
    }
    assert.equal(secrets.length, 6);
    const needles = secrets.flatMap(([name, bytes]) => [[name, bytes], [`${name} (base64)`, Buffer.from(bytes.toString('base64'))], [`${name} (hex)`, Buffer.from(bytes.toString('hex'))]] as Array<[string, Buffer]>);
    needles.push(['plaintext body', marker.subarray(0, 64)]);
    const files = await filesUnder(dataDir);
    assert.ok(files.some((f) => f.includes(`${join('blobs')}`)) && files.some((f) => f.endsWith('coffer.sqlite')));
    for (const file of files) {
      const bytes = await readFile(file);
      for (const [name, needle] of needles) assert.equal(bytes.includes(needle), false, `${name} found in ${file}`);
    }
    for (const [name, needle] of needles) assert.equal(server.output().includes(needle.toString('latin1')), false, `${name} in the server's output`);
  });
});
