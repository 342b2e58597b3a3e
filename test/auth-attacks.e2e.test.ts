/**
 * Authentication and authorization attacks, each refused with AWS's error and recorded in the
 * trail: signatures replayed for another region, service, body or time; presigned URLs after
 * their expiry or with parameters added; deleted, deactivated and rotated access keys; expired
 * session tokens; a role's credentials after its policy changed; and S3 as a confused deputy
 * asked to call KMS for a caller who may not.
 *
 * Calls with an access key nobody owns (deleted keys) are refused but appear in no account's
 * trail: there is no account to show them to, as on AWS.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, DeleteAccessKeyCommand, DeleteRolePolicyCommand, IAMClient, PutRolePolicyCommand, PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { startServer, type TestServer } from './harness.js';
import type { Creds } from './workload.js';

interface Failure { code: string; status: number; message: string }

/** The AWS error a call fails with (the test fails if it succeeds). */
async function refused(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (err) {
    const e = err as Error & { Code?: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.name === 'Error' || e.name === 'Unknown' ? (e.Code ?? e.name) : e.name, status: e.$metadata?.httpStatusCode ?? 0, message: e.message };
  }
  throw new Error('the call succeeded but must be refused');
}

interface TrailEvent { eventName: string; errorCode?: string; errorMessage?: string; awsRegion: string; userIdentity: { arn?: string; accessKeyId?: string; invokedBy?: string }; eventSource: string }

describe('authentication and authorization attacks', () => {
  let server: TestServer;
  let account: string;
  const ep = () => ({ endpoint: server.url, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey }, maxAttempts: 1 });
  const as = (creds: Creds, region = 'us-east-1') => {
    const common = { endpoint: server.url, region, credentials: creds, maxAttempts: 1 };
    return { kms: new KMSClient(common), sts: new STSClient(common), s3: new S3Client({ ...common, forcePathStyle: true }), iam: new IAMClient(common) };
  };
  let root: ReturnType<typeof as>;
  let mallory: Creds & { arn: string };

  /** The trail event of a refused call, found by its event name, region, error and key. */
  async function trailed(region: string, eventName: string, errorCode: string, accessKeyId: string): Promise<TrailEvent> {
    const trail = new CloudTrailClient({ ...ep(), region });
    for (let attempt = 0; attempt < 40; attempt++) {
      const page = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }], MaxResults: 50 }));
      const events = (page.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent!) as TrailEvent);
      const hit = events.find((e) => e.errorCode === errorCode && e.userIdentity.accessKeyId === accessKeyId);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 50)); // the trail is written in batches every 50 ms
    }
    throw new Error(`no ${eventName} event with errorCode ${errorCode} for ${accessKeyId} in ${region}`);
  }

  /** A request signed by the SDK's signer, then altered by `tamper` before it is sent. */
  async function replay(creds: Creds, service: string, region: string, req: { method: string; path: string; headers: Record<string, string>; body: string },
    tamper: (signed: { headers: Record<string, string>; body: string }) => void, signingDate?: Date): Promise<Response> {
    const url = new URL(server.url);
    const signer = new SignatureV4({ service, region, sha256: Sha256, credentials: creds, uriEscapePath: service !== 's3' });
    const signed = await signer.sign(new HttpRequest({ method: req.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: req.path,
      headers: { host: url.host, ...req.headers }, body: req.body }), signingDate ? { signingDate } : undefined);
    const out = { headers: signed.headers as Record<string, string>, body: req.body };
    tamper(out);
    return fetch(`${server.url}${req.path}`, { method: req.method, headers: out.headers, body: req.body === '' ? undefined : out.body });
  }

  const kmsListKeys = { method: 'POST', path: '/', headers: { 'x-amz-target': 'TrentService.ListKeys', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' };

  before(async () => {
    server = await startServer();
    root = as(server);
    account = (await root.sts.send(new GetCallerIdentityCommand({}))).Account!;
    const user = (await root.iam.send(new CreateUserCommand({ UserName: 'mallory' }))).User!;
    const key = (await root.iam.send(new CreateAccessKeyCommand({ UserName: 'mallory' }))).AccessKey!;
    mallory = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey!, arn: user.Arn! };
    const policy = { Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: ['kms:ListKeys', 'kms:Encrypt', 'sts:AssumeRole'], Resource: '*' },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::deputy', 'arn:aws:s3:::deputy/*'] },
    ] };
    await root.iam.send(new PutUserPolicyCommand({ UserName: 'mallory', PolicyName: 'base', PolicyDocument: JSON.stringify(policy) }));
  });
  after(async () => {
    await server.stop();
  });

  it('a signature replayed for another region, service, body or time is refused and trailed', async () => {
    const region = await replay(mallory, 'kms', 'us-east-1', kmsListKeys, (s) => {
      s.headers.authorization = s.headers.authorization!.replace('/us-east-1/', '/eu-west-1/');
    });
    assert.equal(region.status, 400);
    assert.equal(((await region.json()) as { __type: string }).__type, 'InvalidSignatureException');
    await trailed('eu-west-1', 'ListKeys', 'InvalidSignatureException', mallory.accessKeyId);

    const sts = { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' };
    const service = await replay(mallory, 'sts', 'us-east-1', sts, (s) => {
      s.headers.authorization = s.headers.authorization!.replace('/sts/', '/iam/');
    });
    assert.equal(service.status, 403);
    assert.match(await service.text(), /<Code>SignatureDoesNotMatch<\/Code>/);

    const encrypt = { method: 'POST', path: '/', headers: { 'x-amz-target': 'TrentService.Encrypt', 'content-type': 'application/x-amz-json-1.1' }, body: '{"KeyId":"alias/a","Plaintext":"AAAA"}' };
    const body = await replay(mallory, 'kms', 'us-east-1', encrypt, (s) => {
      s.body = s.body.replace('AAAA', 'BBBB');
    });
    assert.equal(body.status, 400);
    assert.equal(((await body.json()) as { __type: string }).__type, 'InvalidSignatureException');
    await trailed('us-east-1', 'Encrypt', 'InvalidSignatureException', mallory.accessKeyId);

    await root.s3.send(new CreateBucketCommand({ Bucket: 'deputy' }));
    const put = { method: 'PUT', path: '/deputy/replayed', headers: { 'x-amz-content-sha256': createHash('sha256').update('original').digest('hex') }, body: 'original' };
    const s3Body = await replay(mallory, 's3', 'us-east-1', put, (s) => {
      s.body = 'tampered';
    });
    assert.equal(s3Body.status, 400);
    assert.match(await s3Body.text(), /<Code>XAmzContentSHA256Mismatch<\/Code>/);
    assert.equal((await refused(root.s3.send(new GetObjectCommand({ Bucket: 'deputy', Key: 'replayed' })))).code, 'NoSuchKey');

    const old = new Date(Date.now() - 20 * 60_000);
    const late = await replay(mallory, 'kms', 'us-east-1', kmsListKeys, () => undefined, old);
    assert.equal(late.status, 400);
    const lateBody = (await late.json()) as { __type: string; message: string };
    assert.equal(lateBody.__type, 'InvalidSignatureException');
    assert.match(lateBody.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const lateS3 = await replay(mallory, 's3', 'us-east-1', { method: 'GET', path: '/deputy?list-type=2', headers: { 'x-amz-content-sha256': createHash('sha256').update('').digest('hex') }, body: '' }, () => undefined, old);
    assert.equal(lateS3.status, 403);
    assert.match(await lateS3.text(), /<Code>RequestTimeTooSkewed<\/Code>/);
  });

  it('presigned URLs are refused after expiry and with parameters added or changed', async () => {
    await root.s3.send(new PutObjectCommand({ Bucket: 'deputy', Key: 'shared', Body: 'shared body' }));
    const s3 = as(mallory).s3;
    const fresh = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'deputy', Key: 'shared' }), { expiresIn: 60 });
    assert.equal(await (await fetch(fresh)).text(), 'shared body');
    const expired = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'deputy', Key: 'shared' }), { expiresIn: 1, signingDate: new Date(Date.now() - 60_000) });
    const e = await fetch(expired);
    assert.equal(e.status, 403);
    assert.match(await e.text(), /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
    for (const extra of ['&response-content-type=text%2Fhtml', '&versionId=null', '&x-amz-security-token=x']) {
      const res = await fetch(fresh + extra);
      assert.equal(res.status, 403, extra);
      assert.match(await res.text(), /<Code>SignatureDoesNotMatch<\/Code>/, extra);
    }
    const longer = await fetch(fresh.replace('X-Amz-Expires=60', 'X-Amz-Expires=604800'));
    assert.equal(longer.status, 403);
    assert.match(await longer.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    const otherKey = await fetch(fresh.replace('/deputy/shared', '/deputy/replayed'));
    assert.equal(otherKey.status, 403);
  });

  it('deleted, deactivated and rotated access keys are refused in every protocol', async () => {
    const created = (await root.iam.send(new CreateAccessKeyCommand({ UserName: 'mallory' }))).AccessKey!;
    const second: Creds = { accessKeyId: created.AccessKeyId!, secretAccessKey: created.SecretAccessKey! };
    await as(second).sts.send(new GetCallerIdentityCommand({}));

    await root.iam.send(new UpdateAccessKeyCommand({ UserName: 'mallory', AccessKeyId: second.accessKeyId, Status: 'Inactive' }));
    const c = as(second);
    assert.deepEqual(await refused(c.kms.send(new ListKeysCommand({}))), { code: 'UnrecognizedClientException', status: 400, message: 'The security token included in the request is invalid.' });
    assert.deepEqual(await refused(c.sts.send(new GetCallerIdentityCommand({}))), { code: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.' });
    const s3 = await refused(c.s3.send(new GetObjectCommand({ Bucket: 'deputy', Key: 'shared' })));
    assert.deepEqual([s3.code, s3.status], ['InvalidAccessKeyId', 403]);
    await trailed('us-east-1', 'ListKeys', 'UnrecognizedClientException', second.accessKeyId);

    // Rotation: the old key deleted, the new one works, the old one never again.
    await root.iam.send(new DeleteAccessKeyCommand({ UserName: 'mallory', AccessKeyId: second.accessKeyId }));
    assert.equal((await refused(c.kms.send(new ListKeysCommand({})))).code, 'UnrecognizedClientException');
    assert.equal((await refused(c.sts.send(new GetCallerIdentityCommand({})))).code, 'InvalidClientTokenId');
    assert.equal((await refused(c.s3.send(new GetObjectCommand({ Bucket: 'deputy', Key: 'shared' })))).code, 'InvalidAccessKeyId');
    assert.equal((await as(mallory).sts.send(new GetCallerIdentityCommand({}))).Arn, mallory.arn);
  });

  it('expired session tokens are refused with ExpiredToken in every protocol', async () => {
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: mallory.arn }, Action: 'sts:AssumeRole' }] };
    await root.iam.send(new CreateRoleCommand({ RoleName: 'short', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await root.iam.send(new PutRolePolicyCommand({ RoleName: 'short', PolicyName: 'list', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:ListKeys', 's3:GetObject'], Resource: '*' }] }) }));
    const assumed = (await as(mallory).sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/short`, RoleSessionName: 'short-lived', DurationSeconds: 900 }))).Credentials!;
    const session: Creds = { accessKeyId: assumed.AccessKeyId!, secretAccessKey: assumed.SecretAccessKey!, sessionToken: assumed.SessionToken! };
    const c = as(session);
    await c.kms.send(new ListKeysCommand({}));
    await server.advanceClock(901);
    assert.deepEqual(await refused(c.kms.send(new ListKeysCommand({}))), { code: 'ExpiredTokenException', status: 400, message: 'The security token included in the request is expired' });
    assert.deepEqual(await refused(c.sts.send(new GetCallerIdentityCommand({}))), { code: 'ExpiredToken', status: 403, message: 'The security token included in the request is expired' });
    const s3 = await refused(c.s3.send(new GetObjectCommand({ Bucket: 'deputy', Key: 'shared' })));
    assert.deepEqual([s3.code, s3.status, s3.message], ['ExpiredToken', 400, 'The provided token has expired.']);
    await trailed('us-east-1', 'ListKeys', 'ExpiredTokenException', session.accessKeyId);
    // A token made up for a real session key id is no better.
    const forged = as({ ...session, sessionToken: 'FQoGZXIvYXdzE' + 'A'.repeat(300) });
    assert.equal((await refused(forged.kms.send(new ListKeysCommand({})))).code, 'UnrecognizedClientException');
  });

  it("a role's live session loses what the role's policy no longer allows", async () => {
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: mallory.arn }, Action: 'sts:AssumeRole' }] };
    await root.iam.send(new CreateRoleCommand({ RoleName: 'changing', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await root.iam.send(new PutRolePolicyCommand({ RoleName: 'changing', PolicyName: 'kms', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:ListKeys', Resource: '*' }] }) }));
    const assumed = (await as(mallory).sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/changing`, RoleSessionName: 'live' }))).Credentials!;
    const session: Creds = { accessKeyId: assumed.AccessKeyId!, secretAccessKey: assumed.SecretAccessKey!, sessionToken: assumed.SessionToken! };
    await as(session).kms.send(new ListKeysCommand({}));
    await root.iam.send(new DeleteRolePolicyCommand({ RoleName: 'changing', PolicyName: 'kms' }));
    const denied = await refused(as(session).kms.send(new ListKeysCommand({})));
    assert.equal(denied.code, 'AccessDeniedException');
    assert.equal(denied.message, `User: arn:aws:sts::${account}:assumed-role/changing/live is not authorized to perform: kms:ListKeys on resource: * because no identity-based policy allows the kms:ListKeys action`);
    const event = await trailed('us-east-1', 'ListKeys', 'AccessDenied', session.accessKeyId).catch(() => trailed('us-east-1', 'ListKeys', 'AccessDeniedException', session.accessKeyId));
    assert.equal(event.userIdentity.arn, `arn:aws:sts::${account}:assumed-role/changing/live`);
  });

  it('S3 as a confused deputy: a caller without kms:Decrypt or kms:GenerateDataKey gets nothing through S3', async () => {
    const key = (await root.kms.send(new CreateKeyCommand({ Description: 'deputy' }))).KeyMetadata!;
    await root.s3.send(new PutObjectCommand({ Bucket: 'deputy', Key: 'kms-secret', Body: 'kms secret', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.Arn }));
    const s3 = as(mallory).s3;
    const read = await refused(s3.send(new GetObjectCommand({ Bucket: 'deputy', Key: 'kms-secret' })));
    assert.deepEqual([read.code, read.status], ['AccessDenied', 403]);
    assert.equal(read.message, `User: ${mallory.arn} is not authorized to perform: kms:Decrypt on resource: ${key.Arn} because no identity-based policy allows the kms:Decrypt action`);
    const write = await refused(s3.send(new PutObjectCommand({ Bucket: 'deputy', Key: 'w', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.Arn })));
    assert.deepEqual([write.code, write.status], ['AccessDenied', 403]);
    assert.match(write.message, /is not authorized to perform: kms:GenerateDataKey on resource/);
    const event = await trailed('us-east-1', 'Decrypt', 'AccessDenied', mallory.accessKeyId).catch(() => trailed('us-east-1', 'Decrypt', 'AccessDeniedException', mallory.accessKeyId));
    assert.equal(event.userIdentity.invokedBy, 's3.amazonaws.com');
    assert.equal(event.eventSource, 'kms.amazonaws.com');
    // Asking KMS directly is no way around it either.
    const blob = (await root.kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('direct') }))).CiphertextBlob!;
    const direct = await refused(as(mallory).kms.send(new DecryptCommand({ CiphertextBlob: blob })));
    assert.deepEqual([direct.code, direct.status], ['AccessDeniedException', 400]);
    const directEvent = await trailed('us-east-1', 'Decrypt', 'AccessDeniedException', mallory.accessKeyId);
    assert.equal(directEvent.userIdentity.invokedBy, undefined);
  });

  it('a header sent on several lines is signed as its values joined in order, each trimmed', async () => {
    const url = new URL(server.url);
    const signer = new SignatureV4({ service: 'kms', region: 'us-east-1', sha256: Sha256, credentials: mallory });
    // Sent as two lines; SigV4's canonical form joins them with a comma. `constructor` is a header
    // name Object.prototype also has: it must read as an ordinary header.
    const send = async (signedValue: string) => {
      const signed = await signer.sign(new HttpRequest({
        method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', body: kmsListKeys.body,
        headers: { host: url.host, ...kmsListKeys.headers, 'x-dup': signedValue, constructor: 'x' },
      }));
      const headers: Record<string, string | string[]> = { ...(signed.headers as Record<string, string>), 'x-dup': [' a ', 'b'] };
      return new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end(kmsListKeys.body);
      });
    };
    assert.equal(await send('a,b'), 200);
    assert.equal(await send('b,a'), 400, 'the order of the lines is part of what was signed');
  });
});
