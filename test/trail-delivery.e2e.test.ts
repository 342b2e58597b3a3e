/**
 * Trail delivery end to end, through aws-cli and Coffer's own CLI: the bucket and key policy checks
 * AWS makes before it accepts a trail or starts its logging; delivery written as
 * cloudtrail.amazonaws.com, so the bucket policy (with aws:SourceArn) is what lets it through;
 * SSE-KMS log files under the trail's key (digests SSE-S3, as AWS); `coffer trail validate` passing delivered files and
 * catching an edited log file, a forged digest and a deleted digest; and the 90-day retention of
 * event history, after which `coffer trail verify` still verifies the chain.
 *
 * Delivery and digests run only when the test moves the service clock (hourly settings).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { embeddedOnly } from './cluster-backend.js';
import { run, startServer, type TestServer } from './harness.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const DAY = 24 * 3600;

/** AWS's documented trail bucket policy, optionally pinned to one trail with aws:SourceArn. */
function bucketPolicy(bucket: string, account: string, opts: { prefix?: string; sourceArn?: string; acl?: boolean; put?: boolean } = {}): string {
  const pin = opts.sourceArn ? { 'aws:SourceArn': opts.sourceArn } : {};
  const statements: object[] = [];
  if (opts.acl !== false) {
    statements.push({
      Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl',
      Resource: `arn:aws:s3:::${bucket}`, ...(opts.sourceArn ? { Condition: { StringEquals: pin } } : {}),
    });
  }
  if (opts.put !== false) {
    statements.push({
      Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${bucket}/${opts.prefix ? `${opts.prefix}/` : ''}AWSLogs/${account}/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...pin } },
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** The key policy AWS documents for a trail's KMS key: the account, and CloudTrail for one trail. */
function keyPolicy(account: string, trailArn: string, describe = true): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      {
        Sid: 'Allow CloudTrail to encrypt logs', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*', Resource: '*',
        Condition: { StringEquals: { 'aws:SourceArn': trailArn }, StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${account}:trail/*` } },
      },
      ...(describe ? [{ Sid: 'Allow CloudTrail to describe key', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:DescribeKey', Resource: '*' }] : []),
    ],
  });
}

describe('trail delivery, coffer trail validate and retention', () => {
  let server: TestServer;
  let dataDir: string;
  let work: string;
  let account: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coffer-trail-delivery-'));
    work = await mkdtemp(join(tmpdir(), 'coffer-trail-files-'));
    server = await startServer({ dataDir, env: { COFFER_TRAIL_DELIVERY_SECONDS: '3600', COFFER_TRAIL_DIGEST_SECONDS: '3600' } });
    const who = await run('aws', ['sts', 'get-caller-identity', '--endpoint-url', server.url, '--output', 'json'], server.clientEnv());
    assert.equal(who.code, 0, who.stderr);
    account = JSON.parse(who.stdout).Account;
  });
  after(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  const aws = (...args: string[]) => run('aws', [...args, '--endpoint-url', server.url, '--output', 'json'], server.clientEnv());
  const ok = async (...args: string[]) => {
    const r = await aws(...args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout ? JSON.parse(r.stdout) : {};
  };
  const trailArn = (name: string) => `arn:aws:cloudtrail:us-east-1:${account}:trail/${name}`;
  const keysUnder = async (bucket: string, prefix: string) =>
    (((await ok('s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', prefix)).Contents ?? []) as Array<{ Key: string }>).map((c) => c.Key);

  it('CreateTrail, UpdateTrail and StartLogging need a bucket policy letting CloudTrail s3:GetBucketAcl and s3:PutObject', async () => {
    await ok('s3api', 'create-bucket', '--bucket', 'policy-logs');
    await ok('s3api', 'put-bucket-policy', '--bucket', 'policy-logs', '--policy', bucketPolicy('policy-logs', account, { acl: false }));
    const noAcl = await aws('cloudtrail', 'create-trail', '--name', 'checked', '--s3-bucket-name', 'policy-logs');
    assert.match(noAcl.stderr, /\(InsufficientS3BucketPolicyException\).*: Incorrect S3 bucket policy is detected for bucket: policy-logs/);
    // Pinned to another trail: the aws:SourceArn the check carries does not match.
    await ok('s3api', 'put-bucket-policy', '--bucket', 'policy-logs', '--policy', bucketPolicy('policy-logs', account, { sourceArn: trailArn('other') }));
    assert.match((await aws('cloudtrail', 'create-trail', '--name', 'checked', '--s3-bucket-name', 'policy-logs')).stderr, /InsufficientS3BucketPolicyException/);
    await ok('s3api', 'put-bucket-policy', '--bucket', 'policy-logs', '--policy', bucketPolicy('policy-logs', account, { sourceArn: trailArn('checked') }));
    await ok('cloudtrail', 'create-trail', '--name', 'checked', '--s3-bucket-name', 'policy-logs');

    await ok('s3api', 'create-bucket', '--bucket', 'no-policy-logs');
    const moved = await aws('cloudtrail', 'update-trail', '--name', 'checked', '--s3-bucket-name', 'no-policy-logs');
    assert.match(moved.stderr, /InsufficientS3BucketPolicyException.*Incorrect S3 bucket policy is detected for bucket: no-policy-logs/);

    await ok('s3api', 'put-bucket-policy', '--bucket', 'policy-logs', '--policy', bucketPolicy('policy-logs', account, { put: false }));
    const start = await aws('cloudtrail', 'start-logging', '--name', 'checked');
    assert.match(start.stderr, /InsufficientS3BucketPolicyException.*Incorrect S3 bucket policy is detected for bucket: policy-logs/);
    assert.equal((await ok('cloudtrail', 'get-trail-status', '--name', 'checked')).IsLogging, false);

    // Logging with the right policy delivers; once the policy no longer lets CloudTrail write, delivery fails.
    await ok('s3api', 'put-bucket-policy', '--bucket', 'policy-logs', '--policy', bucketPolicy('policy-logs', account, { sourceArn: trailArn('checked') }));
    await ok('cloudtrail', 'start-logging', '--name', 'checked');
    await ok('kms', 'list-keys');
    await server.advanceClock(3601);
    assert.equal((await keysUnder('policy-logs', `AWSLogs/${account}/CloudTrail/`)).length, 1);
    await ok('s3api', 'put-bucket-policy', '--bucket', 'policy-logs', '--policy', bucketPolicy('policy-logs', account, { sourceArn: trailArn('other') }));
    await ok('kms', 'list-keys');
    await server.advanceClock(3601);
    assert.equal((await keysUnder('policy-logs', `AWSLogs/${account}/CloudTrail/`)).length, 1, 'nothing written against the bucket policy');
    const status = await ok('cloudtrail', 'get-trail-status', '--name', 'checked');
    assert.equal(status.LatestDeliveryError, 'AccessDenied');
    await ok('cloudtrail', 'stop-logging', '--name', 'checked');
  });

  it('a trail with KmsKeyId needs a key CloudTrail may use, and delivers SSE-KMS log files under it', async () => {
    const bucket = 'kms-logs';
    const arn = trailArn('sealed');
    await ok('s3api', 'create-bucket', '--bucket', bucket);
    await ok('s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', bucketPolicy(bucket, account, { prefix: 'org', sourceArn: arn }));
    const key = (await ok('kms', 'create-key', '--description', 'trail logs')).KeyMetadata as { KeyId: string; Arn: string };

    const missing = await aws('cloudtrail', 'create-trail', '--name', 'sealed', '--s3-bucket-name', bucket, '--s3-key-prefix', 'org',
      '--kms-key-id', '00000000-1111-2222-3333-444444444444');
    assert.match(missing.stderr, /\(KmsKeyNotFoundException\)/);
    const defaultPolicy = await aws('cloudtrail', 'create-trail', '--name', 'sealed', '--s3-bucket-name', bucket, '--s3-key-prefix', 'org', '--kms-key-id', key.KeyId);
    assert.ok(defaultPolicy.stderr.includes(`(InsufficientEncryptionPolicyException) when calling the CreateTrail operation: Insufficient permissions to access S3 bucket ${bucket} or KMS key ${key.Arn}.`), defaultPolicy.stderr);
    await ok('kms', 'put-key-policy', '--key-id', key.KeyId, '--policy-name', 'default', '--policy', keyPolicy(account, trailArn('other')));
    assert.match((await aws('cloudtrail', 'create-trail', '--name', 'sealed', '--s3-bucket-name', bucket, '--s3-key-prefix', 'org', '--kms-key-id', key.KeyId)).stderr,
      /InsufficientEncryptionPolicyException/);

    // Data keys alone are not enough: CloudTrail must be able to describe the key too.
    await ok('kms', 'put-key-policy', '--key-id', key.KeyId, '--policy-name', 'default', '--policy', keyPolicy(account, arn, false));
    assert.match((await aws('cloudtrail', 'create-trail', '--name', 'sealed', '--s3-bucket-name', bucket, '--s3-key-prefix', 'org', '--kms-key-id', key.KeyId)).stderr,
      /InsufficientEncryptionPolicyException/);
    await ok('kms', 'put-key-policy', '--key-id', key.KeyId, '--policy-name', 'default', '--policy', keyPolicy(account, arn));
    const created = await ok('cloudtrail', 'create-trail', '--name', 'sealed', '--s3-bucket-name', bucket, '--s3-key-prefix', 'org',
      '--kms-key-id', key.KeyId, '--enable-log-file-validation');
    assert.equal(created.KmsKeyId, key.Arn);
    await ok('cloudtrail', 'start-logging', '--name', 'sealed');
    await ok('kms', 'describe-key', '--key-id', key.KeyId);
    await server.advanceClock(3601);
    await ok('kms', 'list-aliases');
    await server.advanceClock(3601);

    const logs = await keysUnder(bucket, `org/AWSLogs/${account}/CloudTrail/`);
    const digests = await keysUnder(bucket, `org/AWSLogs/${account}/CloudTrail-Digest/`);
    assert.equal(logs.length, 2, logs.join('\n'));
    assert.equal(digests.length, 2, digests.join('\n'));
    for (const k of logs) {
      const head = await ok('s3api', 'head-object', '--bucket', bucket, '--key', k);
      assert.equal(head.ServerSideEncryption, 'aws:kms');
      assert.equal(head.SSEKMSKeyId, key.Arn);
    }
    // As AWS: "Digest files are encrypted with Amazon S3-managed encryption keys (SSE-S3)".
    for (const k of digests) {
      const head = await ok('s3api', 'head-object', '--bucket', bucket, '--key', k);
      assert.equal(head.ServerSideEncryption, 'AES256');
      assert.equal(head.SSEKMSKeyId, undefined);
    }
    await ok('s3api', 'get-object', '--bucket', bucket, '--key', logs[0]!, join(work, 'log.gz'));
    const records = JSON.parse(gunzipSync(await readFile(join(work, 'log.gz'))).toString()).Records as Array<Record<string, any>>;
    assert.ok(records.some((r) => r.eventName === 'DescribeKey'), 'the DescribeKey call was delivered');
    // CloudTrail's own data key requests are in the key owner's history, made by the service.
    const history = await ok('cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=GenerateDataKey');
    const made = (history.Events as Array<{ CloudTrailEvent: string }>).map((e) => JSON.parse(e.CloudTrailEvent));
    const byTrail = made.find((e) => e.requestParameters.encryptionContext['aws:cloudtrail:arn'] === arn);
    assert.ok(byTrail, JSON.stringify(made));
    assert.deepEqual(byTrail.userIdentity, { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' });
    assert.equal(byTrail.sourceIPAddress, 'cloudtrail.amazonaws.com');
    assert.equal(byTrail.recipientAccountId, account);
  });

  it('coffer trail validate passes delivered files and catches an edited log file, a forged digest and a deleted digest', async () => {
    const bucket = 'kms-logs';
    const arn = trailArn('sealed');
    const start = new Date(Date.now() - 60_000).toISOString();
    const end = new Date(Date.now() + 24 * 3600_000).toISOString();
    const validate = () => run(process.execPath, [MAIN, 'trail', 'validate', '--trail-arn', arn, '--start-time', start, '--end-time', end,
      '--endpoint-url', server.url, '--verbose'], server.clientEnv());
    const awsValidate = () => run('aws', ['cloudtrail', 'validate-logs', '--trail-arn', arn, '--start-time', start, '--end-time', end,
      '--endpoint-url', server.url], server.clientEnv({ AWS_ENDPOINT_URL_S3: server.url }));
    const logs = await keysUnder(bucket, `org/AWSLogs/${account}/CloudTrail/`);
    const digests = (await keysUnder(bucket, `org/AWSLogs/${account}/CloudTrail-Digest/`)).sort();

    const good = await validate();
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /^Validating log files for trail arn:aws:cloudtrail:us-east-1:\d{12}:trail\/sealed between /);
    assert.match(good.stdout, /\n2\/2 digest files valid\n2\/2 log files valid\n$/);
    for (const k of [...logs, ...digests]) assert.ok(good.stdout.includes(`s3://${bucket}/${k}\tvalid`), k);
    assert.equal((await awsValidate()).code, 0, 'aws-cli agrees');

    // An edited log file: same key, one event changed, gzipped again.
    await ok('s3api', 'get-object', '--bucket', bucket, '--key', logs[0]!, join(work, 'log.gz'));
    const edited = gunzipSync(await readFile(join(work, 'log.gz'))).toString().replace(/"readOnly":true/, '"readOnly":false');
    await writeFile(join(work, 'edited.gz'), gzipSync(edited));
    await ok('s3api', 'put-object', '--bucket', bucket, '--key', logs[0]!, '--body', join(work, 'edited.gz'));
    const editedRun = await validate();
    assert.equal(editedRun.code, 1, editedRun.stdout + editedRun.stderr);
    assert.ok(editedRun.stderr.includes(`Log file\ts3://${bucket}/${logs[0]}\tINVALID: hash value doesn't match`), editedRun.stderr);
    assert.match(editedRun.stdout, /1\/2 log files valid, 1\/2 log files INVALID/);
    const awsEdited = await awsValidate();
    assert.equal(awsEdited.code, 1, 'aws-cli agrees');
    assert.ok(awsEdited.stderr.includes(`s3://${bucket}/${logs[0]}\tINVALID: hash value doesn't match`), awsEdited.stderr);
    await ok('s3api', 'put-object', '--bucket', bucket, '--key', logs[0]!, '--body', join(work, 'log.gz'));
    assert.equal((await validate()).code, 0, 'the original restored');

    // A forged digest: a log file's hash replaced, the genuine signature copied over.
    await ok('s3api', 'get-object', '--bucket', bucket, '--key', digests[1]!, join(work, 'digest.gz'));
    const signature = (await ok('s3api', 'head-object', '--bucket', bucket, '--key', digests[1]!)).Metadata.signature as string;
    const digest = JSON.parse(gunzipSync(await readFile(join(work, 'digest.gz'))).toString());
    digest.logFiles[0].hashValue = createHash('sha256').update('a forged log').digest('hex');
    await writeFile(join(work, 'forged.gz'), gzipSync(JSON.stringify(digest)));
    await ok('s3api', 'put-object', '--bucket', bucket, '--key', digests[1]!, '--body', join(work, 'forged.gz'),
      '--metadata', `signature=${signature},signature-algorithm=SHA256withRSA`);
    const forged = await validate();
    assert.equal(forged.code, 1, forged.stdout + forged.stderr);
    assert.ok(forged.stderr.includes(`Digest file\ts3://${bucket}/${digests[1]}\tINVALID: signature verification failed`), forged.stderr);

    // The older digest deleted (the newer one restored): the chain names what is missing.
    await ok('s3api', 'put-object', '--bucket', bucket, '--key', digests[1]!, '--body', join(work, 'digest.gz'),
      '--metadata', `signature=${signature},signature-algorithm=SHA256withRSA`);
    assert.equal((await validate()).code, 0, 'the genuine digest restored');
    await ok('s3api', 'delete-object', '--bucket', bucket, '--key', digests[0]!);
    const deleted = await validate();
    assert.equal(deleted.code, 1, deleted.stdout + deleted.stderr);
    assert.ok(deleted.stderr.includes(`Digest file\ts3://${bucket}/${digests[0]}\tINVALID: not found`), deleted.stderr);
    assert.match(deleted.stdout, /1\/2 digest files valid, 1\/2 digest files INVALID/);
    const awsDeleted = await awsValidate();
    assert.equal(awsDeleted.code, 1, 'aws-cli agrees');
    assert.ok(awsDeleted.stderr.includes(`Digest file\ts3://${bucket}/${digests[0]}\tINVALID: not found`), awsDeleted.stderr);
  });

  it('event history keeps 90 days: older events are pruned, and coffer trail verify still passes', { skip: embeddedOnly('reads the SQLite file') }, async () => {
    await ok('cloudtrail', 'stop-logging', '--name', 'sealed');
    const before = await ok('cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=ListAliases');
    assert.equal(before.Events.length, 1);
    await server.advanceClock(91 * DAY);
    const fresh = await ok('kms', 'list-aliases');
    assert.ok(fresh);
    const events = (await ok('cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=ListAliases')).Events as Array<{ EventTime: string }>;
    assert.equal(events.length, 1, 'only the new ListAliases call');

    const verify = await run(process.execPath, [MAIN, 'trail', 'verify', '--data-dir', dataDir, '--json'], { ...process.env });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const report = JSON.parse(verify.stdout) as { events: number; pruned?: { seq: number }; head: { seq: number }; checkpoint: string };
    assert.equal(report.checkpoint, 'ok');
    assert.ok(report.pruned && report.pruned.seq > 50, JSON.stringify(report));
    assert.equal(report.events, report.head.seq - report.pruned.seq);
    assert.ok(report.events < 10, `only the calls since the clock moved are kept: ${report.events}`);
    const text = await run(process.execPath, [MAIN, 'trail', 'verify', '--data-dir', dataDir], { ...process.env });
    assert.match(text.stdout, new RegExp(`^Verified ${report.events} events \\(seq ${report.pruned.seq + 1} to ${report.head.seq}\\): hash chain intact; .*events up to seq ${report.pruned.seq} expired`));
  });
});
