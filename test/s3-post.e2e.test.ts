/**
 * Browser uploads (POST Object with a SigV4-signed POST policy) as a browser sends them:
 * multipart/form-data built by fetch's FormData, policies from the AWS SDK's createPresignedPost
 * and hand-built with node:crypto following AWS's documentation. Each condition type allowed and
 * refused with S3's answers; the signature checked; the signer authorized as for any PutObject
 * (an IAM user needs s3:PutObject on the key); SigV2 refused as for buckets created today.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, DeletePublicAccessBlockCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutBucketPolicyCommand, S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startServer, type TestServer } from './harness.js';

const BUCKET = 'post-bucket';

/** The code, message and detail elements of an S3 error document. */
function errorOf(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  const entities: Record<string, string> = { quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' };
  for (const m of xml.matchAll(/<(\w+)>([^<]*)<\/\1>/g)) out[m[1]!] = m[2]!.replace(/&(quot|apos|lt|gt|amp);/g, (_, name: string) => entities[name]!);
  return out;
}

/** Posts a form: `fields` in order, then the file (and anything in `after`, which S3 ignores). */
async function post(url: string, fields: Record<string, string>, file: Buffer | string, filename = 'file.txt', after: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([file]), filename);
  for (const [k, v] of Object.entries(after)) form.append(k, v);
  return fetch(url, { method: 'POST', body: form, redirect: 'manual' });
}

async function refused(response: Response, status: number, code: string, message?: string): Promise<Record<string, string>> {
  const text = await response.text();
  const error = errorOf(text);
  assert.equal(response.status, status, text);
  assert.equal(error.Code, code, text);
  if (message !== undefined) assert.equal(error.Message, message);
  return error;
}

const amzDate = (d: Date) => d.toISOString().replace(/\.\d{3}/, '').replace(/[-:]/g, '');

/** A POST policy signed by hand, as AWS's sigv4-post-example describes: HMAC-SHA256 of the base64 policy. */
function handSigned(server: TestServer, conditions: unknown[], opts: { now?: Date; secret?: string; accessKeyId?: string } = {}): Record<string, string> {
  const now = opts.now ?? new Date();
  const date = amzDate(now).slice(0, 8);
  const credential = `${opts.accessKeyId ?? server.accessKeyId}/${date}/us-east-1/s3/aws4_request`;
  const policy = Buffer.from(JSON.stringify({
    expiration: new Date(now.getTime() + 3600_000).toISOString(),
    conditions: [...conditions, { 'x-amz-credential': credential }, { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' }, { 'x-amz-date': amzDate(now) }],
  })).toString('base64');
  let key = createHmac('sha256', `AWS4${opts.secret ?? server.secretAccessKey}`).update(date).digest();
  for (const part of ['us-east-1', 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return {
    'X-Amz-Credential': credential, 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Date': amzDate(now),
    Policy: policy, 'X-Amz-Signature': createHmac('sha256', key).update(policy).digest('hex'),
  };
}

describe('S3 POST Object (browser uploads)', () => {
  let server: TestServer;
  let s3: S3Client;
  let bucketUrl: string;
  before(async () => {
    server = await startServer();
    s3 = new S3Client({
      endpoint: server.url, region: server.region, forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new CreateBucketCommand({ Bucket: 'other-post-bucket' }));
    bucketUrl = `${server.url}/${BUCKET}`;
  });
  after(() => server.stop());

  const presign = (options: Omit<PresignedPostOptions, 'Bucket'> & { Bucket?: string }) => createPresignedPost(s3, { Bucket: BUCKET, Expires: 600, ...options });
  const body = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();

  it('stores the file under the key, ${filename} expanded, and answers 204 with the ETag and Location', async () => {
    const { url, fields } = await presign({ Key: 'uploads/${filename}', Fields: { 'Content-Type': 'text/plain' } });
    const response = await post(url, fields, 'hello from a browser', 'C:\\Users\\me\\hello.txt');
    assert.equal(response.status, 204, await response.clone().text());
    const etag = `"${createHash('md5').update('hello from a browser').digest('hex')}"`;
    assert.equal(response.headers.get('etag'), etag);
    assert.equal(response.headers.get('location'), `${bucketUrl}/uploads%2Fhello.txt`);
    assert.ok(response.headers.get('x-amz-request-id'));
    assert.equal(response.headers.get('x-amz-server-side-encryption'), 'AES256');
    assert.equal(await body('uploads/hello.txt'), 'hello from a browser');
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'uploads/hello.txt' }));
    assert.deepEqual([head.ContentType, head.ETag], ['text/plain', etag]);
  });

  it('answers 201 with a PostResponse, 200 empty, and 303 to success_action_redirect', async () => {
    const created = await presign({ Key: 'status/created', Fields: { success_action_status: '201' } });
    const r201 = await post(created.url, created.fields, 'created');
    assert.equal(r201.status, 201);
    const xml = await r201.text();
    const etag = `"${createHash('md5').update('created').digest('hex')}"`;
    assert.equal(xml, '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>'
      + `<Location>${bucketUrl}/status%2Fcreated</Location><Bucket>${BUCKET}</Bucket><Key>status/created</Key><ETag>${etag}</ETag></PostResponse>`);

    const ok = await presign({ Key: 'status/ok', Fields: { success_action_status: '200' } });
    const r200 = await post(ok.url, ok.fields, 'ok');
    assert.deepEqual([r200.status, await r200.text()], [200, '']);

    const target = 'https://app.example/done?from=upload';
    const redirect = await presign({ Key: 'status/redirected file', Fields: { success_action_redirect: target } });
    const r303 = await post(redirect.url, redirect.fields, 'redirected');
    assert.equal(r303.status, 303);
    const etag303 = createHash('md5').update('redirected').digest('hex');
    assert.equal(r303.headers.get('location'), `${target}&bucket=${BUCKET}&key=status%2Fredirected+file&etag=%22${etag303}%22`);
    assert.equal(await body('status/redirected file'), 'redirected');
  });

  it('allows and refuses by exact-match conditions, simple and eq', async () => {
    // createPresignedPost states Fields as simple conditions ({"acl": "private"}); S3 prints them as eq.
    const { url, fields } = await presign({
      Key: 'exact/object', Fields: { acl: 'private', 'x-amz-meta-color': 'blue' },
      Conditions: [['eq', '$x-amz-meta-color', 'blue']],
    });
    assert.equal((await post(url, fields, 'exact')).status, 204);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'exact/object' }));
    assert.deepEqual(head.Metadata, { color: 'blue' });

    await refused(await post(url, { ...fields, acl: 'public-read' }, 'x'), 403, 'AccessDenied',
      'Invalid according to Policy: Policy Condition failed: ["eq", "$acl", "private"]');
    await refused(await post(url, { ...fields, 'x-amz-meta-color': 'Blue' }, 'x'), 403, 'AccessDenied',
      'Invalid according to Policy: Policy Condition failed: ["eq", "$x-amz-meta-color", "blue"]');
    await refused(await post(url, { ...fields, key: 'exact/other' }, 'x'), 403, 'AccessDenied',
      'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "exact/object"]');
    // The bucket is the one posted to, whatever the form says.
    await refused(await post(`${server.url}/other-post-bucket`, fields, 'x'), 403, 'AccessDenied',
      `Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "${BUCKET}"]`);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'exact/other' })).catch((e: { $metadata: { httpStatusCode: number } }) => e)).$metadata.httpStatusCode, 404);
  });

  it('allows and refuses by starts-with, Content-Type lists included', async () => {
    const { url, fields } = await presign({
      Key: 'images/${filename}', Conditions: [['starts-with', '$Content-Type', 'image/']], Fields: { 'Content-Type': 'image/png' },
    });
    assert.equal((await post(url, fields, 'png', 'a.png')).status, 204);
    // Every type of a list must match.
    assert.equal((await post(url, { ...fields, 'Content-Type': 'image/jpeg,image/gif' }, 'x', 'b.png')).status, 403);
    const openEnded = await presign({ Key: 'images/${filename}', Conditions: [['starts-with', '$Content-Type', 'image/']] });
    assert.equal((await post(openEnded.url, { ...openEnded.fields, 'Content-Type': 'image/jpeg,image/gif' }, 'x', 'c.png')).status, 204);
    await refused(await post(openEnded.url, { ...openEnded.fields, 'Content-Type': 'text/html' }, 'x', 'd.png'), 403, 'AccessDenied',
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "image/"]');
    await refused(await post(openEnded.url, { ...openEnded.fields, 'Content-Type': 'image/png', key: 'elsewhere/e.png' }, 'x'), 403, 'AccessDenied',
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "images/"]');
  });

  it('holds the file to content-length-range, bounds included', async () => {
    const { url, fields } = await presign({ Key: 'sized/${filename}', Conditions: [['content-length-range', 5, 10]] });
    for (const size of [5, 10]) assert.equal((await post(url, fields, 'x'.repeat(size), `ok-${size}`)).status, 204);
    const large = await refused(await post(url, fields, 'x'.repeat(12), 'large'), 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    assert.deepEqual([large.ProposedSize, large.MaxSizeAllowed], ['12', '10']);
    const small = await refused(await post(url, fields, 'x', 'small'), 400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size');
    assert.deepEqual([small.ProposedSize, small.MinSizeAllowed], ['1', '5']);
    for (const key of ['sized/large', 'sized/small']) {
      const missing = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).catch((e: { $metadata: { httpStatusCode: number } }) => e);
      assert.equal(missing.$metadata.httpStatusCode, 404);
    }
    // A file larger than one read still streams through (6 MiB).
    const big = await presign({ Key: 'sized/big', Conditions: [['content-length-range', 0, 8 * 1024 * 1024]] });
    const content = randomBytes(6 * 1024 * 1024);
    assert.equal((await post(big.url, big.fields, content)).status, 204);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'sized/big' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), content);
  });

  it('refuses an expired policy and fields no condition covers', async () => {
    const { url, fields } = await presign({ Key: 'late', Expires: 60 });
    await refused(await post(url, { ...fields, 'X-Amz-Meta-Extra': 'x' }, 'x'), 403, 'AccessDenied', 'Invalid according to Policy: Extra input fields: X-Amz-Meta-Extra');
    // x-ignore-* fields, and anything after the file, are not the policy's business.
    assert.equal((await post(url, { ...fields, 'x-ignore-tracking': '1' }, 'x', 'f', { submit: 'Upload' })).status, 204);
    await server.advanceClock(120);
    await refused(await post(url, fields, 'x'), 403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
  });

  it('checks the signature of the policy and the signer', async () => {
    const { url, fields } = await presign({ Key: 'signed' });
    const bad = await refused(await post(url, { ...fields, 'X-Amz-Signature': '0'.repeat(64) }, 'x'), 403, 'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    assert.equal(bad.StringToSign, fields.Policy);
    assert.equal(bad.AWSAccessKeyId, server.accessKeyId);
    const truncated = await refused(await post(url, { ...fields, Policy: fields.Policy!.slice(0, -2) }, 'x'), 403, 'SignatureDoesNotMatch');
    assert.equal(truncated.StringToSign, fields.Policy!.slice(0, -2));
    const unknownKey = handSigned(server, [{ bucket: BUCKET }, { key: 'signed' }], { accessKeyId: 'AKIAUNKNOWNKEY000000' });
    const unknown = await refused(await post(url, { key: 'signed', ...unknownKey }, 'x'), 403, 'InvalidAccessKeyId');
    assert.equal(unknown.AWSAccessKeyId, 'AKIAUNKNOWNKEY000000');
    const { 'X-Amz-Signature': _, ...unsigned } = fields;
    const missing = await refused(await post(url, unsigned, 'x'), 400, 'InvalidArgument',
      "Bucket POST must contain a field named 'X-Amz-Signature'.  If it is specified, please check the order of the fields.");
    assert.equal(missing.ArgumentName, 'X-Amz-Signature');
    const { key: __, ...keyless } = fields;
    await refused(await post(url, keyless, 'x'), 400, 'InvalidArgument',
      "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.");
    // A key placed after the file is not read.
    await refused(await post(url, keyless, 'x', 'f', { key: 'signed' }), 400, 'InvalidArgument');
    await refused(await post(url, { key: 'anonymous' }, 'x'), 403, 'AccessDenied', 'Access Denied');
    const noFile = new FormData();
    for (const [k, v] of Object.entries(fields)) noFile.append(k, v);
    const nothing = await refused(await fetch(url, { method: 'POST', body: noFile }), 400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
    assert.deepEqual([nothing.ArgumentName, nothing.ArgumentValue], ['file', '0']);
    const notForm = await refused(await fetch(url, { method: 'POST', body: 'key=x', headers: { 'content-type': 'text/plain' } }), 412, 'PreconditionFailed');
    assert.equal(notForm.Condition, 'Bucket POST must be of the enclosure-type multipart/form-data');
    const tooMuch = await refused(await post(url, { ...fields, 'x-ignore-padding': 'p'.repeat(21_000) }, 'x'), 400, 'MaxPostPreDataLengthExceeded',
      'Your POST request fields preceeding the upload file was too large.');
    assert.equal(tooMuch.MaxPostPreDataLengthBytes, '20480');
  });

  it('accepts a policy signed by hand with node:crypto, with tagging, metadata and mixed-case fields', async () => {
    const signed = handSigned(server, [
      { bucket: BUCKET }, ['starts-with', '$key', 'hand/'], { 'Content-Type': 'application/json' },
      ['starts-with', '$x-amz-meta-owner', ''], ['starts-with', '$tagging', ''], ['content-length-range', 0, 1024],
    ]);
    const tagging = '<Tagging><TagSet><Tag><Key>project</Key><Value>coffer</Value></Tag></TagSet></Tagging>';
    const response = await post(bucketUrl, { KEY: 'hand/${filename}', 'content-type': 'application/json', 'X-Amz-Meta-Owner': 'Ada', Tagging: tagging, ...signed }, '{"ok":true}', 'data.json');
    assert.equal(response.status, 204, await response.clone().text());
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'hand/data.json' }));
    assert.deepEqual([head.ContentType, head.Metadata], ['application/json', { owner: 'Ada' }]);
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 'hand/data.json' }));
    assert.deepEqual(tags.TagSet, [{ Key: 'project', Value: 'coffer' }]);
    const wrongSecret = handSigned(server, [{ bucket: BUCKET }, ['starts-with', '$key', 'hand/']], { secret: 'not-the-secret' });
    await refused(await post(bucketUrl, { key: 'hand/x', ...wrongSecret }, 'x'), 403, 'SignatureDoesNotMatch');
  });

  it('authorizes the signer as for PutObject: an IAM user needs s3:PutObject on the key', async () => {
    const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    await iam.send(new CreateUserCommand({ UserName: 'uploader' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'uploader' }))).AccessKey!;
    const user = new S3Client({
      endpoint: server.url, region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
    });
    const form = () => createPresignedPost(user, { Bucket: BUCKET, Key: 'users/${filename}', Expires: 600 });
    const before = await form();
    await refused(await post(before.url, before.fields, 'denied', 'denied.txt'), 403, 'AccessDenied');
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'users/denied.txt' })).catch((e: { $metadata: { httpStatusCode: number } }) => e)).$metadata.httpStatusCode, 404);
    await iam.send(new PutUserPolicyCommand({
      UserName: 'uploader', PolicyName: 'uploads',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/users/*` }] }),
    }));
    const allowed = await form();
    assert.equal((await post(allowed.url, allowed.fields, 'allowed', 'allowed.txt')).status, 204);
    assert.equal(await body('users/allowed.txt'), 'allowed');
    // The signer's rights, not the policy's, decide: a key outside users/ is refused.
    const outside = await createPresignedPost(user, { Bucket: BUCKET, Key: 'admin/x', Expires: 600 });
    await refused(await post(outside.url, outside.fields, 'x'), 403, 'AccessDenied');
  });

  it('lets anonymous forms write only where a bucket policy allows it', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'public-drop' }));
    // A public policy needs the bucket's Block Public Access (on by default) lifted first.
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'public-drop' }));
    await s3.send(new PutBucketPolicyCommand({
      Bucket: 'public-drop',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::public-drop/inbox/*' }] }),
    }));
    assert.equal((await post(`${server.url}/public-drop`, { key: 'inbox/${filename}' }, 'dropped', 'note.txt')).status, 204);
    await refused(await post(`${server.url}/public-drop`, { key: 'private/note.txt' }, 'x'), 403, 'AccessDenied');
  });

  it('refuses Signature Version 2, in a form, a header or a query, as for buckets created today', async () => {
    const message = 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.';
    const policy = Buffer.from(JSON.stringify({ expiration: '2030-01-01T00:00:00Z', conditions: [{ bucket: BUCKET }] })).toString('base64');
    const signature = createHmac('sha1', server.secretAccessKey).update(policy).digest('base64');
    await refused(await post(bucketUrl, { key: 'v2', AWSAccessKeyId: server.accessKeyId, policy, signature }, 'x'), 400, 'InvalidRequest', message);
    const date = new Date().toUTCString();
    const headerSig = createHmac('sha1', server.secretAccessKey).update(`GET\n\n\n${date}\n/${BUCKET}/`).digest('base64');
    await refused(await fetch(`${bucketUrl}/`, { headers: { date, authorization: `AWS ${server.accessKeyId}:${headerSig}` } }), 400, 'InvalidRequest', message);
    const expires = Math.floor(Date.now() / 1000) + 600;
    await refused(await fetch(`${bucketUrl}/x?AWSAccessKeyId=${server.accessKeyId}&Expires=${expires}&Signature=abc`), 400, 'InvalidRequest', message);
  });
});
