import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { startServer } from './harness.js';

describe('operations hygiene', () => {
  it('GET /_coffer/health lists the services and their state', async () => {
    const server = await startServer();
    try {
      const res = await fetch(`${server.url}/_coffer/health`);
      assert.equal(res.status, 200);
      const health = (await res.json()) as { status: string; services: Record<string, string>; audit?: string };
      assert.equal(health.status, 'ok');
      assert.deepEqual(Object.keys(health.services).sort(), ['cloudtrail', 'ec2', 'iam', 'kms', 's3', 'sts']);
      assert.equal(health.services.sts, 'available');
      // The console's Audit page runs the auditor only where the server says it ships one.
      assert.equal(health.audit, 'available');
    } finally {
      await server.stop();
    }
  });

  it('refuses oversized headers with 431 and keeps serving', async () => {
    const server = await startServer();
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${server.url}/`, { headers: { 'x-big': 'a'.repeat(20 * 1024) } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 431);
      const health = await fetch(`${server.url}/_coffer/health`);
      assert.equal(health.status, 200);
    } finally {
      await server.stop();
    }
  });

  it('a malformed HTTP request gets 400, never a crash', async () => {
    const server = await startServer();
    try {
      const { connect } = await import('node:net');
      const reply = await new Promise<string>((resolve) => {
        const socket = connect(server.port, '127.0.0.1', () => socket.write('GARBAGE / HTTP/9.9\r\n\r\n'));
        let text = '';
        socket.on('data', (d) => (text += d.toString()));
        socket.on('close', () => resolve(text));
      });
      assert.match(reply, /^HTTP\/1\.1 400/);
      assert.equal((await fetch(`${server.url}/_coffer/health`)).status, 200);
    } finally {
      await server.stop();
    }
  });

  it('SIGTERM drains: a call in flight completes, then the process exits 0', async () => {
    const server = await startServer({ env: { COFFER_LOG_LEVEL: 'debug' } });
    const url = new URL(server.url);
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', sha256: Sha256,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    const signed = await signer.sign(new HttpRequest({
      method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', body,
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) },
    }));
    const req = request(`${server.url}/`, { method: 'POST', headers: signed.headers });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 10));
    await server.waitForOutput(/"msg":"request started"/);
    const stopped = server.stop();
    await server.waitForOutput(/"msg":"shutting down"/);
    req.end(body.slice(10));
    const res = await response;
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /<Arn>arn:aws:iam::\d{12}:root<\/Arn>/);
    await stopped;
    assert.equal(server.exitCode(), 0);
  });
});
