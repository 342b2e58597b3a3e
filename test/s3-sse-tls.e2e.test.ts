/**
 * SSE-C and transport security: a listener that is not loopback refuses SSE-C over plain HTTP with
 * AWS's error, the HTTPS listener on COFFER_TLS_PORT (a self-signed certificate made on first start,
 * key 0600, reused on the next start) takes it, and COFFER_SSE_C_ALLOW_HTTP=1 lifts the refusal.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutBucketEncryptionCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startServer, type TestServer } from './harness.js';
import { bytesOf, clientsFor, customerKey, destroyAll, s3Error, sseC } from './sse-fixtures.js';

const INSECURE = 'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.';

/** The TLS listener's URL, from its start-up log line. */
async function tlsUrl(server: TestServer): Promise<string> {
  await server.waitForOutput(/coffer listening \(TLS\)/);
  return /"url":"(https:[^"]+)","certificate"/.exec(server.output())![1]!;
}

describe('SSE-C needs TLS on a listener that is not loopback', () => {
  let dataDir: string;
  let server: TestServer;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coffer-sse-tls-'));
    server = await startServer({ dataDir, env: { COFFER_HOST: '0.0.0.0', COFFER_TLS_PORT: '0' } });
  });
  after(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses SSE-C over HTTP, serves it over the self-signed HTTPS listener, and keeps the certificate', async () => {
    const plain = clientsFor(server);
    const key = customerKey();
    try {
      await plain.s3.send(new CreateBucketCommand({ Bucket: 'tls-sse-c' }));
      await plain.s3.send(new PutBucketEncryptionCommand({ Bucket: 'tls-sse-c', ServerSideEncryptionConfiguration: { Rules: [{ BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }] } }));
      const refused = await s3Error(plain.s3.send(new PutObjectCommand({ Bucket: 'tls-sse-c', Key: 'k', Body: 'x', ...sseC(key) })));
      assert.deepEqual([refused.code, refused.status, refused.message], ['InvalidRequest', 400, INSECURE]);
      // SSE-S3 and SSE-KMS stay available over HTTP.
      await plain.s3.send(new PutObjectCommand({ Bucket: 'tls-sse-c', Key: 'plain', Body: 'x', ServerSideEncryption: 'aws:kms' }));
    } finally {
      destroyAll(plain);
    }

    const url = await tlsUrl(server);
    const certFile = join(dataDir, 'tls', 'self-signed.crt');
    const cert = await readFile(certFile);
    assert.equal((await stat(join(dataDir, 'tls', 'self-signed.key'))).mode & 0o777, 0o600);
    assert.equal((await stat(join(dataDir, 'tls'))).mode & 0o777, 0o700);
    // The certificate names 127.0.0.1: a client that trusts it verifies the connection.
    const port = new URL(url).port;
    const s3 = new S3Client({
      endpoint: `https://127.0.0.1:${port}`, region: server.region, forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: cert }) }),
    });
    try {
      await s3.send(new PutObjectCommand({ Bucket: 'tls-sse-c', Key: 'k', Body: 'over tls', ...sseC(key) }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'tls-sse-c', Key: 'k', ...sseC(key) }));
      assert.equal((await bytesOf(got.Body)).toString(), 'over tls');
    } finally {
      s3.destroy();
    }
    const readBack = clientsFor(server);
    try {
      const e = await s3Error(readBack.s3.send(new GetObjectCommand({ Bucket: 'tls-sse-c', Key: 'k', ...sseC(key) })));
      assert.deepEqual([e.code, e.message], ['InvalidRequest', INSECURE]);
    } finally {
      destroyAll(readBack);
    }

    await server.stop();
    server = await startServer({ dataDir, env: { COFFER_HOST: '0.0.0.0', COFFER_TLS_PORT: '0' } });
    await tlsUrl(server);
    assert.ok((await readFile(certFile)).equals(cert), 'the certificate made on first start is reused');
  });

  it('COFFER_SSE_C_ALLOW_HTTP=1 allows SSE-C over plain HTTP', async () => {
    const open = await startServer({ env: { COFFER_HOST: '0.0.0.0', COFFER_SSE_C_ALLOW_HTTP: '1' } });
    const c = clientsFor(open);
    try {
      const key = customerKey();
      await c.s3.send(new CreateBucketCommand({ Bucket: 'tls-allowed' }));
      await c.s3.send(new PutBucketEncryptionCommand({ Bucket: 'tls-allowed', ServerSideEncryptionConfiguration: { Rules: [{ BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }] } }));
      await c.s3.send(new PutObjectCommand({ Bucket: 'tls-allowed', Key: 'k', Body: 'allowed', ...sseC(key) }));
      const got = await c.s3.send(new GetObjectCommand({ Bucket: 'tls-allowed', Key: 'k', ...sseC(key) }));
      assert.equal((await bytesOf(got.Body)).toString(), 'allowed');
    } finally {
      destroyAll(c);
      await open.stop();
    }
  });
});
