/**
 * S3 server-side encryption through the AWS SDK for JavaScript v3: SSE-S3 by default, SSE-KMS with
 * every key form and the encryption context, default bucket encryption, SSE-C (blocked on new
 * buckets, then round trips, versions, presigned URLs), copies between modes, and ranges that
 * decrypt only the segments they cover. KMS errors, bucket keys, the trail and IAM: s3-sse-kms.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteBucketEncryptionCommand, GetBucketEncryptionCommand, GetObjectCommand,
  HeadObjectCommand, PutBucketEncryptionCommand, PutBucketVersioningCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { DescribeKeyCommand, ListAliasesCommand } from '@aws-sdk/client-kms';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startServer, type TestServer } from './harness.js';
import { bytesOf, clientsFor, customerKey, destroyAll, md5Hex, newKmsKey, s3Error, sseC, type Clients } from './sse-fixtures.js';

const ctxHeader = (pairs: Record<string, string>) => Buffer.from(JSON.stringify(pairs)).toString('base64');

describe('S3 server-side encryption (SDK v3)', () => {
  let server: TestServer;
  let c: Clients;
  const allowSseC = (Bucket: string) => c.s3.send(new PutBucketEncryptionCommand({
    Bucket, ServerSideEncryptionConfiguration: { Rules: [{ BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }] },
  }));

  before(async () => {
    server = await startServer();
    c = clientsFor(server);
  });
  after(async () => {
    destroyAll(c);
    await server.stop();
  });

  it('a new bucket reports SSE-S3 with SSE-C blocked, and every object is SSE-S3 without asking', async () => {
    await c.s3.send(new CreateBucketCommand({ Bucket: 'sse-default' }));
    const config = await c.s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-default' }));
    assert.deepEqual(config.ServerSideEncryptionConfiguration?.Rules, [{
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false,
      BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
    }]);
    const put = await c.s3.send(new PutObjectCommand({ Bucket: 'sse-default', Key: 'plain', Body: 'hello' }));
    assert.equal(put.ServerSideEncryption, 'AES256');
    assert.equal(put.ETag, `"${md5Hex('hello')}"`, 'an SSE-S3 ETag is the MD5 of the data');
    assert.equal(put.SSEKMSKeyId, undefined);
    const head = await c.s3.send(new HeadObjectCommand({ Bucket: 'sse-default', Key: 'plain' }));
    assert.equal(head.ServerSideEncryption, 'AES256');
    const copy = await c.s3.send(new CopyObjectCommand({ Bucket: 'sse-default', Key: 'copy', CopySource: 'sse-default/plain' }));
    assert.equal(copy.ServerSideEncryption, 'AES256');
    // SSE-C is blocked on a new bucket (AWS's default since April 2026), in the words of the S3 user guide.
    const key = customerKey();
    const blocked = await s3Error(c.s3.send(new PutObjectCommand({ Bucket: 'sse-default', Key: 'c', Body: 'x', ...sseC(key) })));
    assert.equal(blocked.code, 'AccessDenied');
    assert.equal(blocked.status, 403);
    assert.match(blocked.message, /^User: arn:aws:iam::\d{12}:root is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::sse-default\/c" because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys \(SSE-C\)\. Please specify a different server-side encryption type$/);
    const copyBlocked = await s3Error(c.s3.send(new CopyObjectCommand({ Bucket: 'sse-default', Key: 'c2', CopySource: 'sse-default/plain', ...sseC(key) })));
    assert.equal(copyBlocked.status, 403);
  });

  it('PutBucketEncryption refuses what AWS refuses; Delete resets to SSE-S3', async () => {
    await c.s3.send(new CreateBucketCommand({ Bucket: 'sse-config' }));
    const rule = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const } };
    for (const Rules of [[], [rule, rule]]) {
      const err = await s3Error(c.s3.send(new PutBucketEncryptionCommand({ Bucket: 'sse-config', ServerSideEncryptionConfiguration: { Rules } })));
      assert.deepEqual([err.code, err.status], ['MalformedXML', 400]);
    }
    const kmsId = await s3Error(c.s3.send(new PutBucketEncryptionCommand({
      Bucket: 'sse-config', ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'some-key' } }] },
    })));
    assert.deepEqual([kmsId.code, kmsId.status, kmsId.message], ['InvalidArgument', 400, 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse']);
    assert.equal((kmsId.raw as unknown as { ArgumentName: string }).ArgumentName, 'ApplyServerSideEncryptionByDefault');
    const missing = await s3Error(c.s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-no-such-bucket' })));
    assert.deepEqual([missing.code, missing.status], ['NoSuchBucket', 404]);

    const key = await newKmsKey(c.kms);
    await c.s3.send(new PutBucketEncryptionCommand({
      Bucket: 'sse-config', ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.id }, BucketKeyEnabled: true }] },
    }));
    const got = await c.s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-config' }));
    assert.deepEqual(got.ServerSideEncryptionConfiguration?.Rules, [{
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.id }, BucketKeyEnabled: true,
      BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
    }]);
    // The default applies to writes that name no encryption; a request's own header wins.
    const byDefault = await c.s3.send(new PutObjectCommand({ Bucket: 'sse-config', Key: 'd', Body: 'default' }));
    assert.deepEqual([byDefault.ServerSideEncryption, byDefault.SSEKMSKeyId, byDefault.BucketKeyEnabled], ['aws:kms', key.arn, true]);
    assert.notEqual(byDefault.ETag, `"${md5Hex('default')}"`, 'an SSE-KMS ETag is not the MD5 of the data');
    const asked = await c.s3.send(new PutObjectCommand({ Bucket: 'sse-config', Key: 's3', Body: 'x', ServerSideEncryption: 'AES256' }));
    assert.deepEqual([asked.ServerSideEncryption, asked.SSEKMSKeyId], ['AES256', undefined]);
    const read = await c.s3.send(new GetObjectCommand({ Bucket: 'sse-config', Key: 'd' }));
    assert.equal((await bytesOf(read.Body)).toString(), 'default');
    assert.deepEqual([read.ServerSideEncryption, read.SSEKMSKeyId, read.BucketKeyEnabled], ['aws:kms', key.arn, true]);

    await c.s3.send(new DeleteBucketEncryptionCommand({ Bucket: 'sse-config' }));
    await c.s3.send(new DeleteBucketEncryptionCommand({ Bucket: 'sse-config' }));
    const reset = await c.s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-config' }));
    assert.deepEqual(reset.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault, { SSEAlgorithm: 'AES256' });
    const after = await c.s3.send(new PutObjectCommand({ Bucket: 'sse-config', Key: 'after', Body: 'x' }));
    assert.equal(after.ServerSideEncryption, 'AES256');
  });

  it('SSE-KMS takes the key in every form KMS accepts and reports its ARN; no key id means aws/s3', async () => {
    await c.s3.send(new CreateBucketCommand({ Bucket: 'sse-kms-forms' }));
    const key = await newKmsKey(c.kms);
    const { CreateAliasCommand } = await import('@aws-sdk/client-kms');
    await c.kms.send(new CreateAliasCommand({ AliasName: 'alias/sse-forms', TargetKeyId: key.id }));
    const aliasArn = key.arn.replace(/key\/.*$/, 'alias/sse-forms');
    for (const [i, form] of [key.id, key.arn, 'alias/sse-forms', aliasArn].entries()) {
      const put = await c.s3.send(new PutObjectCommand({ Bucket: 'sse-kms-forms', Key: `k${i}`, Body: `body ${i}`, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: form }));
      assert.deepEqual([put.ServerSideEncryption, put.SSEKMSKeyId, put.BucketKeyEnabled], ['aws:kms', key.arn, undefined], form);
      const got = await c.s3.send(new GetObjectCommand({ Bucket: 'sse-kms-forms', Key: `k${i}` }));
      assert.equal((await bytesOf(got.Body)).toString(), `body ${i}`);
    }
    const managed = await c.s3.send(new PutObjectCommand({ Bucket: 'sse-kms-forms', Key: 'managed', Body: 'm', ServerSideEncryption: 'aws:kms' }));
    const meta = (await c.kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }))).KeyMetadata!;
    assert.equal(managed.SSEKMSKeyId, meta.Arn);
    assert.equal(meta.KeyManager, 'AWS');
    const aliases = (await c.kms.send(new ListAliasesCommand({}))).Aliases ?? [];
    assert.equal(aliases.find((a) => a.AliasName === 'alias/aws/s3')?.TargetKeyId, meta.KeyId);
    // The same managed key serves the next object: created once.
    const again = await c.s3.send(new PutObjectCommand({ Bucket: 'sse-kms-forms', Key: 'managed2', Body: 'm', ServerSideEncryption: 'aws:kms' }));
    assert.equal(again.SSEKMSKeyId, meta.Arn);
    const dsse = await c.s3.send(new PutObjectCommand({ Bucket: 'sse-kms-forms', Key: 'dsse', Body: 'two layers', ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: key.arn, BucketKeyEnabled: true }));
    assert.deepEqual([dsse.ServerSideEncryption, dsse.SSEKMSKeyId, dsse.BucketKeyEnabled], ['aws:kms:dsse', key.arn, undefined]);
    const dsseGot = await c.s3.send(new GetObjectCommand({ Bucket: 'sse-kms-forms', Key: 'dsse' }));
    assert.equal((await bytesOf(dsseGot.Body)).toString(), 'two layers');
    assert.equal(dsseGot.ServerSideEncryption, 'aws:kms:dsse');
  });

  it('the encryption context is echoed by PUT, never by GET, and a malformed one is refused', async () => {
    await c.s3.send(new CreateBucketCommand({ Bucket: 'sse-context' }));
    const context = ctxHeader({ project: 'coffer', team: 'storage' });
    const put = await c.s3.send(new PutObjectCommand({ Bucket: 'sse-context', Key: 'k', Body: 'ctx', ServerSideEncryption: 'aws:kms', SSEKMSEncryptionContext: context }));
    assert.equal(put.SSEKMSEncryptionContext, context);
    // Read over a presigned URL to see the raw headers: GET carries no context header.
    const got = await fetch(await getSignedUrl(c.s3, new GetObjectCommand({ Bucket: 'sse-context', Key: 'k' })));
    assert.equal(await got.text(), 'ctx');
    assert.equal(got.headers.get('x-amz-server-side-encryption'), 'aws:kms');
    assert.equal(got.headers.get('x-amz-server-side-encryption-context'), null);
    const plain = await c.s3.send(new PutObjectCommand({ Bucket: 'sse-context', Key: 'k2', Body: 'x', ServerSideEncryption: 'aws:kms' }));
    assert.equal(plain.SSEKMSEncryptionContext, undefined);
    for (const bad of ['not base64!', Buffer.from('[1,2]').toString('base64'), ctxHeader({ n: 1 } as never)]) {
      const err = await s3Error(c.s3.send(new PutObjectCommand({ Bucket: 'sse-context', Key: 'bad', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSEncryptionContext: bad })));
      assert.deepEqual([err.code, err.status, err.message], ['InvalidArgument', 400,
        "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map"]);
    }
    const noKms = await s3Error(c.s3.send(new PutObjectCommand({ Bucket: 'sse-context', Key: 'bad', Body: 'x', ServerSideEncryption: 'AES256', SSEKMSKeyId: 'abc' })));
    assert.deepEqual([noKms.code, noKms.message], ['InvalidArgument', 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms']);
  });

  it('SSE-C round trip once allowed: key checked on GET and HEAD, never stored, per-version keys', async () => {
    await c.s3.send(new CreateBucketCommand({ Bucket: 'sse-c-sdk' }));
    await allowSseC('sse-c-sdk');
    await c.s3.send(new PutBucketVersioningCommand({ Bucket: 'sse-c-sdk', VersioningConfiguration: { Status: 'Enabled' } }));
    const k1 = customerKey();
    const k2 = customerKey();
    const v1 = await c.s3.send(new PutObjectCommand({ Bucket: 'sse-c-sdk', Key: 'obj', Body: 'version1', ...sseC(k1) }));
    assert.deepEqual([v1.SSECustomerAlgorithm, v1.SSECustomerKeyMD5, v1.ServerSideEncryption], ['AES256', k1.md5, undefined]);
    assert.notEqual(v1.ETag, `"${md5Hex('version1')}"`, 'an SSE-C ETag is not the MD5 of the data');
    const v2 = await c.s3.send(new PutObjectCommand({ Bucket: 'sse-c-sdk', Key: 'obj', Body: 'version2', ...sseC(k2) }));
    const got1 = await c.s3.send(new GetObjectCommand({ Bucket: 'sse-c-sdk', Key: 'obj', VersionId: v1.VersionId, ...sseC(k1) }));
    assert.equal((await bytesOf(got1.Body)).toString(), 'version1');
    assert.deepEqual([got1.SSECustomerAlgorithm, got1.SSECustomerKeyMD5], ['AES256', k1.md5]);
    const got2 = await c.s3.send(new GetObjectCommand({ Bucket: 'sse-c-sdk', Key: 'obj', ...sseC(k2) }));
    assert.equal((await bytesOf(got2.Body)).toString(), 'version2');
    assert.equal(got2.VersionId, v2.VersionId);
    const wrong = await s3Error(c.s3.send(new GetObjectCommand({ Bucket: 'sse-c-sdk', Key: 'obj', ...sseC(k1) })));
    assert.deepEqual([wrong.code, wrong.status, wrong.message], ['AccessDenied', 403, 'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.']);
    const none = await s3Error(c.s3.send(new GetObjectCommand({ Bucket: 'sse-c-sdk', Key: 'obj' })));
    assert.deepEqual([none.code, none.status, none.message], ['InvalidRequest', 400, 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.']);
    // HEAD answers with a bare status.
    assert.equal((await s3Error(c.s3.send(new HeadObjectCommand({ Bucket: 'sse-c-sdk', Key: 'obj' })))).status, 400);
    assert.equal((await s3Error(c.s3.send(new HeadObjectCommand({ Bucket: 'sse-c-sdk', Key: 'obj', ...sseC(k1) })))).status, 403);
    const head = await c.s3.send(new HeadObjectCommand({ Bucket: 'sse-c-sdk', Key: 'obj', ...sseC(k2) }));
    assert.deepEqual([head.SSECustomerAlgorithm, head.SSECustomerKeyMD5, head.ContentLength], ['AES256', k2.md5, 8]);
    // SSE-C headers on an object that is not SSE-C.
    await c.s3.send(new PutObjectCommand({ Bucket: 'sse-c-sdk', Key: 'plain', Body: 'p' }));
    const na = await s3Error(c.s3.send(new GetObjectCommand({ Bucket: 'sse-c-sdk', Key: 'plain', ...sseC(k1) })));
    assert.deepEqual([na.code, na.status, na.message], ['InvalidRequest', 400, 'The encryption parameters are not applicable to this object.']);
  });

  it('presigned URLs carry SSE-C headers; the same URL without them is refused', async () => {
    await c.s3.send(new CreateBucketCommand({ Bucket: 'sse-c-presigned' }));
    await allowSseC('sse-c-presigned');
    const key = customerKey();
    const headers = {
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key': key.b64,
      'x-amz-server-side-encryption-customer-key-md5': key.md5,
    };
    const putUrl = await getSignedUrl(c.s3, new PutObjectCommand({ Bucket: 'sse-c-presigned', Key: 'p', ...sseC(key) }), { expiresIn: 300 });
    const put = await fetch(putUrl, { method: 'PUT', body: 'presigned secret', headers });
    assert.equal(put.status, 200, await put.text());
    assert.equal(put.headers.get('x-amz-server-side-encryption-customer-key-md5'), key.md5);
    const getUrl = await getSignedUrl(c.s3, new GetObjectCommand({ Bucket: 'sse-c-presigned', Key: 'p', ...sseC(key) }), { expiresIn: 300 });
    const got = await fetch(getUrl, { headers });
    assert.equal(got.status, 200);
    assert.equal(await got.text(), 'presigned secret');
    const bare = await fetch(getUrl);
    assert.equal(bare.status, 403, 'the SSE-C headers are signed: leaving them out breaks the signature');
    const sdk = await c.s3.send(new GetObjectCommand({ Bucket: 'sse-c-presigned', Key: 'p', ...sseC(key) }));
    assert.equal((await bytesOf(sdk.Body)).toString(), 'presigned secret');
  });

  it('CopyObject re-encrypts under the destination mode: SSE-S3 -> SSE-KMS -> SSE-C -> SSE-S3', async () => {
    await c.s3.send(new CreateBucketCommand({ Bucket: 'sse-copy' }));
    await allowSseC('sse-copy');
    const body = randomBytes(200_000);
    const key = await newKmsKey(c.kms);
    const ck = customerKey();
    await c.s3.send(new PutObjectCommand({ Bucket: 'sse-copy', Key: 's3', Body: body }));
    const toKms = await c.s3.send(new CopyObjectCommand({ Bucket: 'sse-copy', Key: 'kms', CopySource: 'sse-copy/s3', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn, BucketKeyEnabled: true }));
    assert.deepEqual([toKms.ServerSideEncryption, toKms.SSEKMSKeyId, toKms.BucketKeyEnabled], ['aws:kms', key.arn, true]);
    const toC = await c.s3.send(new CopyObjectCommand({ Bucket: 'sse-copy', Key: 'c', CopySource: 'sse-copy/kms', ...sseC(ck) }));
    assert.deepEqual([toC.SSECustomerAlgorithm, toC.SSECustomerKeyMD5, toC.ServerSideEncryption], ['AES256', ck.md5, undefined]);
    const noSource = await s3Error(c.s3.send(new CopyObjectCommand({ Bucket: 'sse-copy', Key: 'back', CopySource: 'sse-copy/c' })));
    assert.deepEqual([noSource.code, noSource.status], ['InvalidRequest', 400]);
    assert.match(noSource.message, /^The object was stored using a form of Server Side Encryption/);
    const wrongSource = await s3Error(c.s3.send(new CopyObjectCommand({ Bucket: 'sse-copy', Key: 'back', CopySource: 'sse-copy/c', CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: customerKey().b64 })));
    assert.deepEqual([wrongSource.code, wrongSource.status, wrongSource.message], ['AccessDenied', 403, 'Access Denied']);
    const back = await c.s3.send(new CopyObjectCommand({ Bucket: 'sse-copy', Key: 'back', CopySource: 'sse-copy/c', CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: ck.b64 }));
    assert.equal(back.ServerSideEncryption, 'AES256');
    assert.equal(back.CopyObjectResult?.ETag, `"${md5Hex(body)}"`);
    for (const [k, extra] of [['kms', {}], ['c', sseC(ck)], ['back', {}]] as const) {
      const got = await c.s3.send(new GetObjectCommand({ Bucket: 'sse-copy', Key: k, ...extra }));
      assert.ok((await bytesOf(got.Body)).equals(body), k);
    }
    // A copy onto itself is allowed when it changes the encryption.
    const inPlace = await c.s3.send(new CopyObjectCommand({ Bucket: 'sse-copy', Key: 's3', CopySource: 'sse-copy/s3', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn }));
    assert.equal(inPlace.ServerSideEncryption, 'aws:kms');
  });

  it('ranges on SSE-KMS and SSE-C objects return exactly the bytes asked for', async () => {
    await c.s3.send(new CreateBucketCommand({ Bucket: 'sse-ranges' }));
    await allowSseC('sse-ranges');
    const body = randomBytes(3 * 65_536 + 1234);
    const ck = customerKey();
    await c.s3.send(new PutObjectCommand({ Bucket: 'sse-ranges', Key: 'kms', Body: body, ServerSideEncryption: 'aws:kms' }));
    await c.s3.send(new PutObjectCommand({ Bucket: 'sse-ranges', Key: 'c', Body: body, ...sseC(ck) }));
    const ranges: Array<[number, number]> = [[0, 0], [65_530, 65_545], [65_536, 131_071], [100_000, body.length - 1], [body.length - 5, body.length - 1]];
    for (const [Key, extra] of [['kms', {}], ['c', sseC(ck)]] as const) {
      for (const [start, end] of ranges) {
        const got = await c.s3.send(new GetObjectCommand({ Bucket: 'sse-ranges', Key, Range: `bytes=${start}-${end}`, ...extra }));
        assert.equal(got.$metadata.httpStatusCode, 206);
        assert.equal(got.ContentRange, `bytes ${start}-${end}/${body.length}`);
        assert.ok((await bytesOf(got.Body)).equals(body.subarray(start, end + 1)), `${Key} ${start}-${end}`);
      }
    }
    const suffix = await c.s3.send(new GetObjectCommand({ Bucket: 'sse-ranges', Key: 'c', Range: 'bytes=-10', ...sseC(ck) }));
    assert.ok((await bytesOf(suffix.Body)).equals(body.subarray(body.length - 10)));
  });
});
