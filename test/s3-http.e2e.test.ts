/**
 * S3 answers outside the model's operations, as browsers and HTTP see them: CORS preflights
 * (`OPTIONS`, unsigned) and the CORS headers of cross-origin responses, and 206 Partial Content
 * for ranges and part numbers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutBucketCorsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startServer, type TestServer } from './harness.js';

describe('S3 over plain HTTP: CORS and partial content', () => {
  let server: TestServer;
  let s3: S3Client;
  before(async () => {
    server = await startServer();
    s3 = new S3Client({ endpoint: server.url, region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    await s3.send(new CreateBucketCommand({ Bucket: 'http-cors' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'http-plain' }));
    await s3.send(new PutObjectCommand({ Bucket: 'http-cors', Key: 'dir/a b.txt', Body: '0123456789' }));
    await s3.send(new PutBucketCorsCommand({ Bucket: 'http-cors', CORSConfiguration: { CORSRules: [
      { AllowedMethods: ['GET', 'PUT'], AllowedOrigins: ['https://app.example'], AllowedHeaders: ['x-amz-*', 'content-type'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 },
    ] } }));
  });
  after(() => server.stop());

  const options = (path: string, headers: Record<string, string>) => fetch(`${server.url}${path}`, { method: 'OPTIONS', headers });

  it('a preflight is answered from the bucket CORS rules, without credentials', async () => {
    const ok = await options('/http-cors/dir/a%20b.txt', {
      origin: 'https://app.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'Content-Type, X-Amz-Date',
    });
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), '');
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(ok.headers.get('access-control-allow-methods'), 'GET, PUT');
    assert.equal(ok.headers.get('access-control-allow-headers'), 'content-type, x-amz-date');
    assert.equal(ok.headers.get('access-control-max-age'), '600');
    assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');

    const noOrigin = await options('/http-cors/x', { 'access-control-request-method': 'GET' });
    assert.equal(noOrigin.status, 400);
    assert.match(await noOrigin.text(), /<Code>BadRequest<\/Code><Message>Insufficient information. Origin request header needed.<\/Message>/);
    const wrongOrigin = await options('/http-cors/x', { origin: 'https://evil.example', 'access-control-request-method': 'GET' });
    assert.equal(wrongOrigin.status, 403);
    assert.match(await wrongOrigin.text(), /<Code>AccessForbidden<\/Code><Message>CORSResponse: This CORS request is not allowed.*<Method>GET<\/Method><ResourceType>OBJECT<\/ResourceType>/);
    const notEnabled = await options('/http-plain', { origin: 'https://app.example', 'access-control-request-method': 'PUT' });
    assert.equal(notEnabled.status, 403);
    assert.match(await notEnabled.text(), /CORSResponse: CORS is not enabled for this bucket.<\/Message><Method>PUT<\/Method><ResourceType>BUCKET<\/ResourceType>/);
    const noBucket = await options('/http-absent', { origin: 'https://app.example', 'access-control-request-method': 'GET' });
    assert.match(await noBucket.text(), /CORSResponse: Bucket not found/);
  });

  it('a cross-origin request allowed by a rule gets the CORS headers; others do not', async () => {
    const withOrigin = new S3Client({ endpoint: server.url, region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    let seen: Record<string, string> = {};
    withOrigin.middlewareStack.add((next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers.origin = 'https://app.example';
      const out = await next(args);
      seen = (out.response as { headers: Record<string, string> }).headers;
      return out;
    }, { step: 'finalizeRequest' });
    const got = await withOrigin.send(new GetObjectCommand({ Bucket: 'http-cors', Key: 'dir/a b.txt' }));
    await got.Body!.transformToString();
    assert.equal(seen['access-control-allow-origin'], 'https://app.example');
    assert.equal(seen['access-control-expose-headers'], 'ETag');
    const other = await withOrigin.send(new HeadObjectCommand({ Bucket: 'http-cors', Key: 'dir/a b.txt' }));
    assert.equal(other.$metadata.httpStatusCode, 200);
    assert.equal(seen['access-control-allow-origin'], undefined, 'HEAD is not an allowed method of the rule');
  });

  it('ranges and part numbers answer 206 Partial Content', async () => {
    const ranged = await s3.send(new GetObjectCommand({ Bucket: 'http-cors', Key: 'dir/a b.txt', Range: 'bytes=2-5' }));
    assert.deepEqual([ranged.$metadata.httpStatusCode, ranged.ContentRange, await ranged.Body!.transformToString()], [206, 'bytes 2-5/10', '2345']);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'http-cors', Key: 'dir/a b.txt', Range: 'bytes=-3' }));
    assert.deepEqual([head.$metadata.httpStatusCode, head.ContentLength, head.ContentRange], [206, 3, 'bytes 7-9/10']);
    const part = await s3.send(new GetObjectCommand({ Bucket: 'http-cors', Key: 'dir/a b.txt', PartNumber: 1 }));
    assert.deepEqual([part.$metadata.httpStatusCode, part.ContentRange, await part.Body!.transformToString()], [206, 'bytes 0-9/10', '0123456789']);
    const whole = await s3.send(new GetObjectCommand({ Bucket: 'http-cors', Key: 'dir/a b.txt' }));
    assert.equal(whole.$metadata.httpStatusCode, 200);
    await whole.Body!.transformToString();
  });
});
