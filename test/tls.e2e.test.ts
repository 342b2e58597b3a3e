import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { PYTHONS, run, startServer, type TestServer } from './harness.js';

describe('HTTPS', () => {
  let server: TestServer;
  before(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    server = await startServer({ env: { COFFER_TLS_CERT: cert, COFFER_TLS_KEY: key } });
  });
  after(() => server.stop());

  it('serves the API over TLS to the SDK', async () => {
    assert.match(server.url, /^https:/);
    const sts = new STSClient({
      endpoint: server.url, region: 'us-east-1',
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ rejectUnauthorized: false }) }),
    });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    assert.match(me.Arn ?? '', /^arn:aws:iam::\d{12}:root$/);
  });

  it('refuses TLS 1.1', async () => {
    const port = new URL(server.url).port;
    const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_1'], process.env, '');
    assert.notEqual(r.code, 0);
    const ok = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2'], process.env, '');
    assert.equal(ok.code, 0, ok.stderr);
  });

  for (const python of PYTHONS) {
    it(`boto3 (${python}) uploads over TLS with its default checksum mode (aws-chunked trailers on new botocore)`, async () => {
      const script = `
import boto3, sys, json, warnings, urllib3
urllib3.disable_warnings()
from botocore.config import Config
s3 = boto3.client('s3', endpoint_url=sys.argv[1], verify=False, config=Config(s3={'addressing_style': 'path'}))
bucket = sys.argv[2]
s3.create_bucket(Bucket=bucket)
body = bytes(range(256)) * 400
put = s3.put_object(Bucket=bucket, Key='k.bin', Body=body)
got = s3.get_object(Bucket=bucket, Key='k.bin')['Body'].read()
print(json.dumps({'same': got == body, 'etag': put['ETag']}))
`;
      const bucket = `tls-${python.includes('/usr') ? 'debian' : 'local'}-boto3`;
      const r = await run(python, ['-c', script, server.url, bucket], server.clientEnv());
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).same, true, r.stdout);
    });
  }
});
