/**
 * Server-side encryption through the clients people use, unchanged: seed 004's `aws s3 cp` lines
 * (SSE-C, SSE-KMS) in the form aws-cli accepts them, with aws-cli v1 and v2; seed 004's boto3
 * upload_fileobj with ExtraArgs and its download snippet, which ends as it ends against AWS (a
 * KeyError: no response carries `ServerSideEncryptionCustomerKey`); boto3 SSE-C round trips and
 * AWS's recorded SSE-C errors; `aws s3api head-object`; s3cmd `--server-side-encryption-kms-id`.
 * The server listens on loopback, where Coffer accepts SSE-C over plain HTTP.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, PutBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { AWS_CLIS, PYTHONS, run, startServer, type TestServer } from './harness.js';
import { clientsFor, destroyAll, newKmsKey, type Clients } from './sse-fixtures.js';

/** Seed 004's SSE-KMS upload and download, verbatim but for the endpoint, bucket, key id and paths. */
const SEED_004_KMS = `
import boto3, json, sys
endpoint, bucket_arg, key_arg, workdir = sys.argv[1:5]

# KMS KEY ID
kms_key_id = key_arg

# 암호화할 파일의 경로
file_name = workdir + "/file.txt"

# S3 버킷 정보
bucket_name = bucket_arg
object_key = "file.txt"

# Boto3 S3 클라이언트 생성
s3_client = boto3.client('s3', endpoint_url=endpoint)

# 암호화 헤더 생성
encryption_header = {
    'ServerSideEncryption': 'aws:kms',
    'SSEKMSKeyId': kms_key_id
}

# 파일 업로드
with open(file_name, 'rb') as file:
    s3_client.upload_fileobj(file, bucket_name, object_key, ExtraArgs=encryption_header)

head = s3_client.head_object(Bucket=bucket_name, Key=object_key)
print(json.dumps({'sse': head['ServerSideEncryption'], 'key': head['SSEKMSKeyId']}), flush=True)

# 로컬에 저장할 파일 경로
output_file_path = workdir + "/file.out.txt"

# 복호화 헤더 생성
decryption_header = {
    'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    'x-amz-server-side-encryption-customer-key': '',
    'x-amz-server-side-encryption-customer-key-MD5': ''
}

# S3 객체 다운로드 및 복호화하여 로컬에 저장
response = s3_client.get_object(Bucket=bucket_name, Key=object_key)
encryption_key = response['ServerSideEncryptionCustomerKey']
encryption_key_md5 = response['ServerSideEncryptionCustomerKeyMD5']

decryption_header['x-amz-server-side-encryption-customer-key'] = encryption_key
decryption_header['x-amz-server-side-encryption-customer-key-MD5'] = encryption_key_md5

with open(output_file_path, 'wb') as file:
    file.write(response['Body'].read())
`;

/** boto3 SSE-C: round trip, wrong key, missing key, and the bare HEAD answers. */
const BOTO3_SSE_C = `
import boto3, json, sys
from botocore.exceptions import ClientError
endpoint, bucket = sys.argv[1:3]
s3 = boto3.client('s3', endpoint_url=endpoint)
key = b'0123456789abcdef0123456789abcdef'
other = b'abcdef0123456789abcdef0123456789'
def err(call):
    try:
        call()
        return None
    except ClientError as e:
        return [e.response['Error']['Code'], e.response['Error'].get('Message'), e.response['ResponseMetadata']['HTTPStatusCode']]
put = s3.put_object(Bucket=bucket, Key='c', Body=b'customer secret', SSECustomerAlgorithm='AES256', SSECustomerKey=key)
got = s3.get_object(Bucket=bucket, Key='c', SSECustomerAlgorithm='AES256', SSECustomerKey=key, Range='bytes=9-14')
head = s3.head_object(Bucket=bucket, Key='c', SSECustomerAlgorithm='AES256', SSECustomerKey=key)
print(json.dumps({
    'put': [put.get('SSECustomerAlgorithm'), put.get('SSECustomerKeyMD5'), put.get('ServerSideEncryption')],
    'range': got['Body'].read().decode(),
    'head': [head['SSECustomerAlgorithm'], head['SSECustomerKeyMD5'], head['ContentLength']],
    'wrong': err(lambda: s3.get_object(Bucket=bucket, Key='c', SSECustomerAlgorithm='AES256', SSECustomerKey=other)),
    'missing': err(lambda: s3.get_object(Bucket=bucket, Key='c')),
    'headMissing': err(lambda: s3.head_object(Bucket=bucket, Key='c')),
    'headWrong': err(lambda: s3.head_object(Bucket=bucket, Key='c', SSECustomerAlgorithm='AES256', SSECustomerKey=other)),
}))
`;

/**
 * The SSE-C requests of LocalStack's AWS-validated test_put_object_validation_sse_c and
 * test_object_retrieval_sse_c, sent the same way (an explicit key-MD5 where the test gives one).
 */
const BOTO3_SSE_C_TABLE = `
import base64, boto3, hashlib, json, sys
from botocore.exceptions import ClientError
endpoint, bucket = sys.argv[1:3]
s3 = boto3.client('s3', endpoint_url=endpoint)
KEY = b"1234567890abcdef1234567890abcdef"
KEY2 = b"abcdef1234567890abcdef1234567890"
def b64md5(k):
    return base64.b64encode(k).decode(), base64.b64encode(hashlib.md5(k).digest()).decode()
key, md5 = b64md5(KEY)
key2, md52 = b64md5(KEY2)
short, short_md5 = b64md5(KEY[:10])
bad_md5 = ('a' if md5[0] != 'a' else 'b') + md5[1:]
def err(call):
    try:
        call()
        return None
    except ClientError as e:
        fields = {k: v for k, v in e.response['Error'].items() if k in ('Code', 'Message', 'ArgumentName', 'ArgumentValue')}
        return [e.response['ResponseMetadata']['HTTPStatusCode'], fields]
put = lambda **kw: s3.put_object(Bucket=bucket, Key='test-sse-c', Body='test_data', **kw)
get = lambda **kw: s3.get_object(Bucket=bucket, Key='test-sse-c', **kw)
out = {
    'both-encryption': err(lambda: put(ServerSideEncryption='AES256', SSECustomerAlgorithm='KMS', SSECustomerKey=key, SSECustomerKeyMD5=md5)),
    'wrong-algo': err(lambda: put(SSECustomerAlgorithm='KMS', SSECustomerKey=key, SSECustomerKeyMD5=md5)),
    'no-algo': err(lambda: put(SSECustomerKey=key, SSECustomerKeyMD5=md5)),
    'no-key': err(lambda: put(SSECustomerAlgorithm='AES256', SSECustomerKeyMD5=md5)),
    'no-md5': err(lambda: put(SSECustomerAlgorithm='AES256', SSECustomerKey=key)),
    'wrong-key-size': err(lambda: put(SSECustomerAlgorithm='AES256', SSECustomerKey=short, SSECustomerKeyMD5=short_md5)),
    'bad-md5': err(lambda: put(SSECustomerAlgorithm='AES256', SSECustomerKey=key, SSECustomerKeyMD5=bad_md5)),
}
s3.put_object(Bucket=bucket, Key='test-sse-c', Body='test_data', SSECustomerAlgorithm='AES256', SSECustomerKey=key, SSECustomerKeyMD5=md5)
out['get-no-sse-c'] = err(lambda: get())
out['get-wrong-key'] = err(lambda: get(SSECustomerAlgorithm='AES256', SSECustomerKey=key2, SSECustomerKeyMD5=md52))
out['get-wrong-algo'] = err(lambda: get(SSECustomerAlgorithm='KMS', SSECustomerKey=key, SSECustomerKeyMD5=md5))
out['head-wrong-algo'] = err(lambda: s3.head_object(Bucket=bucket, Key='test-sse-c', SSECustomerAlgorithm='KMS', SSECustomerKey=key, SSECustomerKeyMD5=md5))
out['get-no-md5'] = err(lambda: get(SSECustomerAlgorithm='AES256', SSECustomerKey=key))
out['head-no-md5'] = err(lambda: s3.head_object(Bucket=bucket, Key='test-sse-c', SSECustomerAlgorithm='AES256', SSECustomerKey=key))
out['get-ok'] = get(SSECustomerAlgorithm='AES256', SSECustomerKey=key, SSECustomerKeyMD5=md5)['Body'].read().decode()
print(json.dumps(out))
`;

const SSE = 'x-amz-server-side-encryption';
const invalid = (Message: string, extra: Record<string, string> = {}) => [400, { Code: 'InvalidArgument', Message, ArgumentName: SSE, ...extra }];

describe('SSE through boto3, aws-cli and s3cmd', () => {
  let server: TestServer;
  let c: Clients;
  let work: string;
  let kmsKey: { arn: string; id: string };
  /** A bucket that accepts SSE-C (new buckets block it). */
  const sseCBucket = async (Bucket: string) => {
    await c.s3.send(new CreateBucketCommand({ Bucket }));
    await c.s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }] } }));
  };

  before(async () => {
    server = await startServer();
    c = clientsFor(server);
    work = await mkdtemp(join(tmpdir(), 'coffer-sse-clients-'));
    kmsKey = await newKmsKey(c.kms, 'seed 004');
  });
  after(async () => {
    destroyAll(c);
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });

  for (const python of PYTHONS) {
    const n = PYTHONS.indexOf(python);
    it(`seed 004 (${python}): upload_fileobj with SSE-KMS ExtraArgs, then the download snippet fails as on AWS`, async () => {
      const dir = join(work, `seed-${n}`);
      await mkdir(dir);
      await writeFile(join(dir, 'file.txt'), `seed 004 body ${randomBytes(8).toString('hex')}\n`);
      const bucket = `seed-004-kms-${n}`;
      await c.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const out = await run(python, ['-c', SEED_004_KMS, server.url, bucket, kmsKey.id, dir], server.clientEnv());
      assert.deepEqual(JSON.parse(out.stdout.trim().split('\n')[0]!), { sse: 'aws:kms', key: kmsKey.arn }, out.stderr);
      // get_object succeeded; reading a member no response has is the snippet's own KeyError.
      const line = SEED_004_KMS.split('\n').findIndex((l) => l.startsWith("encryption_key = response['ServerSideEncryptionCustomerKey']")) + 1;
      assert.equal(out.code, 1);
      assert.match(out.stderr, new RegExp(`line ${line}, in <module>\\nKeyError: 'ServerSideEncryptionCustomerKey'\\n$`));
      await assert.rejects(access(join(dir, 'file.out.txt')));
    });

    it(`boto3 (${python}): SSECustomerKey round trip, wrong key, missing key, bare HEAD answers`, async () => {
      const bucket = `boto3-sse-c-${n}`;
      await sseCBucket(bucket);
      const out = await run(python, ['-c', BOTO3_SSE_C, server.url, bucket], server.clientEnv());
      assert.equal(out.code, 0, out.stderr);
      const r = JSON.parse(out.stdout);
      const md5 = 'hRasmdxgYDKV3nvbahU1MA=='; // base64 MD5 of the key above
      assert.deepEqual(r, {
        put: ['AES256', md5, null],
        range: 'secret',
        head: ['AES256', md5, 15],
        wrong: ['AccessDenied', 'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.', 403],
        missing: ['InvalidRequest', 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.', 400],
        headMissing: ['400', 'Bad Request', 400],
        headWrong: ['403', 'Forbidden', 403],
      });
    });
  }

  it('boto3: the SSE-C errors AWS recorded, code for code', async () => {
    await sseCBucket('boto3-sse-c-table');
    const out = await run('python3', ['-c', BOTO3_SSE_C_TABLE, server.url, 'boto3-sse-c-table'], server.clientEnv());
    assert.equal(out.code, 0, out.stderr);
    const correctKey = [403, { Code: 'AccessDenied', Message: 'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.' }];
    const badAlgorithm = [400, { Code: 'InvalidEncryptionAlgorithmError', Message: 'The Encryption request you specified is not valid. Supported value: AES256.', ArgumentName: SSE, ArgumentValue: 'KMS' }];
    assert.deepEqual(JSON.parse(out.stdout), {
      'both-encryption': invalid('Server Side Encryption with Customer provided key is incompatible with the encryption method specified', { ArgumentValue: 'AES256' }),
      'wrong-algo': badAlgorithm,
      'no-algo': invalid('Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.'),
      'no-key': invalid('Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.'),
      // botocore base64-encodes an MD5-less key again: 44 bytes, with their own MD5.
      'no-md5': invalid('The secret key was invalid for the specified algorithm.'),
      'wrong-key-size': invalid('The secret key was invalid for the specified algorithm.'),
      'bad-md5': invalid('The calculated MD5 hash of the key did not match the hash that was provided.'),
      'get-no-sse-c': [400, { Code: 'InvalidRequest', Message: 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.' }],
      'get-wrong-key': correctKey,
      'get-wrong-algo': badAlgorithm,
      'head-wrong-algo': [400, { Code: '400', Message: 'Bad Request' }],
      'get-no-md5': correctKey,
      'head-no-md5': [403, { Code: '403', Message: 'Forbidden' }],
      'get-ok': 'test_data',
    });
  });

  for (const aws of AWS_CLIS) {
    const n = AWS_CLIS.indexOf(aws);
    it(`aws-cli (${aws}): seed 004's \`aws s3 cp\` with --sse-c and --sse aws:kms, and s3api head-object`, async () => {
      const bucket = `cli-sse-${n}`;
      const dir = join(work, `cli-${n}`);
      await mkdir(dir);
      const body = randomBytes(200_000);
      await writeFile(join(dir, 'object.bin'), body);
      const env = server.clientEnv();
      const cli = (...args: string[]) => run(aws, [...args, '--endpoint-url', server.url], env);
      const ok = async (...args: string[]) => {
        const out = await cli(...args);
        assert.equal(out.code, 0, `${args.join(' ')}: ${out.stderr}`);
        return out.stdout;
      };
      if (aws === 'aws') {
        // The README's way to allow SSE-C on a bucket (aws-cli v2.9's model predates BlockedEncryptionTypes).
        await ok('s3', 'mb', `s3://${bucket}`);
        await ok('s3api', 'put-bucket-encryption', '--bucket', bucket, '--server-side-encryption-configuration', '{"Rules":[{"BlockedEncryptionTypes":{"EncryptionType":["NONE"]}}]}');
        const config = JSON.parse(await ok('s3api', 'get-bucket-encryption', '--bucket', bucket));
        assert.deepEqual(config.ServerSideEncryptionConfiguration.Rules[0].BlockedEncryptionTypes, { EncryptionType: ['NONE'] });
      } else {
        await sseCBucket(bucket);
      }
      const customer = 'k'.repeat(16) + randomBytes(8).toString('hex');
      // As the seed writes them, aws-cli refuses both lines before sending anything: it wants --sse-c
      // next to --sse-c-key, and a value after --sse-kms-key-id.
      const verbatimC = await cli('s3', 'cp', join(dir, 'object.bin'), `s3://${bucket}/verbatim`, '--sse-c-key', customer);
      assert.notEqual(verbatimC.code, 0);
      assert.match(verbatimC.stderr, /--sse-c-key is specified, --sse-c must be specified as well/);
      const verbatimKms = await run(aws, ['s3', 'cp', join(dir, 'object.bin'), `s3://${bucket}/verbatim`, '--sse', 'aws:kms', '--sse-kms-key-id'], env);
      assert.notEqual(verbatimKms.code, 0);
      assert.match(verbatimKms.stderr, /argument --sse-kms-key-id: expected one argument/);
      await ok('s3', 'cp', join(dir, 'object.bin'), `s3://${bucket}/c.bin`, '--sse-c', 'AES256', '--sse-c-key', customer);
      await ok('s3', 'cp', join(dir, 'object.bin'), `s3://${bucket}/kms.bin`, '--sse', 'aws:kms', '--sse-kms-key-id', kmsKey.id);

      const kmsHead = JSON.parse(await ok('s3api', 'head-object', '--bucket', bucket, '--key', 'kms.bin'));
      assert.deepEqual([kmsHead.ServerSideEncryption, kmsHead.SSEKMSKeyId, kmsHead.ContentLength], ['aws:kms', kmsKey.arn, body.length]);
      const cHead = JSON.parse(await ok('s3api', 'head-object', '--bucket', bucket, '--key', 'c.bin', '--sse-customer-algorithm', 'AES256', '--sse-customer-key', customer));
      assert.equal(cHead.SSECustomerAlgorithm, 'AES256');
      assert.equal(cHead.ServerSideEncryption, undefined);
      const noKey = await cli('s3api', 'head-object', '--bucket', bucket, '--key', 'c.bin');
      assert.notEqual(noKey.code, 0);
      assert.match(noKey.stderr, /\(400\)/);

      await ok('s3', 'cp', `s3://${bucket}/c.bin`, join(dir, 'c.out'), '--sse-c', 'AES256', '--sse-c-key', customer);
      assert.ok((await readFile(join(dir, 'c.out'))).equals(body));
      await ok('s3', 'cp', `s3://${bucket}/kms.bin`, join(dir, 'kms.out'));
      assert.ok((await readFile(join(dir, 'kms.out'))).equals(body));
      const wrong = await cli('s3', 'cp', `s3://${bucket}/c.bin`, join(dir, 'wrong.out'), '--sse-c', 'AES256', '--sse-c-key', 'x'.repeat(32));
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /\(403\)/);
    });
  }

  it('s3cmd put --server-side-encryption-kms-id stores SSE-KMS under that key; info and get see it', async () => {
    const dir = join(work, 's3cmd');
    await mkdir(dir);
    const config = join(dir, 's3cfg');
    const host = `127.0.0.1:${server.port}`;
    await writeFile(config, [
      '[default]', `access_key = ${server.accessKeyId}`, `secret_key = ${server.secretAccessKey}`,
      `host_base = ${host}`, `host_bucket = ${host}`, 'use_https = False', 'signature_v2 = False', 'bucket_location = us-east-1', '',
    ].join('\n'), { mode: 0o600 });
    const body = randomBytes(150_000);
    await writeFile(join(dir, 'up.bin'), body);
    const s3cmd = async (...args: string[]) => {
      const out = await run('s3cmd', ['-c', config, ...args], { ...process.env, HOME: dir });
      assert.equal(out.code, 0, `${args.join(' ')}: ${out.stderr}`);
      assert.doesNotMatch(out.stderr, /MD5 Sums don't match/);
      return out.stdout;
    };
    await s3cmd('mb', 's3://s3cmd-sse');
    await s3cmd('put', join(dir, 'up.bin'), 's3://s3cmd-sse/up.bin', '--server-side-encryption-kms-id', kmsKey.id);
    assert.match(await s3cmd('info', 's3://s3cmd-sse/up.bin'), /SSE:\s+aws:kms/);
    await s3cmd('get', 's3://s3cmd-sse/up.bin', join(dir, 'down.bin'));
    assert.ok((await readFile(join(dir, 'down.bin'))).equals(body));
    const head = JSON.parse((await run('aws', ['s3api', 'head-object', '--bucket', 's3cmd-sse', '--key', 'up.bin', '--endpoint-url', server.url], server.clientEnv())).stdout);
    assert.deepEqual([head.ServerSideEncryption, head.SSEKMSKeyId], ['aws:kms', kmsKey.arn]);
  });
});
