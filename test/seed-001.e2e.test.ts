/**
 * Seed 001 end to end ("sharing encrypted data safely" with KMS, S3 and IAM), with two IAM users
 * through real clients: the seed's own boto3 snippets (only the endpoint, the credentials and the
 * placeholders the seed asks its reader to fill in — the key ARN, the user — differ from the text)
 * and the AWS SDK for JavaScript v3 for the finer assertions.
 *
 * The account root makes alice (who owns the data: S3 and KMS through her identity policy) and bob
 * (who starts with nothing). What AWS would answer is asserted at each step: bob's AccessDenied on
 * s3:GetObject and kms:Decrypt, the seed's policy letting him read, a bucket-policy Deny beating
 * it, a key policy without the IAM delegation blocking even an administrator and the root, a grant
 * to a role limited by encryption context, aws:SecureTransport, a presigned URL of a caller who
 * may not read, and an assumed-role session that expires on service time.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateGrantCommand, CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DeleteBucketPolicyCommand, GetObjectCommand, PutBucketEncryptionCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { run, startServer, type TestServer } from './harness.js';
import { SEED_001_S3, seed001Iam } from './seed-001-snippets.js';
import { bytesOf, clientsFor, destroyAll, s3Error, type Clients } from './sse-fixtures.js';

interface Creds { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

/** Seed 001's KMS snippet, verbatim; the epilogue reports what it made. */
const SEED_KMS = `
import boto3

# KMS 클라이언트 생성
kms_client = boto3.client('kms')

# 키 생성
response = kms_client.create_key()

# 생성된 키의 ARN 가져오기
key_arn = response['KeyMetadata']['Arn']

# 데이터 암호화
response = kms_client.encrypt(
    KeyId=key_arn,
    Plaintext=b'My secret data'
)

# 암호화된 데이터 출력
ciphertext_blob = response['CiphertextBlob']
print(ciphertext_blob)
`;

/** As bob, with boto3: read the seed's object and decrypt the seed's ciphertext; each outcome reported. */
const BOB_READS = `
import boto3, base64, json, sys
from botocore.exceptions import ClientError
def attempt(f):
    try:
        return {'ok': f()}
    except ClientError as e:
        return {'error': e.response['Error']['Code'], 'message': e.response['Error']['Message'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
s3 = boto3.client('s3')
kms = boto3.client('kms')
print(json.dumps({
    'get': attempt(lambda: s3.get_object(Bucket='my-encrypted-bucket', Key='secret-data.txt')['Body'].read().decode()),
    'decrypt': attempt(lambda: kms.decrypt(CiphertextBlob=base64.b64decode(sys.argv[1]))['Plaintext'].decode()),
}))
`;

const allow = (Action: string | string[], Resource: string | string[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource }] });

/** The rejection of a promise: SDK error name, HTTP status and message. */
async function failure(p: Promise<unknown>): Promise<{ name: string; status: number; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode ?? 0, message: e.message };
  }
  throw new Error('expected the request to fail');
}

describe('seed 001 end to end: alice shares encrypted data with bob, and only as the policies say', () => {
  let server: TestServer;
  let root: Clients;
  let account: string;
  const keys: Record<'alice' | 'bob' | 'admin', Creds> = {} as never;
  const clients: Clients[] = [];
  /** Seed key (default key policy: delegates to IAM) and the ciphertext the seed made under it. */
  let seedKey: string;
  let seedCiphertext: string;
  /** Alice's key whose key policy names only her: IAM policies don't count for it. */
  let lockedKey: string;

  const as = (c: Creds): Clients => {
    const made = clientsFor(server, { credentials: c });
    clients.push(made);
    return made;
  };
  const kmsAs = (c: Creds) => {
    const k = new KMSClient({ endpoint: server.url, region: server.region, credentials: c, maxAttempts: 1 });
    clients.push({ kms: k } as Clients);
    return k;
  };
  const python = async (script: string, c: Creds, ...args: string[]) => {
    const r = await run('python3', ['-c', script, ...args], server.clientEnv({
      AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, ...(c.sessionToken ? { AWS_SESSION_TOKEN: c.sessionToken } : {}),
    }));
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const denied = (who: string, action: string, resource: string, why = 'because no identity-based policy allows the ' + action + ' action') =>
    `User: ${who} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
  /**
   * S3's refusal of a same-account request: 403 AccessDenied, worded either as S3 long did
   * ("Access Denied") or with the context S3 now adds for same-account requests (the resource ARN
   * quoted) — https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html
   */
  const s3Denied = (e: { error?: string; code?: string; status: number; message: string }, who: string, action: string, resource: string, why: string) => {
    assert.deepEqual([e.error ?? e.code, e.status], ['AccessDenied', 403]);
    if (e.message !== 'Access Denied') assert.equal(e.message, `User: ${who} is not authorized to perform: ${action} on resource: "${resource}" ${why}`);
  };

  before(async () => {
    server = await startServer({ env: { COFFER_TLS_PORT: '0' } });
    root = clientsFor(server);
    for (const name of ['alice', 'bob', 'admin'] as const) {
      const user = (await root.iam.send(new CreateUserCommand({ UserName: name }))).User!;
      account = user.Arn!.split(':')[4]!;
      const k = (await root.iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      keys[name] = { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
    }
    // Alice owns the data: S3 and KMS through her identity policy (and the default key policy).
    await root.iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'data-owner', PolicyDocument: allow(['s3:*', 'kms:*'], '*') }));
    await root.iam.send(new AttachUserPolicyCommand({ UserName: 'admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
  });
  after(async () => {
    for (const c of [root, ...clients]) destroyAll(c);
    await server.stop();
  });

  it("alice runs the seed's KMS and S3 snippets, then makes SSE-KMS under her key the bucket's default", async () => {
    const kmsOut = await python(SEED_KMS + `
import base64, json
print(json.dumps({'key_arn': key_arn, 'ciphertext': base64.b64encode(ciphertext_blob).decode()}))
`, keys.alice);
    const made = JSON.parse(kmsOut.trim().split('\n').pop()!);
    seedKey = made.key_arn;
    seedCiphertext = made.ciphertext;
    assert.match(seedKey, new RegExp(`^arn:aws:kms:us-east-1:${account}:key/[0-9a-f-]{36}$`));
    await python(SEED_001_S3, keys.alice);
    const alice = as(keys.alice);
    // Put without any SSE header: since 2023 S3 encrypts it with SSE-S3.
    const first = await alice.s3.send(new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'secret-data.txt' }));
    assert.equal(first.ServerSideEncryption, 'AES256');
    await alice.s3.send(new PutBucketEncryptionCommand({
      Bucket: 'my-encrypted-bucket',
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: seedKey } }] },
    }));
    const put = await alice.s3.send(new PutObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'secret-data.txt', Body: 'My secret data' }));
    assert.deepEqual([put.ServerSideEncryption, put.SSEKMSKeyId], ['aws:kms', seedKey]);
    const got = await alice.s3.send(new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'secret-data.txt' }));
    assert.deepEqual([got.ServerSideEncryption, got.SSEKMSKeyId, (await bytesOf(got.Body)).toString()], ['aws:kms', seedKey, 'My secret data']);
  });

  it('bob, without policies, is refused the object (S3 AccessDenied) and the ciphertext (KMS AccessDeniedException)', async () => {
    const seen = JSON.parse(await python(BOB_READS, keys.bob, seedCiphertext));
    s3Denied(seen.get, `arn:aws:iam::${account}:user/bob`, 's3:GetObject', 'arn:aws:s3:::my-encrypted-bucket/secret-data.txt', 'because no identity-based policy allows the s3:GetObject action');
    assert.deepEqual(seen.decrypt, { error: 'AccessDeniedException', message: denied(`arn:aws:iam::${account}:user/bob`, 'kms:Decrypt', seedKey), status: 400 });
  });

  it("the seed's IAM policy, with the real key ARN, attached to bob lets him read both", async () => {
    await python('import json\n' + seed001Iam(seedKey, 'bob'), { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });
    const seen = JSON.parse(await python(BOB_READS, keys.bob, seedCiphertext));
    assert.deepEqual(seen, { get: { ok: 'My secret data' }, decrypt: { ok: 'My secret data' } });
    // The policy grants reading only: bob can't write to the bucket.
    const bob = as(keys.bob);
    const put = await s3Error(bob.s3.send(new PutObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'bob.txt', Body: 'x' })));
    assert.deepEqual([put.code, put.status], ['AccessDenied', 403]);
  });

  it("an explicit Deny for bob in the bucket policy beats his identity policy; alice still reads", async () => {
    const alice = as(keys.alice);
    await alice.s3.send(new PutBucketPolicyCommand({
      Bucket: 'my-encrypted-bucket',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{
        Sid: 'NoBob', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${account}:user/bob` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::my-encrypted-bucket/*',
      }] }),
    }));
    try {
      const seen = JSON.parse(await python(BOB_READS, keys.bob, seedCiphertext));
      s3Denied(seen.get, `arn:aws:iam::${account}:user/bob`, 's3:GetObject', 'arn:aws:s3:::my-encrypted-bucket/secret-data.txt', 'with an explicit deny in a resource-based policy');
      // The bucket policy governs S3 only: KMS still lets bob decrypt under his identity policy.
      assert.deepEqual(seen.decrypt, { ok: 'My secret data' });
      const got = await alice.s3.send(new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'secret-data.txt' }));
      assert.equal((await bytesOf(got.Body)).toString(), 'My secret data');
    } finally {
      await alice.s3.send(new DeleteBucketPolicyCommand({ Bucket: 'my-encrypted-bucket' }));
    }
    assert.deepEqual(JSON.parse(await python(BOB_READS, keys.bob, seedCiphertext)).get, { ok: 'My secret data' });
  });

  it('a key policy that does not delegate to IAM blocks bob, an administrator and the root; alice, whom it names, may use it', async () => {
    const alice = as(keys.alice);
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{
      Sid: 'AliceOnly', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/alice` }, Action: 'kms:*', Resource: '*',
    }] });
    lockedKey = (await alice.kms.send(new CreateKeyCommand({ Description: 'alice only', Policy: policy }))).KeyMetadata!.Arn!;
    await alice.s3.send(new PutBucketEncryptionCommand({
      Bucket: 'my-encrypted-bucket',
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: lockedKey } }] },
    }));
    const put = await alice.s3.send(new PutObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'locked.txt', Body: 'for alice' }));
    assert.equal(put.SSEKMSKeyId, lockedKey);
    const got = await alice.s3.send(new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'locked.txt' }));
    assert.equal((await bytesOf(got.Body)).toString(), 'for alice');

    // Bob's identity policy allows kms:Decrypt on this key too: without the key policy's delegation it counts for nothing.
    const root = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
    await as(root).iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'locked-key', PolicyDocument: allow('kms:Decrypt', lockedKey) }));
    const bob = as(keys.bob);
    const refused = await s3Error(bob.s3.send(new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'locked.txt' })));
    assert.deepEqual([refused.code, refused.status], ['AccessDenied', 403]);
    assert.equal(refused.message, denied(`arn:aws:iam::${account}:user/bob`, 'kms:Decrypt', lockedKey, 'because no resource-based policy allows the kms:Decrypt action'));

    const ciphertext = (await alice.kms.send(new EncryptCommand({ KeyId: lockedKey, Plaintext: Buffer.from('locked') }))).CiphertextBlob!;
    for (const [who, c] of [[`arn:aws:iam::${account}:user/admin`, keys.admin], [`arn:aws:iam::${account}:root`, root]] as const) {
      const kms = kmsAs(c);
      const e = await failure(kms.send(new DecryptCommand({ CiphertextBlob: ciphertext })));
      assert.deepEqual(e, { name: 'AccessDeniedException', status: 400, message: denied(who, 'kms:Decrypt', lockedKey, 'because no resource-based policy allows the kms:Decrypt action') });
      const enc = await failure(kms.send(new EncryptCommand({ KeyId: lockedKey, Plaintext: Buffer.from('x') })));
      assert.equal(enc.name, 'AccessDeniedException');
    }
    // The administrator reads what the delegating key protects.
    const adminGet = await as(keys.admin).s3.send(new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'secret-data.txt' }));
    assert.equal((await bytesOf(adminGet.Body)).toString(), 'My secret data');
  });

  it("an unauthorized caller's presigned URL is refused; the owner's works", async () => {
    const bob = as(keys.bob);
    const alice = as(keys.alice);
    const get = new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'locked.txt' });
    const bobs = await fetch(await getSignedUrl(bob.s3, get, { expiresIn: 300 }));
    assert.equal(bobs.status, 403);
    assert.match(await bobs.text(), /<Code>AccessDenied<\/Code>/);
    const alices = await fetch(await getSignedUrl(alice.s3, get, { expiresIn: 300 }));
    assert.equal(alices.status, 200);
    assert.equal(await alices.text(), 'for alice');
  });

  it('a bucket policy denying aws:SecureTransport=false refuses plain HTTP and allows HTTPS', async () => {
    await server.waitForOutput(/coffer listening \(TLS\)/);
    const port = new URL(/"url":"(https:[^"]+)","certificate"/.exec(server.output())![1]!).port;
    const ca = await readFile(join(server.dataDir, 'tls', 'self-signed.crt'));
    const tls = new S3Client({
      endpoint: `https://127.0.0.1:${port}`, region: server.region, forcePathStyle: true, credentials: keys.alice, maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca }) }),
    });
    const alice = as(keys.alice);
    try {
      await alice.s3.send(new PutBucketPolicyCommand({
        Bucket: 'my-encrypted-bucket',
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{
          Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*',
          Resource: ['arn:aws:s3:::my-encrypted-bucket', 'arn:aws:s3:::my-encrypted-bucket/*'],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }] }),
      }));
      const why = 'with an explicit deny in a resource-based policy';
      const aliceArn = `arn:aws:iam::${account}:user/alice`;
      s3Denied(await s3Error(alice.s3.send(new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'secret-data.txt' }))),
        aliceArn, 's3:GetObject', 'arn:aws:s3:::my-encrypted-bucket/secret-data.txt', why);
      s3Denied(await s3Error(alice.s3.send(new PutObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'plain-http.txt', Body: 'x' }))),
        aliceArn, 's3:PutObject', 'arn:aws:s3:::my-encrypted-bucket/plain-http.txt', why);
      await tls.send(new PutObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'over-tls.txt', Body: 'sealed in transit' }));
      const got = await tls.send(new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'over-tls.txt' }));
      assert.deepEqual([got.SSEKMSKeyId, (await bytesOf(got.Body)).toString()], [lockedKey, 'sealed in transit']);
    } finally {
      await tls.send(new DeleteBucketPolicyCommand({ Bucket: 'my-encrypted-bucket' }));
      tls.destroy();
    }
    const got = await alice.s3.send(new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'over-tls.txt' }));
    assert.equal((await bytesOf(got.Body)).toString(), 'sealed in transit');
  });

  it("a grant constrained to one object's S3 encryption context lets bob read that object through S3, and no other", async () => {
    const alice = kmsAs(keys.alice);
    const grant = await alice.send(new CreateGrantCommand({
      KeyId: lockedKey, GranteePrincipal: `arn:aws:iam::${account}:user/bob`, Operations: ['Decrypt'],
      Constraints: { EncryptionContextSubset: { 'aws:s3:arn': 'arn:aws:s3:::my-encrypted-bucket/locked.txt' } },
    }));
    assert.match(grant.GrantId!, /^[0-9a-f]{64}$/);
    const bob = as(keys.bob);
    const got = await bob.s3.send(new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'locked.txt' }));
    assert.equal((await bytesOf(got.Body)).toString(), 'for alice');
    const other = await s3Error(bob.s3.send(new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'over-tls.txt' })));
    assert.deepEqual([other.code, other.status, other.message],
      ['AccessDenied', 403, denied(`arn:aws:iam::${account}:user/bob`, 'kms:Decrypt', lockedKey, 'because no resource-based policy allows the kms:Decrypt action')]);
  });

  it('a grant lets a role bob assumes decrypt only with the matching encryption context; the session expires on service time', async () => {
    const root = clientsFor(server);
    clients.push(root);
    const role = (await root.iam.send(new CreateRoleCommand({
      RoleName: 'apollo-decryptor',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{
        Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/bob` }, Action: 'sts:AssumeRole',
      }] }),
    }))).Role!;
    await root.iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'assume', PolicyDocument: allow('sts:AssumeRole', role.Arn!) }));
    // The role may also read the seed's object (the seed key's policy delegates to IAM).
    await root.iam.send(new PutRolePolicyCommand({ RoleName: 'apollo-decryptor', PolicyName: 'read-seed', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::my-encrypted-bucket/secret-data.txt' },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: seedKey },
    ] }) }));
    const alice = kmsAs(keys.alice);
    await alice.send(new CreateGrantCommand({
      KeyId: lockedKey, GranteePrincipal: role.Arn!, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { project: 'apollo' } },
    }));
    const apollo = (await alice.send(new EncryptCommand({ KeyId: lockedKey, Plaintext: Buffer.from('apollo data'), EncryptionContext: { project: 'apollo', stage: 'prod' } }))).CiphertextBlob!;
    const zeus = (await alice.send(new EncryptCommand({ KeyId: lockedKey, Plaintext: Buffer.from('zeus data'), EncryptionContext: { project: 'zeus' } }))).CiphertextBlob!;

    // Bob himself is not the grantee.
    const bobSelf = await failure(kmsAs(keys.bob).send(new DecryptCommand({ CiphertextBlob: apollo, EncryptionContext: { project: 'apollo', stage: 'prod' } })));
    assert.equal(bobSelf.name, 'AccessDeniedException');

    const sts = new STSClient({ endpoint: server.url, region: server.region, credentials: keys.bob, maxAttempts: 1 });
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: 'bob-apollo', DurationSeconds: 900 }))).Credentials!;
    sts.destroy();
    const session: Creds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    const sessionArn = `arn:aws:sts::${account}:assumed-role/apollo-decryptor/bob-apollo`;
    const kms = kmsAs(session);
    const plain = await kms.send(new DecryptCommand({ CiphertextBlob: apollo, EncryptionContext: { project: 'apollo', stage: 'prod' } }));
    assert.equal(Buffer.from(plain.Plaintext!).toString(), 'apollo data');
    assert.equal(plain.KeyId, lockedKey);
    const wrong = await failure(kms.send(new DecryptCommand({ CiphertextBlob: zeus, EncryptionContext: { project: 'zeus' } })));
    assert.deepEqual(wrong, { name: 'AccessDeniedException', status: 400, message: denied(sessionArn, 'kms:Decrypt', lockedKey, 'because no resource-based policy allows the kms:Decrypt action') });
    const none = await failure(kms.send(new DecryptCommand({ CiphertextBlob: apollo })));
    assert.equal(none.name, 'AccessDeniedException');
    // The grant allows Decrypt, nothing else.
    assert.equal((await failure(kms.send(new EncryptCommand({ KeyId: lockedKey, Plaintext: Buffer.from('x'), EncryptionContext: { project: 'apollo' } })))).name, 'AccessDeniedException');

    // The same session from boto3, then expiry: 900 seconds of service time later the token is refused.
    const whoami = `import boto3\nprint(boto3.client('sts').get_caller_identity()['Arn'])`;
    assert.equal((await python(whoami, session)).trim(), sessionArn);
    // A URL the session presigns for an hour works while the session lasts, and no longer.
    const presigner = new S3Client({ endpoint: server.url, region: server.region, credentials: session, forcePathStyle: true });
    const url = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'secret-data.txt' }), { expiresIn: 3600 });
    presigner.destroy();
    const early = await fetch(url);
    assert.deepEqual([early.status, await early.text()], [200, 'My secret data']);
    await server.advanceClock(901);
    const late = await fetch(url);
    const lateBody = await late.text();
    assert.equal(late.status, 400);
    assert.match(lateBody, /<Code>ExpiredToken<\/Code><Message>The provided token has expired\.<\/Message>/);
    const expired = await failure(kms.send(new DecryptCommand({ CiphertextBlob: apollo, EncryptionContext: { project: 'apollo', stage: 'prod' } })));
    assert.deepEqual(expired, { name: 'ExpiredTokenException', status: 400, message: 'The security token included in the request is expired' });
    const stsExpired = new STSClient({ endpoint: server.url, region: server.region, credentials: session, maxAttempts: 1 });
    const e = await failure(stsExpired.send(new GetCallerIdentityCommand({})));
    stsExpired.destroy();
    assert.deepEqual(e, { name: 'ExpiredToken', status: 403, message: 'The security token included in the request is expired' });
    const s3 = new S3Client({ endpoint: server.url, region: server.region, credentials: session, forcePathStyle: true, maxAttempts: 1 });
    const s3e = await s3Error(s3.send(new GetObjectCommand({ Bucket: 'my-encrypted-bucket', Key: 'secret-data.txt' })));
    s3.destroy();
    assert.deepEqual([s3e.code, s3e.status, s3e.message], ['ExpiredToken', 400, 'The provided token has expired.']);
  });

  it('never logs a secret access key', () => {
    for (const k of Object.values(keys)) assert.ok(!server.output().includes(k.secretAccessKey));
  });
});
