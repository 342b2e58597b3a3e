/**
 * CloudTrail end to end: calls made through the AWS SDK for JavaScript v3, boto3 and both
 * aws-cli versions show up in `aws cloudtrail lookup-events` with AWS's identity, names and error
 * codes; the trail API round-trips; no secret reaches the history or the data directory; and
 * `coffer trail verify` passes an untouched history and catches an edited and a deleted row.
 *
 * The server runs with a 10-minute flush interval: an event reaches the store only when
 * LookupEvents asks for it or the server shuts down, so the shutdown test below proves the flush.
 */
import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient, ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { embeddedOnly } from './cluster-backend.js';
import { AWS_CLIS, randomSecret, run, startServer, type TestServer } from './harness.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** boto3 (the machine's Python) encrypts and makes a data key; prints what the test must find. */
const BOTO3_CALLS = `
import boto3, base64, json, sys
kms = boto3.client('kms', endpoint_url=sys.argv[1])
enc = kms.encrypt(KeyId=sys.argv[2], Plaintext=base64.b64decode(sys.argv[3]), EncryptionContext={'purpose': 'trail-test'})
dk = kms.generate_data_key(KeyId=sys.argv[2], KeySpec='AES_256')
print(json.dumps({'encryptRequestId': enc['ResponseMetadata']['RequestId'], 'dataKey': base64.b64encode(dk['Plaintext']).decode()}))
`;

/** boto3 pages through the whole history with a small page size. */
const BOTO3_PAGES = `
import boto3, json, sys
ct = boto3.client('cloudtrail', endpoint_url=sys.argv[1])
pages = ct.get_paginator('lookup_events').paginate(PaginationConfig={'PageSize': 2})
out = []
for page in pages:
    out += [[e['EventId'], e['EventTime'].isoformat(), e['EventName']] for e in page['Events']]
print(json.dumps(out))
`;

/** boto3's view of LookupEvents' errors. */
const BOTO3_ERRORS = `
import boto3, json, sys, datetime
from botocore.exceptions import ClientError
ct = boto3.client('cloudtrail', endpoint_url=sys.argv[1])
def code(**kw):
    try:
        ct.lookup_events(**kw)
        return 'ok'
    except ClientError as e:
        return e.response['Error']['Code']
now = datetime.datetime.now(datetime.timezone.utc)
print(json.dumps({
  'twoAttributes': code(LookupAttributes=[{'AttributeKey': 'EventName', 'AttributeValue': 'Encrypt'}, {'AttributeKey': 'Username', 'AttributeValue': 'root'}]),
  'badToken': code(NextToken='bm90LWEtdG9rZW4'),
  'badRange': code(StartTime=now, EndTime=now - datetime.timedelta(hours=1)),
}))
`;

/** The bucket policy AWS documents for a trail bucket (without the optional aws:SourceArn condition). */
function trailBucketPolicy(bucket: string, account: string, prefix = ''): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${bucket}` },
      {
        Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket}/${prefix}AWSLogs/${account}/*`, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
      },
    ],
  });
}

interface LookupEvent { EventId: string; EventName: string; EventSource: string; Username?: string; AccessKeyId?: string; ReadOnly: string; Resources: Array<{ ResourceType?: string; ResourceName?: string }>; CloudTrailEvent: string }

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(...(entry.isDirectory() ? await filesUnder(path) : [path]));
  }
  return out;
}

/** Raw bytes and their base64 and hex spellings. */
function forms(secret: Buffer): Buffer[] {
  return [secret, Buffer.from(secret.toString('base64')), Buffer.from(secret.toString('hex'))];
}

describe('CloudTrail through real clients', () => {
  let server: TestServer;
  let dataDir: string;
  let kms: KMSClient;
  let keyArn: string;
  const plaintext = randomBytes(24);
  const secrets: Buffer[] = [plaintext];
  const requestIds: Record<string, string> = {};

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coffer-trail-'));
    // Delivery and digests only when the test moves the clock an hour on (never on the real-time timer).
    server = await startServer({ dataDir, env: { COFFER_TRAIL_FLUSH_MS: '600000', COFFER_TRAIL_DELIVERY_SECONDS: '3600', COFFER_TRAIL_DIGEST_SECONDS: '3600' } });
    kms = new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
  });
  after(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const lookup = async (cli: string, attribute?: string): Promise<LookupEvent[]> => {
    const args = ['cloudtrail', 'lookup-events', '--endpoint-url', server.url, '--output', 'json', '--max-results', '50'];
    if (attribute) args.push('--lookup-attributes', attribute);
    const r = await run(cli, args, server.clientEnv());
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { Events: LookupEvent[] }).Events;
  };
  const detail = (e: LookupEvent) => JSON.parse(e.CloudTrailEvent) as Record<string, any>;
  const s3api = async (...args: string[]) => {
    const r = await run('aws', ['s3api', ...args, '--endpoint-url', server.url, '--output', 'json'], server.clientEnv());
    assert.equal(r.code, 0, r.stderr);
    return r.stdout ? JSON.parse(r.stdout) : {};
  };

  it('records calls made through SDK v3, boto3 and aws-cli, including refused ones', async () => {
    const key = await kms.send(new CreateKeyCommand({ Description: 'trail test' }));
    keyArn = key.KeyMetadata!.Arn!;
    requestIds.CreateKey = key.$metadata.requestId!;
    const enc = await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext }));
    requestIds.Encrypt = enc.$metadata.requestId!;
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256' }));
    secrets.push(Buffer.from(dk.Plaintext!), Buffer.from(server.secretAccessKey));

    const py = await run('python3', ['-c', BOTO3_CALLS, server.url, keyArn, plaintext.toString('base64')], server.clientEnv());
    assert.equal(py.code, 0, py.stderr);
    const boto = JSON.parse(py.stdout) as { encryptRequestId: string; dataKey: string };
    requestIds.BotoEncrypt = boto.encryptRequestId;
    secrets.push(Buffer.from(boto.dataKey, 'base64'));

    for (const cli of AWS_CLIS) {
      const r = await run(cli, ['sts', 'get-caller-identity', '--endpoint-url', server.url], server.clientEnv());
      assert.equal(r.code, 0, r.stderr);
    }
    // A known key with a wrong secret: AWS logs the attempt against the key's account.
    const wrong = new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: server.accessKeyId, secretAccessKey: randomSecret() } });
    await assert.rejects(wrong.send(new ListKeysCommand({})), { name: 'InvalidSignatureException' });
    // An unknown key: there is no account to log it for.
    const unknown = new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: randomSecret() } });
    await assert.rejects(unknown.send(new ListKeysCommand({})), { name: 'UnrecognizedClientException' });
    // Another account's key: refused by authorization.
    await assert.rejects(kms.send(new DescribeKeyCommand({ KeyId: 'arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab' })), { name: 'AccessDeniedException' });
  });

  for (const cli of AWS_CLIS) {
    it(`aws-cli (${cli}) lookup-events shows each call with its identity, names and error codes`, async () => {
      const encrypts = await lookup(cli, 'AttributeKey=EventName,AttributeValue=Encrypt');
      assert.deepEqual(new Set(encrypts.map((e) => detail(e).requestID)), new Set([requestIds.Encrypt, requestIds.BotoEncrypt]));
      for (const e of encrypts) {
        const d = detail(e);
        assert.equal(e.EventSource, 'kms.amazonaws.com');
        assert.equal(e.Username, 'root');
        assert.equal(e.AccessKeyId, server.accessKeyId);
        assert.equal(e.ReadOnly, 'true');
        assert.deepEqual(e.Resources, [{ ResourceType: 'AWS::KMS::Key', ResourceName: keyArn }]);
        assert.equal(d.eventVersion, '1.11');
        assert.deepEqual(d.userIdentity, {
          type: 'Root', principalId: keyArn.split(':')[4], arn: `arn:aws:iam::${keyArn.split(':')[4]}:root`,
          accountId: keyArn.split(':')[4], accessKeyId: server.accessKeyId,
        });
        assert.equal(d.requestParameters.keyId, keyArn);
        assert.equal(d.responseElements, null);
        assert.equal(d.eventCategory, 'Management');
      }
      const boto = detail(encrypts.find((e) => detail(e).requestID === requestIds.BotoEncrypt)!);
      assert.deepEqual(boto.requestParameters.encryptionContext, { purpose: 'trail-test' });
      assert.match(boto.userAgent, /Boto3\//);

      const created = detail((await lookup(cli, 'AttributeKey=ReadOnly,AttributeValue=false')).find((e) => e.EventName === 'CreateKey')!);
      assert.equal(created.requestID, requestIds.CreateKey);
      assert.equal(created.responseElements.keyMetadata.arn, keyArn);
      assert.match(created.responseElements.keyMetadata.creationDate, /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$/);

      const whoami = (await lookup(cli, 'AttributeKey=EventSource,AttributeValue=sts.amazonaws.com')).map(detail);
      assert.ok(whoami.some((d) => d.eventName === 'GetCallerIdentity' && /^aws-cli\/1\./.test(d.userAgent)));
      assert.ok(whoami.some((d) => d.eventName === 'GetCallerIdentity' && /^aws-cli\/2\./.test(d.userAgent)));

      const listKeys = (await lookup(cli, `AttributeKey=AccessKeyId,AttributeValue=${server.accessKeyId}`)).map(detail).filter((d) => d.eventName === 'ListKeys');
      assert.equal(listKeys.length, 1);
      assert.equal(listKeys[0].errorCode, 'InvalidSignatureException');
      assert.match(listKeys[0].errorMessage, /^The request signature we calculated does not match/);
      assert.deepEqual(await lookup(cli, 'AttributeKey=AccessKeyId,AttributeValue=AKIAUNKNOWNUNKNOWN00'), []);

      const denied = detail((await lookup(cli, 'AttributeKey=EventName,AttributeValue=DescribeKey'))[0]!);
      assert.equal(denied.errorCode, 'AccessDeniedException');
      assert.match(denied.errorMessage, /is not authorized to perform: kms:DescribeKey/);

      const byKey = await lookup(cli, `AttributeKey=ResourceName,AttributeValue=${keyArn}`);
      assert.deepEqual(new Set(byKey.map((e) => e.EventName)), new Set(['CreateKey', 'Encrypt', 'GenerateDataKey']));
      const byType = await lookup(cli, 'AttributeKey=ResourceType,AttributeValue=AWS::KMS::Key');
      assert.ok(byType.length >= byKey.length);
      const one = await lookup(cli, `AttributeKey=EventId,AttributeValue=${byKey[0]!.EventId}`);
      assert.deepEqual(one.map((e) => e.EventId), [byKey[0]!.EventId]);
    });
  }

  it('boto3 pages through the history newest first; LookupEvents refuses what AWS refuses', async () => {
    const r = await run('python3', ['-c', BOTO3_PAGES, server.url], server.clientEnv());
    assert.equal(r.code, 0, r.stderr);
    const events = JSON.parse(r.stdout) as Array<[string, string, string]>;
    assert.equal(new Set(events.map(([id]) => id)).size, events.length, 'no event twice');
    for (let i = 1; i < events.length; i++) assert.ok(events[i - 1]![1] >= events[i]![1], 'newest first');
    for (const name of ['CreateKey', 'Encrypt', 'GenerateDataKey', 'GetCallerIdentity', 'ListKeys', 'DescribeKey', 'LookupEvents']) {
      assert.ok(events.some(([, , n]) => n === name), `${name} is in the history`);
    }
    const errors = await run('python3', ['-c', BOTO3_ERRORS, server.url], server.clientEnv());
    assert.equal(errors.code, 0, errors.stderr);
    assert.deepEqual(JSON.parse(errors.stdout), {
      twoAttributes: 'InvalidLookupAttributesException', badToken: 'InvalidNextTokenException', badRange: 'InvalidTimeRangeException',
    });
  });

  it('SDK v3 LookupEvents returns the event JSON AWS writes', async () => {
    const ct = new CloudTrailClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    const out = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GenerateDataKey' }], MaxResults: 5 }));
    assert.equal(out.Events?.length, 2);
    for (const e of out.Events!) {
      assert.ok(e.EventTime instanceof Date);
      const d = JSON.parse(e.CloudTrailEvent!);
      assert.equal(d.responseElements, null, 'no data key in the response elements');
      assert.equal(d.requestParameters.keySpec, 'AES_256');
    }
  });

  it('the trail API round-trips through aws-cli and boto3', async () => {
    const cli = (...args: string[]) => run('aws', ['cloudtrail', ...args, '--endpoint-url', server.url, '--output', 'json'], server.clientEnv());
    const ok = async (...args: string[]) => {
      const r = await cli(...args);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout ? JSON.parse(r.stdout) : {};
    };
    const account = keyArn.split(':')[4]!;
    const arn = `arn:aws:cloudtrail:us-east-1:${account}:trail/audit-trail`;
    const missing = await cli('create-trail', '--name', 'audit-trail', '--s3-bucket-name', 'audit-logs');
    assert.match(missing.stderr, /S3BucketDoesNotExistException.*S3 bucket audit-logs does not exist!/);
    await s3api('create-bucket', '--bucket', 'audit-logs');
    const noPolicy = await cli('create-trail', '--name', 'audit-trail', '--s3-bucket-name', 'audit-logs');
    assert.match(noPolicy.stderr, /InsufficientS3BucketPolicyException.*Incorrect S3 bucket policy is detected for bucket: audit-logs/);
    await s3api('put-bucket-policy', '--bucket', 'audit-logs', '--policy', trailBucketPolicy('audit-logs', account));
    // An anonymous call is refused and logged for the bucket's owner, as S3 logs it.
    assert.equal((await fetch(`${server.url}/audit-logs?acl`)).status, 403);
    const anonymous = detail((await lookup('aws', 'AttributeKey=EventName,AttributeValue=GetBucketAcl'))[0]!);
    assert.deepEqual(anonymous.userIdentity, { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' });
    assert.equal(anonymous.errorCode, 'AccessDenied');
    assert.equal(anonymous.recipientAccountId, account);
    assert.equal(anonymous.requestParameters.bucketName, 'audit-logs');
    const created = await ok('create-trail', '--name', 'audit-trail', '--s3-bucket-name', 'audit-logs', '--enable-log-file-validation', '--tags-list', 'Key=team,Value=sec');
    assert.deepEqual(created, {
      Name: 'audit-trail', S3BucketName: 'audit-logs', IncludeGlobalServiceEvents: true, IsMultiRegionTrail: false,
      TrailARN: arn, LogFileValidationEnabled: true, IsOrganizationTrail: false,
    });
    const dup = await cli('create-trail', '--name', 'audit-trail', '--s3-bucket-name', 'audit-logs');
    assert.match(dup.stderr, /TrailAlreadyExistsException/);
    const short = await cli('create-trail', '--name', 'ab', '--s3-bucket-name', 'audit-logs');
    assert.match(short.stderr, /InvalidTrailNameException.*Trail name too short\. Minimum allowed length: 3 characters\. Specified name length: 2 characters\./);

    assert.equal((await ok('get-trail', '--name', 'audit-trail')).Trail.HomeRegion, 'us-east-1');
    assert.deepEqual((await ok('describe-trails', '--trail-name-list', arn)).trailList.map((t: any) => t.Name), ['audit-trail']);
    assert.deepEqual((await ok('list-trails')).Trails, [{ TrailARN: arn, Name: 'audit-trail', HomeRegion: 'us-east-1' }]);
    assert.equal((await ok('get-trail-status', '--name', 'audit-trail')).IsLogging, false);
    await ok('start-logging', '--name', arn);
    const status = await ok('get-trail-status', '--name', 'audit-trail');
    assert.equal(status.IsLogging, true);
    assert.ok(status.StartLoggingTime);

    assert.deepEqual((await ok('get-event-selectors', '--trail-name', 'audit-trail')).EventSelectors, [
      { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
    ]);
    const put = await ok('put-event-selectors', '--trail-name', 'audit-trail', '--event-selectors',
      '[{"ReadWriteType":"All","IncludeManagementEvents":true,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::audit-data/"]}]}]');
    assert.deepEqual(put.EventSelectors[0].DataResources, [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::audit-data/'] }]);
    assert.equal((await ok('get-trail', '--name', 'audit-trail')).Trail.HasCustomEventSelectors, true);

    await ok('add-tags', '--resource-id', arn, '--tags-list', 'Key=env,Value=test');
    assert.deepEqual((await ok('list-tags', '--resource-id-list', arn)).ResourceTagList, [
      { ResourceId: arn, TagsList: [{ Key: 'team', Value: 'sec' }, { Key: 'env', Value: 'test' }] },
    ]);
    await ok('remove-tags', '--resource-id', arn, '--tags-list', 'Key=team');
    assert.deepEqual((await ok('list-tags', '--resource-id-list', arn)).ResourceTagList[0].TagsList, [{ Key: 'env', Value: 'test' }]);

    await ok('stop-logging', '--name', 'audit-trail');
    await ok('delete-trail', '--name', 'audit-trail');
    const gone = await cli('get-trail', '--name', 'audit-trail');
    assert.match(gone.stderr, new RegExp(`TrailNotFoundException.*Unknown trail: audit-trail for the user: ${account}`));
    const goneStatus = await cli('get-trail-status', '--name', 'audit-trail');
    assert.match(goneStatus.stderr, new RegExp(`Unknown trail: ${arn} for the user: ${account}`));

    // The trail calls are themselves in the history, as management write events.
    const names = (await lookup('aws', 'AttributeKey=ResourceName,AttributeValue=' + arn)).map((e) => e.EventName);
    for (const n of ['CreateTrail', 'StartLogging', 'PutEventSelectors', 'DeleteTrail']) assert.ok(names.includes(n), n);
  });

  it('a logging trail delivers log files and signed digests; aws cloudtrail validate-logs accepts them and catches tampering', async () => {
    const account = keyArn.split(':')[4]!;
    const bucket = 'delivered-logs';
    const arn = `arn:aws:cloudtrail:us-east-1:${account}:trail/delivered`;
    const startTime = new Date(Date.now() - 60_000).toISOString();
    await s3api('create-bucket', '--bucket', bucket);
    await s3api('put-bucket-policy', '--bucket', bucket, '--policy', trailBucketPolicy(bucket, account, 'org/'));
    const ct = (...args: string[]) => run('aws', ['cloudtrail', ...args, '--endpoint-url', server.url, '--output', 'json'], server.clientEnv());
    assert.equal((await ct('create-trail', '--name', 'delivered', '--s3-bucket-name', bucket, '--s3-key-prefix', 'org', '--enable-log-file-validation')).code, 0);
    assert.equal((await ct('start-logging', '--name', 'delivered')).code, 0);

    const enc = await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext }));
    await server.advanceClock(3601);
    await kms.send(new ListKeysCommand({}));
    await server.advanceClock(3601);

    const keys = ((await s3api('list-objects-v2', '--bucket', bucket, '--prefix', 'org/AWSLogs/')).Contents as Array<{ Key: string }>).map((c) => c.Key);
    const logs = keys.filter((k) => k.includes('/CloudTrail/'));
    const digests = keys.filter((k) => k.includes('/CloudTrail-Digest/'));
    assert.equal(logs.length, 2, keys.join('\n'));
    assert.equal(digests.length, 2, keys.join('\n'));
    for (const k of logs) assert.match(k, new RegExp(`^org/AWSLogs/${account}/CloudTrail/us-east-1/\\d{4}/\\d{2}/\\d{2}/${account}_CloudTrail_us-east-1_\\d{8}T\\d{4}Z_[A-Za-z0-9]{16}\\.json\\.gz$`));

    const work = await mkdtemp(join(tmpdir(), 'coffer-trail-objects-'));
    try {
      const fetchObject = async (key: string) => {
        const file = join(work, 'object');
        const head = await s3api('get-object', '--bucket', bucket, '--key', key, file);
        return { body: await readFile(file), metadata: head.Metadata as Record<string, string> };
      };
      const records = [];
      for (const k of logs) records.push(...(JSON.parse(gunzipSync((await fetchObject(k)).body).toString()).Records as Array<Record<string, any>>));
      const delivered = Buffer.from(JSON.stringify(records));
      for (const secret of secrets) for (const form of forms(secret)) assert.ok(!delivered.includes(form), 'a secret reached a delivered log file');
      const encrypt = records.find((r) => r.requestID === enc.$metadata.requestId);
      assert.ok(encrypt, 'the Encrypt call was delivered');
      assert.equal(encrypt.eventName, 'Encrypt');
      assert.equal(encrypt.userIdentity.type, 'Root');
      const newest = await fetchObject(digests[1]!);
      assert.equal(newest.metadata['signature-algorithm'], 'SHA256withRSA');
      assert.match(newest.metadata.signature!, /^[0-9a-f]{512}$/);

      const status = JSON.parse((await ct('get-trail-status', '--name', 'delivered')).stdout);
      assert.ok(status.LatestDeliveryTime && status.LatestDigestDeliveryTime, JSON.stringify(status));

      const validate = () => run('aws', [
        'cloudtrail', 'validate-logs', '--trail-arn', arn, '--start-time', startTime,
        '--end-time', new Date(Date.now() + 4 * 3600_000).toISOString(), '--endpoint-url', server.url, '--verbose',
      ], server.clientEnv({ AWS_ENDPOINT_URL_S3: server.url }));
      const good = await validate();
      assert.equal(good.code, 0, good.stdout + good.stderr);
      assert.match(good.stdout, /2\/2 digest files valid/);
      assert.match(good.stdout, /2\/2 log files valid/);

      await s3api('delete-object', '--bucket', bucket, '--key', logs[0]!);
      const missing = await validate();
      assert.equal(missing.code, 1, missing.stdout);
      assert.ok(missing.stderr.includes(`Log file\ts3://${bucket}/${logs[0]}\tINVALID: not found`), missing.stderr);

      const digest = JSON.parse(gunzipSync(newest.body).toString());
      digest.logFiles[0].hashValue = createHash('sha256').update('a forged log').digest('hex');
      await writeFile(join(work, 'forged'), gzipSync(JSON.stringify(digest)));
      await s3api('put-object', '--bucket', bucket, '--key', digests[1]!, '--body', join(work, 'forged'),
        '--metadata', `signature=${newest.metadata.signature},signature-algorithm=SHA256withRSA`);
      const forged = await validate();
      assert.equal(forged.code, 1, forged.stdout);
      assert.ok(forged.stderr.includes(`Digest file\ts3://${bucket}/${digests[1]}\tINVALID: signature verification failed`), forged.stderr);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('list-public-keys returns a DER PKCS#1 RSA-2048 key named by its MD5 fingerprint', async () => {
    const r = await run('aws', ['cloudtrail', 'list-public-keys', '--endpoint-url', server.url, '--output', 'json'], server.clientEnv());
    assert.equal(r.code, 0, r.stderr);
    const keys = JSON.parse(r.stdout).PublicKeyList as Array<{ Value: string; Fingerprint: string }>;
    assert.equal(keys.length, 1);
    const der = Buffer.from(keys[0]!.Value, 'base64');
    assert.equal(createPublicKey({ key: der, format: 'der', type: 'pkcs1' }).asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(keys[0]!.Fingerprint, createHash('md5').update(der).digest('hex'));
  });

  it('no secret the test used reaches the event history or the server log', async () => {
    const events = await lookup('aws');
    const all = Buffer.from(events.map((e) => e.CloudTrailEvent).join('\n'));
    for (const secret of secrets) for (const form of forms(secret)) assert.ok(!all.includes(form), 'a secret reached the history');
    const logs = Buffer.from(server.output());
    for (const secret of secrets) for (const form of forms(secret)) assert.ok(!logs.includes(form), 'a secret reached the server log');
  });

  it('a clean shutdown writes the event of every answered request; coffer trail verify checks the chain', { skip: embeddedOnly('and edits the SQLite file') }, async () => {
    const last = await kms.send(new ListAliasesCommand({}));
    await server.stop();

    const db = new Database(join(dataDir, 'trail.sqlite'));
    const row = db.prepare('select seq from trail_events where event_json like ?').get(`%"requestID":"${last.$metadata.requestId}"%`) as { seq: number } | undefined;
    assert.ok(row, 'the last answered request has its event after shutdown');
    const total = (db.prepare('select count(*) as n from trail_events').get() as { n: number }).n;
    db.close();

    // No secret anywhere in the data directory either (database, WAL, blobs).
    for (const file of await filesUnder(dataDir)) {
      const bytes = await readFile(file);
      for (const secret of secrets) for (const form of forms(secret)) assert.ok(!bytes.includes(form), `a secret is stored in ${file}`);
    }

    const verify = () => run(process.execPath, [MAIN, 'trail', 'verify', '--data-dir', dataDir], { ...process.env });
    const clean = await verify();
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, new RegExp(`^Verified ${total} events \\(seq 1 to ${total}\\): hash chain intact; the head matches the checkpoint sealed with the root key\\.`));

    const tamper = new Database(join(dataDir, 'trail.sqlite'));
    tamper.prepare(`update trail_events set event_json = replace(event_json, '"errorCode":"AccessDeniedException"', '"errorCode":"ThrottlingException"') where event_name = 'DescribeKey'`).run();
    const describeSeq = (tamper.prepare(`select seq from trail_events where event_name = 'DescribeKey'`).get() as { seq: number }).seq;
    const createSeq = (tamper.prepare(`select seq from trail_events where event_name = 'CreateKey'`).get() as { seq: number }).seq;
    tamper.prepare('delete from trail_events where seq = ?').run(createSeq);
    tamper.close();
    const broken = await verify();
    assert.equal(broken.code, 1, broken.stdout + broken.stderr);
    assert.match(broken.stdout, new RegExp(`TAMPERED \\(edited\\): event seq ${describeSeq} .*DescribeKey.* was edited`));
    assert.match(broken.stdout, new RegExp(`TAMPERED \\(deleted\\): 1 event\\(s\\) deleted: seq ${createSeq} missing`));
    assert.match(broken.stdout, /Event history verification FAILED: 2 problem\(s\)/);
  });
});

describe('CloudTrail: a data directory from before the event history had its own file', { skip: embeddedOnly('and rewrites the SQLite files') }, () => {
  let dataDir: string;
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Every management event LookupEvents returns, through the SDK. */
  const lookupAll = async (server: TestServer) => {
    const client = new CloudTrailClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    const ids: string[] = [];
    let next: string | undefined;
    do {
      const page = await client.send(new LookupEventsCommand({ NextToken: next, MaxResults: 50 }));
      for (const e of page.Events ?? []) ids.push(e.EventId!);
      next = page.NextToken;
    } while (next);
    return ids;
  };
  const tables = (file: string) => {
    const db = new Database(file, { readonly: true });
    const names = (db.prepare("select name from sqlite_master where type = 'table' and name like 'trail_%'").all() as Array<{ name: string }>).map((r) => r.name);
    db.close();
    return names;
  };

  it('moves the history into trail.sqlite on start: LookupEvents and coffer trail verify see every event', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coffer-trail-legacy-'));
    const first = await startServer({ dataDir });
    const kms = new KMSClient({ endpoint: first.url, region: 'us-east-1', credentials: { accessKeyId: first.accessKeyId, secretAccessKey: first.secretAccessKey } });
    for (let i = 0; i < 5; i++) await kms.send(new CreateKeyCommand({ Description: `legacy ${i}` }));
    const before = await lookupAll(first);
    await first.stop();

    // Put the directory back the way servers before the move left it: the history in coffer.sqlite
    // (same schema, migration 0005-trail), no trail.sqlite.
    const main = new Database(join(dataDir, 'coffer.sqlite'));
    const legacy = new Database(join(dataDir, 'trail.sqlite'), { readonly: true });
    for (const { sql } of legacy.prepare("select sql from sqlite_master where name like 'trail_%' and sql is not null").all() as Array<{ sql: string }>) main.exec(sql);
    legacy.close();
    main.prepare('attach database ? as moved').run(join(dataDir, 'trail.sqlite'));
    for (const table of ['trail_events', 'trail_event_resources', 'trail_checkpoints']) main.exec(`insert into main.${table} select * from moved.${table}`);
    main.exec('detach database moved');
    const events = (main.prepare('select count(*) as n from trail_events').get() as { n: number }).n;
    main.close();
    for (const suffix of ['', '-wal', '-shm']) await rm(join(dataDir, `trail.sqlite${suffix}`), { force: true });
    assert.ok(events >= before.length && before.length >= 5);

    const second = await startServer({ dataDir });
    try {
      const after = await lookupAll(second);
      for (const id of before) assert.ok(after.includes(id), `event ${id} is gone after the move`);
    } finally {
      await second.stop();
    }
    const history = ['trail_checkpoints', 'trail_event_resources', 'trail_events'];
    assert.deepEqual(tables(join(dataDir, 'coffer.sqlite')).filter((t) => history.includes(t)), [], 'the history left coffer.sqlite');
    assert.deepEqual(tables(join(dataDir, 'trail.sqlite')).sort(), history);
    const verify = await run(process.execPath, [MAIN, 'trail', 'verify', '--data-dir', dataDir], { ...process.env });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const verified = Number(/^Verified (\d+) events/.exec(verify.stdout)?.[1]);
    // Every moved event, plus those of the second server's own calls.
    assert.ok(verified > events, verify.stdout);
    assert.match(verify.stdout, /hash chain intact; the head matches the checkpoint sealed with the root key/);
  });
});
