import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { PYTHONS, run, startServer, type TestServer } from './harness.js';
import { startTamperProxy } from './tamper-proxy.js';

const BODY = Buffer.alloc(200_000, 'A');
const NEEDLE = Buffer.from('AAAAAAAA');
const TAMPERED = Buffer.from('AAAABAAA');

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/**
 * A STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload as the AWS documentation describes it: the headers
 * signed by the SDK's signer with the streaming literal as payload hash, each chunk signed here.
 */
async function chunkSignedPut(server: TestServer, body: Buffer, tamperChunk?: number): Promise<Response> {
  const url = new URL(server.url);
  const chunkSize = 65536;
  const chunks: Buffer[] = [];
  for (let i = 0; i < body.length; i += chunkSize) chunks.push(body.subarray(i, i + chunkSize));
  chunks.push(Buffer.alloc(0));
  const framedLength = chunks.reduce((n, c) => n + c.length.toString(16).length + ';chunk-signature='.length + 64 + 4 + c.length, 0);
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', sha256: Sha256, uriEscapePath: false, applyChecksum: false,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
  const signed = await signer.sign(new HttpRequest({
    method: 'PUT', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/chunk-bucket/chunked.bin',
    headers: {
      host: url.host, 'content-encoding': 'aws-chunked', 'content-length': String(framedLength),
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'x-amz-decoded-content-length': String(body.length),
    },
  }));
  const headers = signed.headers as Record<string, string>;
  const amzDate = headers['x-amz-date']!;
  let previous = /Signature=([0-9a-f]{64})/.exec(headers.authorization!)![1]!;
  const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const key = hmac(hmac(hmac(hmac('AWS4' + server.secretAccessKey, amzDate.slice(0, 8)), 'us-east-1'), 's3'), 'aws4_request');
  const emptyHash = createHash('sha256').update('').digest('hex');
  const framed: Buffer[] = chunks.map((chunk, i) => {
    const sts = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, emptyHash, createHash('sha256').update(chunk).digest('hex')].join('\n');
    previous = createHmac('sha256', key).update(sts).digest('hex');
    const data = Buffer.from(chunk);
    if (i === tamperChunk) data[100] ^= 1;
    return Buffer.concat([Buffer.from(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`), data, Buffer.from('\r\n')]);
  });
  return fetch(`${server.url}/chunk-bucket/chunked.bin`, { method: 'PUT', headers, body: Buffer.concat(framed) });
}

function client(server: TestServer, endpoint = server.url): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
}

async function bodyOf(server: TestServer, bucket: string, key: string): Promise<Buffer> {
  const got = await client(server).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

describe('S3 payloads are verified as they stream', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    const s3 = client(server);
    for (const bucket of ['chunk-bucket', 'sdk-bucket', 'presign-bucket', 'boto-bucket']) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: 'presign-bucket', Key: 'a.txt', Body: 'presigned bytes' }));
  });
  after(() => server.stop());

  it('a chunk-signed body passes, and one tampered chunk is refused with SignatureDoesNotMatch', async () => {
    const good = await chunkSignedPut(server, BODY);
    assert.equal(good.status, 200, await good.text());
    assert.equal(good.headers.get('etag'), `"${createHash('md5').update(BODY).digest('hex')}"`);
    const bad = await chunkSignedPut(server, BODY, 2);
    assert.equal(bad.status, 403);
    assert.match(await bad.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    // The refused upload replaced nothing: the object is still the verified one.
    assert.deepEqual(await bodyOf(server, 'chunk-bucket', 'chunked.bin'), BODY);
  });

  it('a large chunk-signed body (sealed and written on the body workers) passes, and one tampered late in it is refused', async () => {
    const large = randomBytes((3 << 20) + 5);
    const good = await chunkSignedPut(server, large);
    assert.equal(good.status, 200, await good.text());
    assert.equal(good.headers.get('etag'), `"${createHash('md5').update(large).digest('hex')}"`);
    // Chunk 40 of 49: several batches have reached the workers (and the file) by then.
    const bad = await chunkSignedPut(server, randomBytes(large.length), 40);
    assert.equal(bad.status, 403);
    assert.match(await bad.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.deepEqual(await bodyOf(server, 'chunk-bucket', 'chunked.bin'), large);
  });

  it('the AWS SDK for JavaScript v3: a body altered in transit is refused', async () => {
    const proxy = await startTamperProxy(server.port, NEEDLE, TAMPERED);
    const put = (endpoint: string, key: string) => client(server, endpoint).send(new PutObjectCommand({
      Bucket: 'sdk-bucket', Key: key, Body: Readable.from([BODY]), ContentLength: BODY.length }));
    try {
      const stored = await put(server.url, 'streamed.bin');
      assert.equal(stored.$metadata.httpStatusCode, 200);
      assert.deepEqual(await bodyOf(server, 'sdk-bucket', 'streamed.bin'), BODY);
      await assert.rejects(put(proxy.url, 'tampered.bin'), (err: any) => {
        assert.ok(['BadDigest', 'SignatureDoesNotMatch', 'XAmzContentSHA256Mismatch'].includes(err.name), err.name);
        assert.ok(err.$metadata.httpStatusCode === 400 || err.$metadata.httpStatusCode === 403);
        return true;
      });
      assert.ok(proxy.tampered());
      // Nothing of the refused upload is visible.
      await assert.rejects(bodyOf(server, 'sdk-bucket', 'tampered.bin'), (err: any) => err.name === 'NoSuchKey');
    } finally {
      await proxy.close();
    }
  });

  it('a presigned GET is honoured until X-Amz-Expires runs out, then refused with "Request has expired"', async () => {
    const s3 = client(server);
    const command = new GetObjectCommand({ Bucket: 'presign-bucket', Key: 'a.txt' });
    const fresh = await fetch(await getSignedUrl(s3, command, { expiresIn: 60 }));
    assert.equal(fresh.status, 200);
    assert.equal(await fresh.text(), 'presigned bytes');
    const stale = await fetch(await getSignedUrl(s3, command, { expiresIn: 60, signingDate: new Date(Date.now() - 120_000) }));
    assert.equal(stale.status, 403);
    const body = await stale.text();
    assert.match(body, /<Code>AccessDenied<\/Code>/);
    assert.match(body, /<Message>Request has expired<\/Message>/);
  });

  for (const python of PYTHONS) {
    it(`boto3 (${python}): a body altered in transit is refused with XAmzContentSHA256Mismatch`, async () => {
      const proxy = await startTamperProxy(server.port, NEEDLE, TAMPERED);
      const script = `
import boto3, sys, json
from botocore.config import Config
from botocore.exceptions import ClientError
s3 = boto3.client('s3', endpoint_url=sys.argv[1], config=Config(s3={'addressing_style': 'path'}))
try:
    s3.put_object(Bucket='boto-bucket', Key='k.bin', Body=b'A' * 200000)
    print(json.dumps({'status': 200}))
except ClientError as e:
    print(json.dumps({'code': e.response['Error']['Code'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}))
`;
      try {
        const direct = await run(python, ['-c', script, server.url], server.clientEnv());
        assert.equal(JSON.parse(direct.stdout).status, 200, direct.stderr);
        const tampered = await run(python, ['-c', script, proxy.url], server.clientEnv());
        assert.deepEqual(JSON.parse(tampered.stdout), { code: 'XAmzContentSHA256Mismatch', status: 400 }, tampered.stderr);
      } finally {
        await proxy.close();
      }
    });
  }
});
