import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { digestBody, digestFileKey, digestStringToSign, logFileBody, logFileKey, sha256Hex, signDigest } from './digest.js';
import { trailTime } from './identity.js';
import { validateTrailLogs, type ValidationObjects } from './validate.js';

const ACCOUNT = '111122223333';
const BUCKET = 'logs';
const HOUR = 3600_000;
const T0 = Date.UTC(2025, 4, 20, 10);

/** A bucket in memory. */
class Objects implements ValidationObjects {
  readonly map = new Map<string, { body: Buffer; metadata: Record<string, string> }>();
  async list(bucket: string, prefix: string): Promise<string[]> {
    return [...this.map.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).map((k) => k.slice(bucket.length + 1));
  }
  async get(bucket: string, key: string) {
    return this.map.get(`${bucket}/${key}`);
  }
}

describe('coffer trail validate (the checks of aws cloudtrail validate-logs)', () => {
  let objects: Objects;
  let privateKey: KeyObject;
  let publicKeys: Map<string, Buffer>;
  let digests: string[];
  let logs: string[];

  /** Three hourly digests, each naming one log file, chained as delivery chains them. */
  beforeEach(() => {
    objects = new Objects();
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKey = pair.privateKey;
    publicKeys = new Map([['fp', pair.publicKey.export({ format: 'der', type: 'pkcs1' })]]);
    digests = [];
    logs = [];
    let previous: { bucket: string; key: string; sha256: string; signature: string } | undefined;
    for (let i = 1; i <= 3; i++) {
      const end = new Date(T0 + i * HOUR);
      const log = logFileBody([JSON.stringify({ eventName: `Call${i}` })]);
      const logKey = logFileKey(undefined, ACCOUNT, 'us-east-1', new Date(end.getTime() - 60_000));
      objects.map.set(`${BUCKET}/${logKey}`, { body: gzipSync(log), metadata: {} });
      const key = digestFileKey(undefined, ACCOUNT, 'us-east-1', 'trail', 'us-east-1', end);
      const body = digestBody({
        accountId: ACCOUNT, bucket: BUCKET, key, start: new Date(end.getTime() - HOUR), end, fingerprint: 'fp', previous,
        logFiles: [{ s3Bucket: BUCKET, s3Object: logKey, hashValue: sha256Hex(log), newestEventTime: end, oldestEventTime: end }],
      });
      const signature = signDigest(privateKey, digestStringToSign(trailTime(end), BUCKET, key, sha256Hex(body), previous?.signature ?? null));
      objects.map.set(`${BUCKET}/${key}`, { body: gzipSync(body), metadata: { signature, 'signature-algorithm': 'SHA256withRSA' } });
      previous = { bucket: BUCKET, key, sha256: sha256Hex(body), signature };
      digests.push(key);
      logs.push(logKey);
    }
  });

  const validate = (start = new Date(T0), end = new Date(T0 + 4 * HOUR)) =>
    validateTrailLogs(objects, { accountId: ACCOUNT, bucket: BUCKET, start, end, publicKeys });
  const invalid = async () => (await validate()).results.filter((r) => r.invalid).map((r) => [r.kind, r.key, r.invalid]);

  it('passes an intact chain, newest digest first, and reports the range it found', async () => {
    const report = await validate();
    assert.deepEqual(report.results.map((r) => [r.kind, r.key, r.invalid]), [
      ['Digest file', digests[2], undefined], ['Log file', logs[2], undefined],
      ['Digest file', digests[1], undefined], ['Log file', logs[1], undefined],
      ['Digest file', digests[0], undefined], ['Log file', logs[0], undefined],
    ]);
    assert.deepEqual(report.found, { start: trailTime(new Date(T0)), end: trailTime(new Date(T0 + 3 * HOUR)) });
  });

  it('checks only digests whose end time is in range', async () => {
    const report = await validate(new Date(T0 + 2 * HOUR), new Date(T0 + 4 * HOUR));
    assert.deepEqual(report.results.filter((r) => r.kind === 'Digest file').map((r) => r.key), [digests[2], digests[1]]);
  });

  it('a digest copied to another key has been moved', async () => {
    const moved = digests[1]!.replace('us-east-1_trail', 'us-east-1_trail2');
    objects.map.set(`${BUCKET}/${moved}`, objects.map.get(`${BUCKET}/${digests[1]}`)!);
    assert.deepEqual(await invalid(), [['Digest file', moved, `has been moved from its original location s3://${BUCKET}/${digests[1]}`]]);
  });

  it('a digest signed by an unknown key, or without a signature, is invalid', async () => {
    publicKeys = new Map([['other', publicKeys.get('fp')!]]);
    assert.equal((await invalid()).length, 3);
    assert.match(String((await invalid())[0]![2]), /^public key not found for fingerprint fp$/);
    publicKeys = new Map([['fp', generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'pkcs1' })]]);
    assert.deepEqual((await invalid()).map((r) => r[2]), Array(3).fill('signature verification failed'));
  });

  it('a digest that is not gzipped JSON has an invalid format; a log file that is not gzip too', async () => {
    objects.map.set(`${BUCKET}/${digests[2]}`, { body: Buffer.from('not gzip'), metadata: {} });
    objects.map.set(`${BUCKET}/${logs[0]}`, { body: Buffer.from('not gzip'), metadata: {} });
    assert.deepEqual(await invalid(), [['Digest file', digests[2], 'invalid format'], ['Log file', logs[0], 'invalid format']]);
  });

  it('a previous digest swapped for another genuine one breaks the link', async () => {
    // Digest 1 put where digest 2 was: it verifies under its own name nowhere, and digest 3's link no longer holds.
    objects.map.set(`${BUCKET}/${digests[1]}`, objects.map.get(`${BUCKET}/${digests[0]}`)!);
    const found = await invalid();
    assert.deepEqual(found[0], ['Digest file', digests[2], `previous digest file s3://${BUCKET}/${digests[1]} was replaced: its hash or signature is not the one this digest names`]);
    assert.deepEqual(found[1]![0], 'Digest file');
    assert.match(String(found[1]![2]), /^has been moved from its original location/);
  });
});
