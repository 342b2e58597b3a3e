/**
 * S3 through the clients people use, unchanged: the seeds' boto3 snippets (001: create_bucket with
 * a canned ACL and put_object; 004: upload_fileobj, get_object, `aws s3 cp` in its SSE-S3 default
 * form) with both boto3 versions, boto3's download_file over ranged GETs, aws-cli v1 and v2
 * (`aws s3` and `aws s3api`), and s3cmd.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AWS_CLIS, PYTHONS, run, startServer, type TestServer } from './harness.js';
import { SEED_001_S3 } from './seed-001-snippets.js';

/**
 * Seed 001's S3 snippet, verbatim, then reading the object back. boto3 1.26 (Debian's) predates
 * AWS_ENDPOINT_URL: there the endpoint comes as an argument and is handed to every client made.
 */
const SEED_001 = `
import boto3, json, sys
if len(sys.argv) > 1:
    make_client = boto3.client
    boto3.client = lambda *args, **kwargs: make_client(*args, endpoint_url=sys.argv[1], **kwargs)
${SEED_001_S3}
got = s3_client.get_object(Bucket='my-encrypted-bucket', Key='secret-data.txt')
print(json.dumps({'body': got['Body'].read().decode(), 'sse': got['ServerSideEncryption'], 'etag': got['ETag']}))
`;

/** Seed 004's upload (SSE-S3 default: no ExtraArgs) and download, then a download_file over ranges. */
const SEED_004 = `
import boto3, hashlib, json, sys
from boto3.s3.transfer import TransferConfig
endpoint, bucket, workdir = sys.argv[1], sys.argv[2], sys.argv[3]
s3_client = boto3.client('s3', endpoint_url=endpoint)
s3_client.create_bucket(Bucket=bucket)

file_name = workdir + '/file.txt'
object_key = 'file.txt'
with open(file_name, 'rb') as file:
    s3_client.upload_fileobj(file, bucket, object_key)

output_file_path = workdir + '/file.out.txt'
response = s3_client.get_object(Bucket=bucket, Key=object_key)
with open(output_file_path, 'wb') as file:
    file.write(response['Body'].read())

# A larger object read back by download_file in 1 MiB ranged GETs, several at once.
with open(workdir + '/big.bin', 'rb') as file:
    s3_client.put_object(Bucket=bucket, Key='big.bin', Body=file.read())
config = TransferConfig(multipart_threshold=1024 * 1024, multipart_chunksize=1024 * 1024, max_concurrency=4)
s3_client.download_file(bucket, 'big.bin', workdir + '/big.out', Config=config)
with open(workdir + '/big.out', 'rb') as f:
    big = hashlib.md5(f.read()).hexdigest()
print(json.dumps({'sse': response['ServerSideEncryption'], 'big': big}))
`;

describe('S3 through boto3, aws-cli and s3cmd', () => {
  let server: TestServer;
  let work: string;
  before(async () => {
    server = await startServer();
    work = await mkdtemp(join(tmpdir(), 'coffer-s3-clients-'));
  });
  after(async () => {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });

  for (const python of PYTHONS) {
    // Debian's boto3 1.26 predates AWS_ENDPOINT_URL: it gets the endpoint as an argument.
    const endpointArgs = () => (python === 'python3' ? [] : [server.url]);

    it(`seed 001 with boto3 (${python}): create_bucket(ACL='private') and put_object`, async () => {
      const out = await run(python, ['-c', SEED_001, ...endpointArgs()], server.clientEnv());
      assert.equal(out.code, 0, out.stderr);
      assert.deepEqual(JSON.parse(out.stdout), {
        body: 'My secret data', sse: 'AES256', etag: `"${createHash('md5').update('My secret data').digest('hex')}"`,
      });
    });

    it(`seed 004 with boto3 (${python}): upload_fileobj, get_object, download_file in ranges`, async () => {
      const dir = join(work, `seed004-${PYTHONS.indexOf(python)}`);
      await mkdir(dir);
      const text = `file body ${randomBytes(8).toString('hex')}\n`;
      const big = randomBytes(3_500_000);
      await writeFile(join(dir, 'file.txt'), text);
      await writeFile(join(dir, 'big.bin'), big);
      const bucket = `seed-004-${PYTHONS.indexOf(python)}`;
      const out = await run(python, ['-c', SEED_004, server.url, bucket, dir], server.clientEnv());
      assert.equal(out.code, 0, out.stderr);
      assert.deepEqual(JSON.parse(out.stdout), { sse: 'AES256', big: createHash('md5').update(big).digest('hex') });
      assert.equal(await readFile(join(dir, 'file.out.txt'), 'utf8'), text);
    });
  }

  for (const aws of AWS_CLIS) {
    it(`aws-cli (${aws}): s3 mb/cp/ls/sync/rm/rb and s3api, as seed 004's \`aws s3 cp\``, async () => {
      const n = AWS_CLIS.indexOf(aws);
      const bucket = `cli-bucket-${n}`;
      const dir = join(work, `cli-${n}`);
      await mkdir(join(dir, 'tree', 'sub'), { recursive: true });
      const body = randomBytes(300_000);
      await writeFile(join(dir, 'object.bin'), body);
      await writeFile(join(dir, 'tree', 'one.txt'), 'one');
      await writeFile(join(dir, 'tree', 'sub', 'two words.txt'), 'two');
      const env = server.clientEnv();
      const cli = async (...args: string[]) => {
        const out = await run(aws, [...args, '--endpoint-url', server.url], env);
        assert.equal(out.code, 0, `${args.join(' ')}: ${out.stderr}`);
        return out.stdout;
      };
      await cli('s3', 'mb', `s3://${bucket}`);
      // Seed 004, SSE-S3 (the default): aws s3 cp <object> s3://<bucket>/<key>
      await cli('s3', 'cp', join(dir, 'object.bin'), `s3://${bucket}/object.bin`);
      const head = JSON.parse(await cli('s3api', 'head-object', '--bucket', bucket, '--key', 'object.bin'));
      assert.equal(head.ServerSideEncryption, 'AES256');
      assert.equal(head.ContentLength, body.length);
      await cli('s3', 'cp', `s3://${bucket}/object.bin`, join(dir, 'object.out'));
      assert.deepEqual(await readFile(join(dir, 'object.out')), body);
      await cli('s3', 'sync', join(dir, 'tree'), `s3://${bucket}/tree`);
      const listing = await cli('s3', 'ls', `s3://${bucket}/tree/`, '--recursive');
      assert.match(listing, /tree\/one\.txt/);
      assert.match(listing, /tree\/sub\/two words\.txt/);
      const v2 = JSON.parse(await cli('s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'tree/', '--delimiter', '/'));
      assert.deepEqual(v2.Contents.map((o: { Key: string }) => o.Key), ['tree/one.txt']);
      assert.deepEqual(v2.CommonPrefixes, [{ Prefix: 'tree/sub/' }]);
      await cli('s3api', 'get-object', '--bucket', bucket, '--key', 'tree/sub/two words.txt', join(dir, 'two.out'));
      assert.equal(await readFile(join(dir, 'two.out'), 'utf8'), 'two');
      await cli('s3', 'rm', `s3://${bucket}/object.bin`);
      const failed = await run(aws, ['s3', 'rb', `s3://${bucket}`, '--endpoint-url', server.url], env);
      assert.notEqual(failed.code, 0);
      assert.match(failed.stderr, /BucketNotEmpty/);
      await cli('s3', 'rb', `s3://${bucket}`, '--force');
      const buckets = await cli('s3api', 'list-buckets');
      assert.equal(JSON.parse(buckets).Buckets.some((b: { Name: string }) => b.Name === bucket), false);
    });
  }

  it('s3cmd: mb, put, ls, get, del', async () => {
    const dir = join(work, 's3cmd');
    await mkdir(dir);
    const config = join(dir, 's3cfg');
    const host = `127.0.0.1:${server.port}`;
    await writeFile(config, [
      '[default]', `access_key = ${server.accessKeyId}`, `secret_key = ${server.secretAccessKey}`,
      `host_base = ${host}`, `host_bucket = ${host}`, 'use_https = False', 'signature_v2 = False', 'bucket_location = us-east-1', '',
    ].join('\n'), { mode: 0o600 });
    const body = randomBytes(100_000);
    await writeFile(join(dir, 'up.bin'), body);
    const s3cmd = async (...args: string[]) => {
      const out = await run('s3cmd', ['-c', config, ...args], { ...process.env, HOME: dir });
      assert.equal(out.code, 0, `${args.join(' ')}: ${out.stderr}`);
      return out.stdout;
    };
    await s3cmd('mb', 's3://s3cmd-bucket');
    await s3cmd('put', join(dir, 'up.bin'), 's3://s3cmd-bucket/dir/up.bin');
    assert.match(await s3cmd('ls', 's3://s3cmd-bucket/dir/'), /s3:\/\/s3cmd-bucket\/dir\/up\.bin/);
    assert.match(await s3cmd('ls'), /s3:\/\/s3cmd-bucket/);
    await s3cmd('get', 's3://s3cmd-bucket/dir/up.bin', join(dir, 'down.bin'));
    assert.deepEqual(await readFile(join(dir, 'down.bin')), body);
    await s3cmd('del', 's3://s3cmd-bucket/dir/up.bin');
    assert.doesNotMatch(await s3cmd('ls', 's3://s3cmd-bucket/dir/'), /up\.bin/);
  });
});
