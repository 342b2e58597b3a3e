/**
 * Limits and overload: KMS's per-account cryptographic request quota (ThrottlingException "Rate
 * exceeded" past it, recorded in the trail, other operations and accounts unaffected, refilled a
 * second later) and S3's bound on requests in flight (503 SlowDown past it, served again as soon as
 * a slot frees), with the quotas shrunk through COFFER_KMS_CRYPTO_RPS and COFFER_S3_MAX_INFLIGHT.
 * The KMS calls S3 makes for SSE-KMS count against the caller's quota, as in AWS.
 */
import assert from 'node:assert/strict';
import { request, type ClientRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, DescribeKeyCommand, GenerateRandomCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { startServer, type TestServer } from './harness.js';
import { send, signed } from './fuzz/wire.js';

describe('limits and overload', () => {
  let server: TestServer;
  let kms: KMSClient;

  before(async () => {
    server = await startServer({ env: { COFFER_KMS_CRYPTO_RPS: '20', COFFER_S3_MAX_INFLIGHT: '4' } });
    kms = new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: server, maxAttempts: 1 });
  });
  after(async () => {
    await server.stop();
  });

  it('KMS cryptographic calls past the per-second quota get ThrottlingException, recorded in the trail', async () => {
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 150 }, () => kms.send(new GenerateRandomCommand({ NumberOfBytes: 16 }))));
    const seconds = (performance.now() - started) / 1000;
    const throttled = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as Error & { $metadata: { httpStatusCode: number } });
    const served = results.length - throttled.length;
    // A full bucket (20) at once, then 20 a second: never more, however slow the machine.
    assert.ok(served >= 20 && served <= 20 + Math.ceil(20 * seconds) + 1, `${served} of 150 served in ${seconds.toFixed(2)} s at 20/s`);
    for (const e of throttled) assert.deepEqual([e.name, e.message, e.$metadata.httpStatusCode], ['ThrottlingException', 'Rate exceeded', 400]);
    // Operations outside the cryptographic quota are not throttled.
    for (let i = 0; i < 30; i++) await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    // A second later the bucket is full again.
    await new Promise((r) => setTimeout(r, 1_100));
    await Promise.all(Array.from({ length: 15 }, () => kms.send(new GenerateRandomCommand({ NumberOfBytes: 16 }))));
    const trail = new CloudTrailClient({ endpoint: server.url, region: 'us-east-1', credentials: server });
    const events = (await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GenerateRandom' }], MaxResults: 50 }))).Events ?? [];
    assert.ok(events.some((e) => JSON.parse(e.CloudTrailEvent!).errorCode === 'ThrottlingException'));
  });

  it('SSE-KMS uploads spend the caller\'s KMS quota, and S3 answers SlowDown once it is spent', async () => {
    // A quota of one request a second: one call spends it, the next within the second is refused.
    const tight = await startServer({ env: { COFFER_KMS_CRYPTO_RPS: '1' } });
    try {
      const kms1 = new KMSClient({ endpoint: tight.url, region: 'us-east-1', credentials: tight, maxAttempts: 1 });
      const s3 = new S3Client({ endpoint: tight.url, region: 'us-east-1', credentials: tight, forcePathStyle: true, maxAttempts: 1 });
      await s3.send(new CreateBucketCommand({ Bucket: 'sse-quota' }));
      const keyId = (await kms1.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
      const put = (key: string) => s3.send(new PutObjectCommand({ Bucket: 'sse-quota', Key: key, Body: key, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId }));
      const refill = () => new Promise((r) => setTimeout(r, 1_100));
      const kmsSlowDown = (err: unknown) => {
        assert.ok(err instanceof S3ServiceException, String(err));
        assert.deepEqual([err.name, err.message, err.$metadata.httpStatusCode], ['SlowDown', 'Please reduce your request rate for operations involving AWS KMS.', 503]);
        return true;
      };
      const kmsThrottled = (err: unknown) => {
        assert.deepEqual([(err as Error).name, (err as Error).message], ['ThrottlingException', 'Rate exceeded']);
        return true;
      };

      // An upload's GenerateDataKey spends the quota a direct KMS call then lacks...
      await refill();
      await put('first');
      await assert.rejects(kms1.send(new GenerateRandomCommand({ NumberOfBytes: 16 })), kmsThrottled);
      // ...and the other way round: a direct call spends what the upload needs.
      await refill();
      await kms1.send(new GenerateRandomCommand({ NumberOfBytes: 16 }));
      await assert.rejects(put('second'), kmsSlowDown);
      // Two uploads in one second: the second is refused.
      await refill();
      await put('third');
      await assert.rejects(put('fourth'), kmsSlowDown);

      // The refused GenerateDataKeys are in the trail, invoked by S3 for the caller.
      const trail = new CloudTrailClient({ endpoint: tight.url, region: 'us-east-1', credentials: tight });
      const events = (await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GenerateDataKey' }], MaxResults: 50 }))).Events ?? [];
      const refused = events.map((e) => JSON.parse(e.CloudTrailEvent!) as { errorCode?: string; userIdentity: { invokedBy?: string } }).filter((e) => e.errorCode === 'ThrottlingException');
      assert.equal(refused.length, 2, JSON.stringify(refused));
      assert.ok(refused.every((e) => e.userIdentity.invokedBy === 's3.amazonaws.com'), JSON.stringify(refused));
    } finally {
      await tight.stop();
    }
  });

  it('S3 answers SlowDown while its in-flight limit is taken, and serves again once a slot frees', async () => {
    const s3 = new S3Client({ endpoint: server.url, region: 'us-east-1', credentials: server, forcePathStyle: true, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'busy' }));
    const body = Buffer.alloc(1024 * 1024, 7);
    // Four uploads that send half their body and wait: every slot is taken.
    const held: Array<{ req: ClientRequest; done: Promise<number> }> = [];
    for (let i = 0; i < 4; i++) {
      const r = await signed(server, 's3', { method: 'PUT', path: `/busy/held-${i}`, body });
      const req = request({ host: '127.0.0.1', port: server.port, method: 'PUT', path: r.path, headers: r.headers, agent: false });
      const done = new Promise<number>((resolve, reject) => {
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
      });
      req.write(body.subarray(0, body.length / 2));
      held.push({ req, done });
    }
    await new Promise((r) => setTimeout(r, 300));
    const busy = await send(server, await signed(server, 's3', { method: 'GET', path: '/busy?list-type=2' }));
    assert.equal(busy.status, 503);
    assert.match(busy.body.toString(), /<Error><Code>SlowDown<\/Code><Message>Please reduce your request rate\.<\/Message>/);
    // Other services are not affected by S3's limit.
    await kms.send(new DescribeKeyCommand({ KeyId: (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId! }));

    held[0]!.req.end(body.subarray(body.length / 2));
    assert.equal(await held[0]!.done, 200);
    const served = await send(server, await signed(server, 's3', { method: 'GET', path: '/busy?list-type=2' }));
    assert.equal(served.status, 200);
    for (const h of held.slice(1)) h.req.end(body.subarray(body.length / 2));
    assert.deepEqual(await Promise.all(held.slice(1).map((h) => h.done)), [200, 200, 200]);
  });
});
