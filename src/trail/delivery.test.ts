import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { Sealer } from '../crypto/root-key.js';
import { Clock } from '../server/clock.js';
import { createLogger } from '../server/logger.js';
import type { Principal } from '../server/context.js';
import { openSqlite, type Db } from '../store/database.js';
import { up as trailSchema } from '../store/migrations/0005-trail.js';
import { TrailDelivery } from './delivery.js';
import { digestStringToSign, sha256Hex, verifyDigest } from './digest.js';
import { buildEvent } from './event.js';
import type { CallRecord } from './recorder.js';
import { SigningKeys } from './signing-keys.js';
import { MemorySink } from './sink.js';
import { encodeBatch } from './batch.js';
import { TrailStore } from './store.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const ROOT: Principal = { type: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT, accessKeyId: 'AKIAROOTROOTROOTROOT' };
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/audit`;
const BUCKET = 'audit-logs';

function event(overrides: Partial<CallRecord>) {
  return buildEvent({
    requestId: randomBytes(8).toString('hex'), eventTime: new Date(), service: 'kms', operation: 'ListKeys', region: 'us-east-1',
    principal: ROOT, sourceIp: '127.0.0.1', userAgent: 'test', status: 200, input: {}, ...overrides,
  })!;
}

/** awscli's own digest check (customizations/cloudtrail/validation.py), run on our digest. */
const AWSCLI_VALIDATE = `
import json, sys, base64
from awscli.customizations.cloudtrail.validation import Sha256RSADigestValidator, DigestError
a = json.load(sys.stdin)
inflated = base64.b64decode(a['digest'])
data = json.loads(inflated.decode())
data['_signature'] = a['signature']
try:
    Sha256RSADigestValidator().validate(a['bucket'], a['key'], a['publicKey'], data, inflated)
    print('valid')
except DigestError as e:
    print('INVALID ' + str(e))
`;

function awscliValidates(digest: Buffer, signature: string, key: string, publicDer: Buffer): string {
  const input = JSON.stringify({ bucket: BUCKET, key, publicKey: publicDer.toString('base64'), digest: digest.toString('base64'), signature });
  return execFileSync('python3', ['-c', AWSCLI_VALIDATE], { input }).toString().trim();
}

describe('trail delivery: log files and signed digest files', () => {
  let db: Db;
  let store: TrailStore;
  let keys: SigningKeys;
  const sink = new MemorySink();
  const clock = new Clock();
  let delivery: TrailDelivery;

  before(async () => {
    db = await openSqlite(':memory:');
    await trailSchema(db);
    const sealer = new Sealer(randomBytes(32));
    store = new TrailStore(db, sealer);
    keys = new SigningKeys(db, sealer, clock);
    await db.insertInto('trails').values({
      arn: TRAIL_ARN, account_id: ACCOUNT, home_region: 'us-east-1', name: 'audit', s3_bucket: BUCKET, s3_key_prefix: 'org',
      sns_topic_name: null, include_global: 1, multi_region: 0, log_file_validation: 1, organization: 0, kms_key_id: null,
      cw_log_group_arn: null, cw_role_arn: null, event_selectors: null, advanced_selectors: null, is_logging: 1,
      start_logging_time: clock.now().toISOString(), stop_logging_time: null, delivered_seq: 0, latest_delivery_time: null,
      latest_delivery_attempt: null, latest_delivery_error: null, latest_digest_time: null, latest_digest_error: null,
      created_at: clock.now().toISOString(),
    }).execute();
    delivery = new TrailDelivery({ db, events: store, keys, sink, clock, log: createLogger('silent'), settings: { deliverySeconds: 60, digestSeconds: 60 } });
  });
  after(async () => {
    await delivery.stop();
    await db.destroy();
  });

  const objects = (kind: 'CloudTrail' | 'CloudTrail-Digest') => [...sink.objects.entries()].filter(([k]) => k.includes(`/${kind}/`)).sort(([a], [b]) => a.localeCompare(b));

  let first: { key: string; body: Buffer; signature: string };

  it('delivers the management events of its account and Region, gzipped, under AWS key layout', async () => {
    const wanted = [event({ operation: 'CreateKey' }), event({ service: 'iam', operation: 'CreateUser', input: { UserName: 'bob' } })];
    const unwanted = [
      event({ service: 's3', operation: 'PutObject', input: { Bucket: 'b', Key: 'k' }, resources: ['arn:aws:s3:::b/k'] }),
      event({ region: 'eu-west-1', operation: 'DescribeKey' }),
      event({ principal: { ...ROOT, accountId: OTHER, arn: `arn:aws:iam::${OTHER}:root` } }),
    ];
    await store.append(encodeBatch([wanted[0]!, ...unwanted, wanted[1]!]));
    await delivery.runOnce();
    assert.equal(objects('CloudTrail').length, 0, 'nothing before the delivery interval has passed');
    clock.advance(61_000);
    await delivery.runOnce();
    const logs = objects('CloudTrail');
    assert.equal(logs.length, 1);
    const [path, object] = logs[0]!;
    assert.match(path, new RegExp(`^${BUCKET}/org/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/\\d{4}/\\d{2}/\\d{2}/${ACCOUNT}_CloudTrail_us-east-1_\\d{8}T\\d{4}Z_[A-Za-z0-9]{16}\\.json\\.gz$`));
    const text = gunzipSync(object.body).toString();
    assert.equal(text, `{"Records":[${wanted[0]!.json},${wanted[1]!.json}]}`);
    const row = await db.selectFrom('trail_log_files').selectAll().executeTakeFirstOrThrow();
    assert.equal(row.sha256, sha256Hex(Buffer.from(text)));
  });

  it('writes a digest naming the log file, signed over AWS string; awscli validates it', async () => {
    const digests = objects('CloudTrail-Digest');
    assert.equal(digests.length, 1);
    const [path, object] = digests[0]!;
    const key = path.slice(BUCKET.length + 1);
    assert.match(key, new RegExp(`^org/AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/\\d{4}/\\d{2}/\\d{2}/${ACCOUNT}_CloudTrail-Digest_us-east-1_audit_us-east-1_\\d{8}T\\d{6}Z\\.json\\.gz$`));
    const body = gunzipSync(object.body);
    const digest = JSON.parse(body.toString());
    assert.deepEqual(Object.keys(digest), [
      'awsAccountId', 'digestStartTime', 'digestEndTime', 'digestS3Bucket', 'digestS3Object', 'digestPublicKeyFingerprint',
      'digestSignatureAlgorithm', 'newestEventTime', 'oldestEventTime', 'previousDigestS3Bucket', 'previousDigestS3Object',
      'previousDigestHashValue', 'previousDigestHashAlgorithm', 'previousDigestSignature', 'logFiles',
    ]);
    assert.equal(digest.digestS3Bucket, BUCKET);
    assert.equal(digest.digestS3Object, key);
    assert.equal(digest.previousDigestSignature, null);
    assert.equal(digest.digestSignatureAlgorithm, 'SHA256withRSA');
    const log = objects('CloudTrail')[0]!;
    assert.deepEqual(digest.logFiles.map((f: any) => [f.s3Bucket, f.s3Object, f.hashValue, f.hashAlgorithm]),
      [[BUCKET, log[0].slice(BUCKET.length + 1), sha256Hex(gunzipSync(log[1].body)), 'SHA-256']]);
    assert.deepEqual(object.metadata, { signature: object.metadata.signature, 'signature-algorithm': 'SHA256withRSA' });

    const [publicKey] = await keys.inRange('us-east-1', new Date(0), new Date(8.64e15));
    assert.equal(publicKey!.fingerprint, digest.digestPublicKeyFingerprint);
    assert.equal(createPublicKey({ key: publicKey!.publicDer, format: 'der', type: 'pkcs1' }).asymmetricKeyDetails?.modulusLength, 2048);
    const toSign = `${digest.digestEndTime}\n${BUCKET}/${key}\n${sha256Hex(body)}\nnull`;
    assert.equal(digestStringToSign(digest.digestEndTime, BUCKET, key, sha256Hex(body), null), toSign);
    assert.ok(verifyDigest(publicKey!.publicDer, toSign, object.metadata.signature!));
    assert.equal(awscliValidates(body, object.metadata.signature!, key, publicKey!.publicDer), 'valid');
    first = { key, body, signature: object.metadata.signature! };
  });

  it('chains the next digest to the previous one; a forged digest fails awscli validation', async () => {
    await store.append(encodeBatch([event({ operation: 'ScheduleKeyDeletion' })]));
    clock.advance(61_000);
    await delivery.runOnce();
    const digests = objects('CloudTrail-Digest');
    assert.equal(digests.length, 2);
    const [path, object] = digests[1]!;
    const key = path.slice(BUCKET.length + 1);
    const body = gunzipSync(object.body);
    const digest = JSON.parse(body.toString());
    assert.equal(digest.previousDigestS3Object, first.key);
    assert.equal(digest.previousDigestSignature, first.signature);
    assert.equal(digest.previousDigestHashValue, sha256Hex(first.body));
    assert.equal(digest.digestStartTime, JSON.parse(first.body.toString()).digestEndTime);
    assert.equal(digest.logFiles.length, 1);
    const [publicKey] = await keys.inRange('us-east-1', new Date(0), new Date(8.64e15));
    assert.equal(awscliValidates(body, object.metadata.signature!, key, publicKey!.publicDer), 'valid');

    const forged = Buffer.from(body.toString().replace(digest.logFiles[0].hashValue, sha256Hex('forged log')));
    assert.match(awscliValidates(forged, object.metadata.signature!, key, publicKey!.publicDer), /^INVALID .*signature verification failed/);
  });

  it('S3 data events are off by default and delivered once a selector asks for the bucket', async () => {
    const put = event({ service: 's3', operation: 'PutObject', input: { Bucket: 'photos', Key: 'a.jpg' }, resources: ['arn:aws:s3:::photos/a.jpg'] });
    const elsewhere = event({ service: 's3', operation: 'PutObject', input: { Bucket: 'other', Key: 'b' }, resources: ['arn:aws:s3:::other/b'] });
    await db.updateTable('trails').set({
      event_selectors: JSON.stringify([{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::photos/'] }] }]),
    }).execute();
    await store.append(encodeBatch([put, elsewhere, event({ operation: 'CreateAlias' })]));
    clock.advance(61_000);
    await delivery.runOnce();
    const logs = objects('CloudTrail');
    const newest = logs.map(([, o]) => JSON.parse(gunzipSync(o.body).toString()).Records as Array<{ eventID: string }>).find((r) => r.some((e) => e.eventID === put.index.eventId));
    assert.ok(newest, 'the data event was delivered');
    assert.deepEqual(newest.map((e) => e.eventID), [put.index.eventId]);
  });
});
