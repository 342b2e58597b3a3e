/**
 * S3 ACLs, Object Ownership and Block Public Access as they decide access, through real clients:
 * new buckets come with ACLs disabled and all four Block Public Access settings on (AWS's default
 * since April 2023); canned ACLs and explicit grants allow what AWS says they allow, anonymous
 * callers included when AllUsers is granted; BlockPublicAcls / IgnorePublicAcls /
 * BlockPublicPolicy / RestrictPublicBuckets each act; version-specific actions and the source of a
 * copy are authorized as AWS authorizes them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, CreateMultipartUploadCommand, DeletePublicAccessBlockCommand, GetBucketOwnershipControlsCommand,
  GetObjectCommand, GetPublicAccessBlockCommand, HeadObjectCommand, ListBucketsCommand, PutBucketAclCommand, PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand, PutBucketVersioningCommand, PutObjectAclCommand, PutObjectCommand, PutPublicAccessBlockCommand, S3Client,
  S3ServiceException, UploadPartCopyCommand, type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { newAccessKeyId, newSecretAccessKey } from '../src/server/bootstrap.js';
import { run, startServer, type TestServer } from './harness.js';

const A = '111111111111';
const B = '222222222222';

interface Key { accessKeyId: string; secretAccessKey: string }
const newKey = (): Key => ({ accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey() });
const inline = (...Statement: object[]) => ({ policy: { Version: '2012-10-17', Statement } });

/** Resolves to the S3 error a request fails with (the test fails if it succeeds). */
async function failure(request: Promise<unknown>, what = 'the request'): Promise<S3ServiceException> {
  try {
    await request;
  } catch (err) {
    if (err instanceof S3ServiceException) return err;
    throw err;
  }
  throw new Error(`${what} succeeded but should have failed`);
}

const OFF: PublicAccessBlockConfiguration = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };

describe('S3 ACLs, Object Ownership and Block Public Access', () => {
  let dir: string;
  let server: TestServer;
  const keys = { reader: newKey(), copier: newKey(), bRoot: newKey(), carol: newKey(), dave: newKey() };
  const client = (k: Key) => new S3Client({ endpoint: server.url, region: 'us-east-1', forcePathStyle: true, credentials: k, maxAttempts: 1 });
  let s3: S3Client;
  const anonymous = (method: string, path: string, body?: string) => fetch(`${server.url}${path}`, { method, body });

  /** A bucket that uses ACLs (as an AWS user must ask for since 2023), with Block Public Access lifted as far as `block` says. */
  async function aclBucket(Bucket: string, block: PublicAccessBlockConfiguration = OFF): Promise<void> {
    await s3.send(new CreateBucketCommand({ Bucket, ObjectOwnership: 'ObjectWriter' }));
    await s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: block }));
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-acl-'));
    const file = join(dir, 'bootstrap.json');
    await writeFile(file, JSON.stringify({
      accounts: [
        {
          id: A,
          users: [
            { name: 'reader', accessKeys: [keys.reader], inlinePolicies: inline({ Effect: 'Allow', Action: ['s3:GetObject', 's3:DeleteObject'], Resource: 'arn:aws:s3:::acl-versions/*' }) },
            {
              name: 'copier', accessKeys: [keys.copier], inlinePolicies: inline(
                { Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: 'arn:aws:s3:::acl-dest/*' },
                { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acl-src/shared-*' },
              ),
            },
          ],
        },
        {
          id: B,
          rootAccessKeys: [keys.bRoot],
          users: [
            { name: 'carol', accessKeys: [keys.carol] },
            { name: 'dave', accessKeys: [keys.dave], inlinePolicies: inline({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) },
          ],
        },
      ],
    }));
    server = await startServer({ dataDir: dir, env: { COFFER_ACCOUNT_ID: A, COFFER_BOOTSTRAP_FILE: file } });
    s3 = client({ accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('new buckets: ACLs disabled and all four Block Public Access settings on; the seeds\' private ACL still works', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'acl-new' }));
    assert.deepEqual((await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'acl-new' }))).PublicAccessBlockConfiguration,
      { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    assert.equal((await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'acl-new' }))).OwnershipControls?.Rules?.[0]?.ObjectOwnership, 'BucketOwnerEnforced');
    // Seed 001: create_bucket(ACL='private') and put_object, through boto3.
    const seed = `
import boto3
s3 = boto3.client('s3', endpoint_url='${server.url}', region_name='us-east-1')
s3.create_bucket(Bucket='acl-seed-001', ACL='private')
s3.put_object(Bucket='acl-seed-001', Key='data.txt', Body=b'Hello, world!')
print(s3.get_public_access_block(Bucket='acl-seed-001')['PublicAccessBlockConfiguration']['BlockPublicPolicy'])
try:
    s3.create_bucket(Bucket='acl-seed-public', ACL='public-read')
except Exception as e:
    print(e.response['Error']['Code'])
`;
    const r = await run('python3', ['-c', seed], server.clientEnv());
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['True', 'InvalidBucketAclWithObjectOwnership']);
    // ACLs enabled but Block Public Access on: a public ACL at creation is refused (aws-cli).
    const cli = await run('aws', ['s3api', 'create-bucket', '--bucket', 'acl-public-at-birth', '--acl', 'public-read', '--object-ownership', 'ObjectWriter',
      '--endpoint-url', server.url], server.clientEnv());
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /\(InvalidBucketAclWithBlockPublicAccessError\) when calling the CreateBucket operation: Bucket cannot have public ACLs set with BlockPublicAccess enabled/);
  });

  it('BlockPublicPolicy refuses a public bucket policy; RestrictPublicBuckets keeps outsiders out of one', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'acl-policy' }));
    await s3.send(new PutObjectCommand({ Bucket: 'acl-policy', Key: 'index.html', Body: 'hello' }));
    const publicRead = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acl-policy/*' }] });
    const refused = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: 'acl-policy', Policy: publicRead })));
    assert.deepEqual([refused.name, refused.message, refused.$metadata.httpStatusCode], ['AccessDenied', 'Access Denied', 403]);
    // A policy naming one account is not public: accepted under the same settings.
    await s3.send(new PutBucketPolicyCommand({
      Bucket: 'acl-policy',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: B }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::acl-policy/*' }] }),
    }));
    assert.equal(await (await client(keys.bRoot).send(new GetObjectCommand({ Bucket: 'acl-policy', Key: 'index.html' }))).Body!.transformToString(), 'hello');
    assert.equal((await anonymous('GET', '/acl-policy/index.html')).status, 403);

    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'acl-policy' }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'acl-policy', Policy: publicRead }));
    const open = await anonymous('GET', '/acl-policy/index.html');
    assert.deepEqual([open.status, await open.text()], [200, 'hello']);
    // aws-cli's unsigned requests read it too.
    const cp = await run('aws', ['s3', 'cp', 's3://acl-policy/index.html', '-', '--no-sign-request', '--endpoint-url', server.url], server.clientEnv());
    assert.deepEqual([cp.code, cp.stdout], [0, 'hello'], cp.stderr);

    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'acl-policy', PublicAccessBlockConfiguration: { ...OFF, RestrictPublicBuckets: true } }));
    assert.equal((await anonymous('GET', '/acl-policy/index.html')).status, 403);
    // Another account's user, even one whose own policy allows it, gets nothing through a public policy.
    assert.equal((await failure(client(keys.dave).send(new GetObjectCommand({ Bucket: 'acl-policy', Key: 'index.html' })))).name, 'AccessDenied');
    // The owner's account is unaffected.
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'acl-policy', Key: 'index.html' }))).Body!.transformToString(), 'hello');
  });

  it('canned object ACLs: public-read opens an object to anonymous callers; IgnorePublicAcls and BlockPublicAcls act', async () => {
    await aclBucket('acl-objects');
    await s3.send(new PutObjectCommand({ Bucket: 'acl-objects', Key: 'public.txt', Body: 'for everyone', ACL: 'public-read' }));
    await s3.send(new PutObjectCommand({ Bucket: 'acl-objects', Key: 'private.txt', Body: 'owner only' }));
    const got = await anonymous('GET', '/acl-objects/public.txt');
    assert.deepEqual([got.status, await got.text()], [200, 'for everyone']);
    assert.equal((await anonymous('HEAD', '/acl-objects/public.txt')).status, 200);
    assert.equal((await anonymous('GET', '/acl-objects/private.txt')).status, 403);
    // READ on an object is not READ_ACP, and no grant lets the public list the bucket.
    assert.equal((await anonymous('GET', '/acl-objects/public.txt?acl')).status, 403);
    assert.equal((await anonymous('GET', '/acl-objects')).status, 403);
    // boto3 without credentials (botocore UNSIGNED) reads the public object.
    const py = await run('python3', ['-c', `
import boto3
from botocore import UNSIGNED
from botocore.config import Config
s3 = boto3.client('s3', endpoint_url='${server.url}', region_name='us-east-1', config=Config(signature_version=UNSIGNED))
print(s3.get_object(Bucket='acl-objects', Key='public.txt')['Body'].read().decode())
try:
    s3.get_object(Bucket='acl-objects', Key='private.txt')
except Exception as e:
    print(e.response['Error']['Code'])
`], { ...server.clientEnv(), AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
    assert.equal(py.code, 0, py.stderr);
    assert.deepEqual(py.stdout.trim().split('\n'), ['for everyone', 'AccessDenied']);

    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'acl-objects', PublicAccessBlockConfiguration: { ...OFF, IgnorePublicAcls: true } }));
    assert.equal((await anonymous('GET', '/acl-objects/public.txt')).status, 403);

    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'acl-objects', PublicAccessBlockConfiguration: { ...OFF, BlockPublicAcls: true } }));
    // Existing public grants still count (only IgnorePublicAcls ignores them) ...
    assert.equal((await anonymous('GET', '/acl-objects/public.txt')).status, 200);
    // ... but no new public ACL may be put, by any of the ways to put one.
    for (const [what, request] of [
      ['PutObjectAcl', () => s3.send(new PutObjectAclCommand({ Bucket: 'acl-objects', Key: 'private.txt', ACL: 'public-read' }))],
      ['PutObject', () => s3.send(new PutObjectCommand({ Bucket: 'acl-objects', Key: 'new.txt', Body: 'x', GrantRead: 'uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"' }))],
      ['PutBucketAcl', () => s3.send(new PutBucketAclCommand({ Bucket: 'acl-objects', ACL: 'public-read' }))],
      ['CreateMultipartUpload', () => s3.send(new CreateMultipartUploadCommand({ Bucket: 'acl-objects', Key: 'mp.bin', ACL: 'public-read-write' }))],
    ] as const) {
      const err = await failure(request(), what);
      assert.deepEqual([err.name, err.message, err.$metadata.httpStatusCode], ['AccessDenied', 'Access Denied', 403], what);
    }
    assert.equal((await anonymous('GET', '/acl-objects/private.txt')).status, 403);
    // A private ACL is still fine.
    await s3.send(new PutObjectAclCommand({ Bucket: 'acl-objects', Key: 'public.txt', ACL: 'private' }));
    assert.equal((await anonymous('GET', '/acl-objects/public.txt')).status, 403);
  });

  it('bucket ACLs: public-read lists, public-read-write lets anyone write and delete objects', async () => {
    await aclBucket('acl-dropbox');
    await s3.send(new PutObjectCommand({ Bucket: 'acl-dropbox', Key: 'existing.txt', Body: 'x' }));
    assert.equal((await anonymous('GET', '/acl-dropbox?list-type=2')).status, 403);
    assert.equal((await anonymous('PUT', '/acl-dropbox/drop.txt', 'dropped')).status, 403);
    await s3.send(new PutBucketAclCommand({ Bucket: 'acl-dropbox', ACL: 'public-read' }));
    const listed = await anonymous('GET', '/acl-dropbox?list-type=2');
    assert.equal(listed.status, 200);
    assert.match(await listed.text(), /<Key>existing.txt<\/Key>/);
    // READ on the bucket lists it; it does not read the objects (their ACLs are their own).
    assert.equal((await anonymous('GET', '/acl-dropbox/existing.txt')).status, 403);
    assert.equal((await anonymous('PUT', '/acl-dropbox/drop.txt', 'dropped')).status, 403);

    await s3.send(new PutBucketAclCommand({ Bucket: 'acl-dropbox', ACL: 'public-read-write' }));
    assert.equal((await anonymous('PUT', '/acl-dropbox/drop.txt', 'dropped')).status, 200);
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'acl-dropbox', Key: 'drop.txt' }))).Body!.transformToString(), 'dropped');
    assert.equal((await anonymous('DELETE', '/acl-dropbox/existing.txt')).status, 204);
    assert.equal((await failure(s3.send(new HeadObjectCommand({ Bucket: 'acl-dropbox', Key: 'existing.txt' })))).name, 'NotFound');
    // WRITE is not WRITE_ACP.
    assert.equal((await anonymous('PUT', '/acl-dropbox?acl', '')).status, 403);
  });

  it('grants to AuthenticatedUsers and to another account; ACLs stop counting under BucketOwnerEnforced', async () => {
    await aclBucket('acl-shared');
    const bCanonical = (await client(keys.bRoot).send(new ListBucketsCommand({}))).Owner!.ID!;
    await s3.send(new PutObjectCommand({ Bucket: 'acl-shared', Key: 'members.txt', Body: 'signed callers', ACL: 'authenticated-read' }));
    await s3.send(new PutObjectCommand({ Bucket: 'acl-shared', Key: 'for-b.txt', Body: 'for account B', GrantRead: `id="${bCanonical}"` }));
    const read = async (k: Key, Key: string) => (await client(k).send(new GetObjectCommand({ Bucket: 'acl-shared', Key }))).Body!.transformToString();

    assert.equal((await anonymous('GET', '/acl-shared/members.txt')).status, 403);
    assert.equal(await read(keys.bRoot, 'members.txt'), 'signed callers');
    // Another account's IAM user needs its own account's permission too (dave has it, carol not).
    assert.equal(await read(keys.dave, 'members.txt'), 'signed callers');
    assert.equal((await failure(read(keys.carol, 'members.txt'))).name, 'AccessDenied');

    assert.equal(await read(keys.bRoot, 'for-b.txt'), 'for account B');
    assert.equal(await read(keys.dave, 'for-b.txt'), 'for account B');
    assert.equal((await failure(read(keys.carol, 'for-b.txt'))).name, 'AccessDenied');
    assert.equal((await anonymous('GET', '/acl-shared/for-b.txt')).status, 403);
    // The grant is READ only: B may not read the ACL itself.
    const aclRead = await run('aws', ['s3api', 'get-object-acl', '--bucket', 'acl-shared', '--key', 'for-b.txt', '--endpoint-url', server.url],
      server.clientEnv({ AWS_ACCESS_KEY_ID: keys.bRoot.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.bRoot.secretAccessKey }));
    assert.match(aclRead.stderr, /\(AccessDenied\) when calling the GetObjectAcl operation: Access Denied/);

    // Disabling ACLs: the grants are no longer consulted, and no new ACL may grant anything.
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: 'acl-shared', OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
    assert.equal((await failure(read(keys.bRoot, 'for-b.txt'))).name, 'AccessDenied');
    assert.equal((await failure(read(keys.dave, 'members.txt'))).name, 'AccessDenied');
    const disabled = await failure(s3.send(new PutObjectAclCommand({ Bucket: 'acl-shared', Key: 'for-b.txt', ACL: 'public-read' })));
    assert.deepEqual([disabled.name, disabled.message, disabled.$metadata.httpStatusCode], ['AccessControlListNotSupported', 'The bucket does not allow ACLs', 400]);
  });

  it('with ACLs enabled, an object another account writes is its own: the bucket owner reads it only if the object ACL says so', async () => {
    await aclBucket('acl-writers');
    const aCanonical = (await s3.send(new ListBucketsCommand({}))).Owner!.ID!;
    const bCanonical = (await client(keys.bRoot).send(new ListBucketsCommand({}))).Owner!.ID!;
    await s3.send(new PutBucketAclCommand({ Bucket: 'acl-writers', GrantFullControl: `id="${aCanonical}"`, GrantWrite: `id="${bCanonical}"` }));
    const b = client(keys.bRoot);
    await b.send(new PutObjectCommand({ Bucket: 'acl-writers', Key: 'from-b.txt', Body: 'B keeps this' }));
    await b.send(new PutObjectCommand({ Bucket: 'acl-writers', Key: 'from-b-shared.txt', Body: 'B shares this', ACL: 'bucket-owner-read' }));
    const readAs = async (c: S3Client, Key: string) => (await c.send(new GetObjectCommand({ Bucket: 'acl-writers', Key }))).Body!.transformToString();

    assert.equal(await readAs(b, 'from-b.txt'), 'B keeps this');
    assert.equal((await failure(readAs(s3, 'from-b.txt'))).name, 'AccessDenied');
    assert.equal(await readAs(s3, 'from-b-shared.txt'), 'B shares this');
    // The bucket owner cannot grant what it does not own, but its policy can still deny.
    await s3.send(new PutBucketPolicyCommand({
      Bucket: 'acl-writers',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: B }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::acl-writers/from-b.txt' }] }),
    }));
    assert.equal((await failure(readAs(b, 'from-b.txt'))).name, 'AccessDenied');
    assert.equal(await readAs(b, 'from-b-shared.txt'), 'B shares this');
  });

  it('a version id needs the *Version* action: s3:GetObject / s3:DeleteObject alone do not read or delete an older version', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'acl-versions' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'acl-versions', VersioningConfiguration: { Status: 'Enabled' } }));
    const first = await s3.send(new PutObjectCommand({ Bucket: 'acl-versions', Key: 'doc', Body: 'v1' }));
    await s3.send(new PutObjectCommand({ Bucket: 'acl-versions', Key: 'doc', Body: 'v2' }));
    const reader = client(keys.reader);
    assert.equal(await (await reader.send(new GetObjectCommand({ Bucket: 'acl-versions', Key: 'doc' }))).Body!.transformToString(), 'v2');
    assert.equal((await failure(reader.send(new GetObjectCommand({ Bucket: 'acl-versions', Key: 'doc', VersionId: first.VersionId })))).name, 'AccessDenied');
    assert.equal((await failure(reader.send(new HeadObjectCommand({ Bucket: 'acl-versions', Key: 'doc', VersionId: first.VersionId })))).$metadata.httpStatusCode, 403);
    // s3:DeleteObject removes the current version (a delete marker), not a named one.
    assert.equal((await failure(reader.send(new DeleteObjectCommand({ Bucket: 'acl-versions', Key: 'doc', VersionId: first.VersionId })))).name, 'AccessDenied');
    assert.equal((await reader.send(new DeleteObjectCommand({ Bucket: 'acl-versions', Key: 'doc' }))).DeleteMarker, true);
    // DeleteObjects decides key by key: the named version is refused in the result, the other key deleted.
    await s3.send(new PutObjectCommand({ Bucket: 'acl-versions', Key: 'draft', Body: 'd' }));
    const batch = await reader.send(new DeleteObjectsCommand({ Bucket: 'acl-versions', Delete: { Objects: [{ Key: 'doc', VersionId: first.VersionId }, { Key: 'draft' }] } }));
    assert.deepEqual(batch.Errors, [{ Key: 'doc', VersionId: first.VersionId, Code: 'AccessDenied', Message: 'Access Denied' }]);
    assert.deepEqual(batch.Deleted?.map((d) => [d.Key, d.DeleteMarker]), [['draft', true]]);
    // aws-cli reports the refused key the same way (its exit status stays 0: the request itself succeeded).
    const cli = await run('aws', ['s3api', 'delete-objects', '--bucket', 'acl-versions', '--delete', `Objects=[{Key=doc,VersionId=${first.VersionId}}]`, '--endpoint-url', server.url],
      server.clientEnv({ AWS_ACCESS_KEY_ID: keys.reader.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.reader.secretAccessKey }));
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout).Errors, [{ Key: 'doc', VersionId: first.VersionId, Code: 'AccessDenied', Message: 'Access Denied' }]);
    // The owner's account root reads any version.
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'acl-versions', Key: 'doc', VersionId: first.VersionId }))).Body!.transformToString(), 'v1');
  });

  it('CopyObject and UploadPartCopy need s3:GetObject on the source, not only s3:PutObject on the destination', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'acl-src' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'acl-dest' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'acl-src', VersioningConfiguration: { Status: 'Enabled' } }));
    const shared = await s3.send(new PutObjectCommand({ Bucket: 'acl-src', Key: 'shared-report', Body: 'shareable' }));
    await s3.send(new PutObjectCommand({ Bucket: 'acl-src', Key: 'secret', Body: 'not for copier' }));
    const copier = client(keys.copier);

    const denied = await failure(copier.send(new CopyObjectCommand({ Bucket: 'acl-dest', Key: 'stolen', CopySource: 'acl-src/secret' })));
    assert.deepEqual([denied.name, denied.$metadata.httpStatusCode], ['AccessDenied', 403]);
    await copier.send(new CopyObjectCommand({ Bucket: 'acl-dest', Key: 'copy', CopySource: 'acl-src/shared-report' }));
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'acl-dest', Key: 'copy' }))).Body!.transformToString(), 'shareable');
    // Naming the source version needs s3:GetObjectVersion, which copier lacks.
    const versioned = await failure(copier.send(new CopyObjectCommand({ Bucket: 'acl-dest', Key: 'copy2', CopySource: `acl-src/shared-report?versionId=${shared.VersionId}` })));
    assert.equal(versioned.name, 'AccessDenied');

    const upload = await copier.send(new CreateMultipartUploadCommand({ Bucket: 'acl-dest', Key: 'parts' }));
    const partDenied = await failure(copier.send(new UploadPartCopyCommand({ Bucket: 'acl-dest', Key: 'parts', UploadId: upload.UploadId, PartNumber: 1, CopySource: 'acl-src/secret' })));
    assert.equal(partDenied.name, 'AccessDenied');
    const part = await copier.send(new UploadPartCopyCommand({ Bucket: 'acl-dest', Key: 'parts', UploadId: upload.UploadId, PartNumber: 1, CopySource: 'acl-src/shared-report' }));
    assert.ok(part.CopyPartResult?.ETag);
  });
});
