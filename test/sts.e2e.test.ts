import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { AWS_CLIS, PYTHONS, randomSecret, run, startServer, type TestServer } from './harness.js';

const BOTO3_WHOAMI = `
import boto3, json, sys
from botocore.exceptions import ClientError
try:
    print(json.dumps(boto3.client('sts', endpoint_url=sys.argv[1]).get_caller_identity()))
except ClientError as e:
    print(json.dumps({'error': e.response['Error']['Code'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}))
`;

describe('STS GetCallerIdentity through real clients', () => {
  let server: TestServer;
  let rootArn: string;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  const sts = (secret = server.secretAccessKey, accessKeyId = server.accessKeyId) =>
    new STSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: secret } });

  it('AWS SDK for JavaScript v3 gets the root identity', async () => {
    const out = await sts().send(new GetCallerIdentityCommand({}));
    assert.match(out.Account ?? '', /^\d{12}$/);
    rootArn = `arn:aws:iam::${out.Account}:root`;
    assert.equal(out.Arn, rootArn);
    assert.equal(out.UserId, out.Account);
  });

  for (const python of PYTHONS) {
    it(`boto3 (${python}) gets the same identity`, async () => {
      const r = await run(python, ['-c', BOTO3_WHOAMI, server.url], server.clientEnv());
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.Arn, rootArn);
      assert.equal(out.Account, rootArn.split(':')[4]);
    });

    it(`boto3 (${python}) with a wrong secret is refused with SignatureDoesNotMatch`, async () => {
      const r = await run(python, ['-c', BOTO3_WHOAMI, server.url], server.clientEnv({ AWS_SECRET_ACCESS_KEY: randomSecret() }));
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { error: 'SignatureDoesNotMatch', status: 403 });
    });
  }

  for (const cli of AWS_CLIS) {
    it(`aws-cli (${cli}) sts get-caller-identity prints the root ARN`, async () => {
      const r = await run(cli, ['sts', 'get-caller-identity', '--endpoint-url', server.url, '--output', 'json'], server.clientEnv());
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).Arn, rootArn);
    });

    it(`aws-cli (${cli}) with an unknown access key is refused with InvalidClientTokenId`, async () => {
      const r = await run(cli, ['sts', 'get-caller-identity', '--endpoint-url', server.url], server.clientEnv({ AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNUNKNOWN00' }));
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /InvalidClientTokenId/);
      assert.match(r.stderr, /The security token included in the request is invalid/);
    });
  }

  it('SDK v3 with a wrong secret gets SignatureDoesNotMatch (403)', async () => {
    await assert.rejects(sts(randomSecret()).send(new GetCallerIdentityCommand({})), (err: any) => {
      assert.equal(err.name, 'SignatureDoesNotMatch');
      assert.equal(err.$metadata.httpStatusCode, 403);
      return true;
    });
  });

  it('an unsigned call is refused with MissingAuthenticationToken', async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    assert.equal(res.status, 403);
    const body = await res.text();
    assert.match(body, /<Code>MissingAuthenticationToken<\/Code>/);
    assert.ok(res.headers.get('x-amzn-requestid'));
  });

  async function presignedWhoAmI(signingDate: Date, expiresIn: number): Promise<Response> {
    const url = new URL(server.url);
    const signer = new SignatureV4({
      service: 'sts', region: 'us-east-1', sha256: Sha256,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    });
    const signed = await signer.presign(new HttpRequest({
      method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, headers: { host: url.host },
    }), { signingDate, expiresIn });
    const qs = new URLSearchParams(signed.query as Record<string, string>).toString();
    return fetch(`${server.url}/?${qs}`);
  }

  it('a presigned GetCallerIdentity URL works until it expires', async () => {
    const fresh = await presignedWhoAmI(new Date(), 60);
    assert.equal(fresh.status, 200);
    assert.match(await fresh.text(), new RegExp(`<Arn>${rootArn}</Arn>`));

    const expired = await presignedWhoAmI(new Date(Date.now() - 3600_000), 60);
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /<Code>SignatureDoesNotMatch<\/Code>[\s\S]*Signature expired/);
  });

  it('never logs the secret access key', () => {
    assert.ok(!server.output().includes(server.secretAccessKey));
  });
});
