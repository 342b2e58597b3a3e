/**
 * Cross-account sharing on one Coffer, as AWS does it: account A (the server's root account) owns
 * a bucket and a KMS key; carol, an IAM user of account B (made by the bootstrap file), reads A's
 * object only when both sides allow — A's bucket policy and B's identity policy for the object,
 * and for an SSE-KMS object also A's key policy naming B and B's identity policy allowing
 * kms:Decrypt on the key's ARN. Then the other way AWS offers: carol assumes A's role through its
 * trust policy (with the external id it requires) and reads as a principal of A.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateRoleCommand, DeleteUserPolicyCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateGrantCommand, CreateKeyCommand, DecryptCommand, EncryptCommand, GetKeyPolicyCommand, KMSClient, ListGrantsCommand, PutKeyPolicyCommand, RetireGrantCommand,
} from '@aws-sdk/client-kms';
import { CreateBucketCommand, DeleteBucketPolicyCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { newAccessKeyId, newSecretAccessKey } from '../src/server/bootstrap.js';
import { run, startServer, type TestServer } from './harness.js';
import { bytesOf, clientsFor, destroyAll, s3Error, type Clients } from './sse-fixtures.js';

const A = '111111111111';
const B = '222222222222';
const CAROL = `arn:aws:iam::${B}:user/carol`;
const BUCKET = 'a-shared-data';

interface Creds { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
const newKey = (): Creds => ({ accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey() });

const document = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

/** As the caller, with boto3: read an object; the outcome reported as AWS answered it. */
const READ = `
import boto3, json, sys
from botocore.exceptions import ClientError
try:
    print(json.dumps({'ok': boto3.client('s3').get_object(Bucket=sys.argv[1], Key=sys.argv[2])['Body'].read().decode()}))
except ClientError as e:
    print(json.dumps({'error': e.response['Error']['Code'], 'message': e.response['Error']['Message'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}))
`;

describe("cross-account: account B's user reads account A's data only when both accounts allow it", () => {
  let dir: string;
  let server: TestServer;
  const bRoot = newKey();
  const carol = newKey();
  let a: Clients;
  let b: Clients;
  let c: Clients;
  let keyArn: string;
  let defaultKeyPolicy: string;

  const read = async (creds: Creds, key: string) => {
    const r = await run('python3', ['-c', READ, BUCKET, key], server.clientEnv({
      AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, ...(creds.sessionToken ? { AWS_SESSION_TOKEN: creds.sessionToken } : {}),
    }));
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const carolGets = async (key: string) => {
    try {
      const got = await c.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      return (await bytesOf(got.Body)).toString();
    } catch (err) {
      const e = err as { name: string; message: string; $metadata: { httpStatusCode?: number } };
      return { code: e.name, status: e.$metadata.httpStatusCode, message: e.message };
    }
  };
  const carolPolicy = (name: string, Action: string | string[], Resource: string) =>
    b.iam.send(new PutUserPolicyCommand({ UserName: 'carol', PolicyName: name, PolicyDocument: document({ Effect: 'Allow', Action, Resource }) }));
  const denied = (action: string, resource: string, why: string) => `User: ${CAROL} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
  const ACCESS_DENIED = { code: 'AccessDenied', status: 403, message: 'Access Denied' };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-cross-account-'));
    const file = join(dir, 'bootstrap.json');
    await writeFile(file, JSON.stringify({ accounts: [{ id: A }, { id: B, name: 'partner', rootAccessKeys: [bRoot], users: [{ name: 'carol', accessKeys: [carol] }] }] }));
    server = await startServer({ env: { COFFER_ACCOUNT_ID: A, COFFER_BOOTSTRAP_FILE: file } });
    a = clientsFor(server);
    b = clientsFor(server, { credentials: bRoot });
    c = clientsFor(server, { credentials: carol });
    const key = (await a.kms.send(new CreateKeyCommand({ Description: 'A data key' }))).KeyMetadata!;
    keyArn = key.Arn!;
    assert.equal(key.AWSAccountId, A);
    defaultKeyPolicy = (await a.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy!;
    await a.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await a.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'report.txt', Body: 'quarterly report' }));
    await a.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'secret.txt', Body: 'kms protected', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn }));
  });
  after(async () => {
    for (const x of [a, b, c]) destroyAll(x);
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('bucket names are global: B cannot take the name A holds', async () => {
    const e = await s3Error(b.s3.send(new CreateBucketCommand({ Bucket: BUCKET })));
    assert.deepEqual([e.code, e.status, e.message], ['BucketAlreadyExists', 409,
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.']);
  });

  it("A's bucket policy and B's identity policy must both allow the object", async () => {
    assert.deepEqual(await carolGets('report.txt'), ACCESS_DENIED);
    // A's side alone.
    await a.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: document({
      Sid: 'ShareWithCarol', Effect: 'Allow', Principal: { AWS: CAROL }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`,
    }) }));
    assert.deepEqual(await carolGets('report.txt'), ACCESS_DENIED);
    // Both sides.
    await carolPolicy('read-a', 's3:GetObject', `arn:aws:s3:::${BUCKET}/*`);
    assert.equal(await carolGets('report.txt'), 'quarterly report');
    assert.deepEqual(await read(carol, 'report.txt'), { ok: 'quarterly report' });
    // B's side alone.
    await a.s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
    assert.deepEqual(await read(carol, 'report.txt'), { error: 'AccessDenied', message: 'Access Denied', status: 403 });
    // A's policy naming account B trusts B's administrators to decide: carol (allowed by B) reads, B's other principals only as B allows.
    await a.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: document({
      Sid: 'ShareWithB', Effect: 'Allow', Principal: { AWS: B }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`,
    }) }));
    assert.equal(await carolGets('report.txt'), 'quarterly report');
    // The shared permission is reading: carol may not write into A's bucket.
    const put = await s3Error(c.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'from-b.txt', Body: 'x' })));
    assert.deepEqual([put.code, put.status], ['AccessDenied', 403]);
  });

  it("an SSE-KMS object under A's key also needs A's key policy to name B and B's policy to allow kms:Decrypt on the key", async () => {
    // The object is shared, the key is not: KMS refuses, and S3 passes KMS's sentence on.
    const noKeyPolicy = await carolGets('secret.txt');
    assert.deepEqual(noKeyPolicy, { code: 'AccessDenied', status: 403, message: denied('kms:Decrypt', keyArn, 'because no resource-based policy allows the kms:Decrypt action') });
    // B's identity policy alone counts for nothing on A's key.
    await carolPolicy('decrypt-a', 'kms:Decrypt', keyArn);
    assert.deepEqual(await carolGets('secret.txt'), noKeyPolicy);
    // A's key policy names account B: now both sides allow.
    const shared = JSON.parse(defaultKeyPolicy);
    shared.Statement.push({ Sid: 'AllowAccountB', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' });
    await a.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: JSON.stringify(shared) }));
    assert.equal(await carolGets('secret.txt'), 'kms protected');
    assert.deepEqual(await read(carol, 'secret.txt'), { ok: 'kms protected' });
    // Directly through KMS too, by key ARN; but only the actions the key policy shares.
    const ciphertext = (await a.kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('for B') }))).CiphertextBlob!;
    const plain = await c.kms.send(new DecryptCommand({ CiphertextBlob: ciphertext, KeyId: keyArn }));
    assert.equal(Buffer.from(plain.Plaintext!).toString(), 'for B');
    await carolPolicy('encrypt-a', 'kms:Encrypt', keyArn);
    await assert.rejects(c.kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('x') })), (err: any) => {
      assert.deepEqual([err.name, err.message], ['AccessDeniedException', denied('kms:Encrypt', keyArn, 'because no resource-based policy allows the kms:Encrypt action')]);
      return true;
    });
    // Without B's identity policy, A's key policy alone is not enough either.
    await b.iam.send(new DeleteUserPolicyCommand({ UserName: 'carol', PolicyName: 'decrypt-a' }));
    assert.deepEqual(await carolGets('secret.txt'), { code: 'AccessDenied', status: 403, message: denied('kms:Decrypt', keyArn, 'because no identity-based policy allows the kms:Decrypt action') });
    await assert.rejects(c.kms.send(new DecryptCommand({ CiphertextBlob: ciphertext, KeyId: keyArn })), (err: any) => {
      assert.deepEqual([err.name, err.$metadata.httpStatusCode], ['AccessDeniedException', 400]);
      return true;
    });
    // Nor does A's key policy let B's user decrypt what another of A's keys protects: the key ARN matters.
    const other = (await a.kms.send(new CreateKeyCommand({ Description: 'not shared' }))).KeyMetadata!.Arn!;
    await carolPolicy('decrypt-a', 'kms:Decrypt', keyArn);
    const otherCiphertext = (await a.kms.send(new EncryptCommand({ KeyId: other, Plaintext: Buffer.from('x') }))).CiphertextBlob!;
    await assert.rejects(c.kms.send(new DecryptCommand({ CiphertextBlob: otherCiphertext, KeyId: other })), (err: any) => {
      assert.equal(err.name, 'AccessDeniedException');
      return true;
    });

    // Writing into B's own bucket under A's key (by ARN) needs kms:GenerateDataKey from both sides too.
    await b.s3.send(new CreateBucketCommand({ Bucket: 'b-own-data' }));
    await carolPolicy('write-b', ['s3:PutObject', 's3:GetObject'], 'arn:aws:s3:::b-own-data/*');
    await carolPolicy('generate-a', 'kms:GenerateDataKey', keyArn);
    const putUnderA = () => c.s3.send(new PutObjectCommand({ Bucket: 'b-own-data', Key: 'k.txt', Body: 'under A key', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn }));
    const refused = await s3Error(putUnderA());
    assert.deepEqual([refused.code, refused.status, refused.message],
      ['AccessDenied', 403, denied('kms:GenerateDataKey', keyArn, 'because no resource-based policy allows the kms:GenerateDataKey action')]);
    shared.Statement.at(-1).Action.push('kms:GenerateDataKey');
    await a.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: JSON.stringify(shared) }));
    assert.equal((await putUnderA()).SSEKMSKeyId, keyArn);
    const back = await c.s3.send(new GetObjectCommand({ Bucket: 'b-own-data', Key: 'k.txt' }));
    assert.deepEqual([back.SSEKMSKeyId, (await bytesOf(back.Body)).toString()], [keyArn, 'under A key']);
  });

  it("a grant on A's key to B's user allows her its operation under its constraint, with no policy in either account, until she retires it", async () => {
    const key = (await a.kms.send(new CreateKeyCommand({ Description: 'handed over by grant' }))).KeyMetadata!.Arn!;
    const context = { purpose: 'handoff' };
    const ciphertext = (await a.kms.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from('handed over'), EncryptionContext: context }))).CiphertextBlob!;
    const other = (await a.kms.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from('kept'), EncryptionContext: { purpose: 'internal' } }))).CiphertextBlob!;
    const decrypt = (blob: Uint8Array, EncryptionContext: Record<string, string>) => c.kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: key, EncryptionContext }));
    const refusedWith = (why: string) => (err: any) => {
      assert.deepEqual([err.name, err.message], ['AccessDeniedException', denied('kms:Decrypt', key, why)]);
      return true;
    };
    await assert.rejects(decrypt(ciphertext, context), refusedWith('because no resource-based policy allows the kms:Decrypt action'));
    const grant = await a.kms.send(new CreateGrantCommand({
      KeyId: key, GranteePrincipal: CAROL, RetiringPrincipal: CAROL, Operations: ['Decrypt'], Constraints: { EncryptionContextEquals: context },
    }));
    const plain = await decrypt(ciphertext, context);
    assert.equal(Buffer.from(plain.Plaintext!).toString(), 'handed over');
    // Another context, or the right pair plus one more: EncryptionContextEquals doesn't match.
    await assert.rejects(decrypt(other, { purpose: 'internal' }), refusedWith('because no resource-based policy allows the kms:Decrypt action'));
    const wider = { purpose: 'handoff', batch: '7' };
    const widerBlob = (await a.kms.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from('wider'), EncryptionContext: wider }))).CiphertextBlob!;
    await assert.rejects(decrypt(widerBlob, wider), refusedWith('because no resource-based policy allows the kms:Decrypt action'));
    // B's own policies can still take away what A's grant gives: an explicit Deny in carol's identity policy.
    await b.iam.send(new PutUserPolicyCommand({ UserName: 'carol', PolicyName: 'no-decrypt', PolicyDocument: document({ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }) }));
    await assert.rejects(decrypt(ciphertext, context), refusedWith('with an explicit deny in an identity-based policy'));
    await b.iam.send(new DeleteUserPolicyCommand({ UserName: 'carol', PolicyName: 'no-decrypt' }));
    assert.equal(Buffer.from((await decrypt(ciphertext, context)).Plaintext!).toString(), 'handed over');
    // The retiring principal retires it from her own account, by key ARN and grant id.
    await c.kms.send(new RetireGrantCommand({ KeyId: key, GrantId: grant.GrantId! }));
    await assert.rejects(decrypt(ciphertext, context), refusedWith('because no resource-based policy allows the kms:Decrypt action'));
    assert.deepEqual((await a.kms.send(new ListGrantsCommand({ KeyId: key }))).Grants, []);
  });

  it("carol assumes A's role from B within its trust policy (sts:ExternalId) and reads as A's principal", async () => {
    const role = (await a.iam.send(new CreateRoleCommand({
      RoleName: 'partner-reader',
      AssumeRolePolicyDocument: document({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'b-7731' } } }),
    }))).Role!;
    await a.iam.send(new PutRolePolicyCommand({ RoleName: 'partner-reader', PolicyName: 'read', PolicyDocument: document(
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn },
    ) }));
    // A's side no longer shares the bucket: only the role can read it now.
    await a.s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
    assert.deepEqual(await carolGets('report.txt'), ACCESS_DENIED);

    const sts = new STSClient({ endpoint: server.url, region: server.region, credentials: carol, maxAttempts: 1 });
    try {
      const assume = (ExternalId?: string) => sts.send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: 'carol', DurationSeconds: 1800, ExternalId }));
      const stsDenied = (err: any) => {
        assert.deepEqual([err.name, err.$metadata.httpStatusCode], ['AccessDenied', 403]);
        assert.match(err.message, new RegExp(`^User: ${CAROL} is not authorized to perform: sts:AssumeRole on resource: ${role.Arn}`));
        return true;
      };
      // The trust policy allows account B, but B has not allowed carol to assume roles.
      await assert.rejects(assume('b-7731'), stsDenied);
      await carolPolicy('assume-a', 'sts:AssumeRole', role.Arn!);
      // Without (or with a wrong) external id the trust policy does not admit her.
      await assert.rejects(assume(), stsDenied);
      await assert.rejects(assume('wrong'), stsDenied);
      const creds = (await assume('b-7731')).Credentials!;
      const session: Creds = { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken! };
      const who = await run('python3', ['-c', `import boto3\nprint(boto3.client('sts').get_caller_identity()['Arn'])`], server.clientEnv({
        AWS_ACCESS_KEY_ID: session.accessKeyId, AWS_SECRET_ACCESS_KEY: session.secretAccessKey, AWS_SESSION_TOKEN: session.sessionToken!,
      }));
      assert.equal(who.stdout.trim(), `arn:aws:sts::${A}:assumed-role/partner-reader/carol`);
      // As A's role: A's own bucket and key (default key policy) under the role's policy.
      assert.deepEqual(await read(session, 'report.txt'), { ok: 'quarterly report' });
      assert.deepEqual(await read(session, 'secret.txt'), { ok: 'kms protected' });
      // The role reads; it does not write.
      const sessionClients = clientsFor(server, { credentials: session as Required<Creds> });
      try {
        const put = await s3Error(sessionClients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'by-role.txt', Body: 'x' })));
        assert.deepEqual([put.code, put.status], ['AccessDenied', 403]);
      } finally {
        destroyAll(sessionClients);
      }
      const bRootSts = new STSClient({ endpoint: server.url, region: server.region, credentials: bRoot, maxAttempts: 1 });
      // B's root is of the trusted account, but AWS lets no root user assume a role.
      await assert.rejects(bRootSts.send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: 'b-root', ExternalId: 'b-7731' })), (err: any) => {
        assert.deepEqual([err.name, err.$metadata.httpStatusCode, err.message], ['AccessDenied', 403, 'Roles may not be assumed by root accounts.']);
        return true;
      });
      bRootSts.destroy();
    } finally {
      sts.destroy();
    }
  });

  it("B's root has no power over A's resources", async () => {
    const e = await s3Error(b.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'report.txt' })));
    assert.deepEqual([e.code, e.status], ['AccessDenied', 403]);
    await assert.rejects(b.kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('x') })), (err: any) => {
      assert.equal(err.name, 'AccessDeniedException');
      return true;
    });
    const kmsForB = new KMSClient({ endpoint: server.url, region: server.region, credentials: bRoot, maxAttempts: 1 });
    try {
      await assert.rejects(kmsForB.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: defaultKeyPolicy })), (err: any) => {
        assert.equal(err.name, 'AccessDeniedException');
        return true;
      });
    } finally {
      kmsForB.destroy();
    }
  });
});
