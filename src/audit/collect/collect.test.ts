/** The collectors' pure parts: credential report CSV, user data, bucket Regions, IAM documents, errors, progress. */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { decodeUserData } from './ec2.js';
import { parseCredentialReport, parseCsv } from './iam.js';
import { renderLine, terminalProgress } from './progress.js';
import { regionOfLocation } from './s3.js';
import { apiError, attempt, attemptOptional, mapLimit, parseIamDocument, silentProgress } from './util.js';

describe('collector helpers', () => {
  it('parses the credential report by its header, quoted fields included', () => {
    assert.deepEqual(parseCsv('a,b\r\n"x,1","say ""hi"""\n'), [['a', 'b'], ['x,1', 'say "hi"']]);
    const report = parseCredentialReport('user,arn,mfa_active\n<root_account>,arn:aws:iam::1:root,false\nalice,arn:aws:iam::1:user/alice,true\n', '2025-01-01T00:00:00.000Z');
    assert.equal(report.rows.length, 2);
    assert.deepEqual(report.rows[1], { user: 'alice', arn: 'arn:aws:iam::1:user/alice', mfa_active: 'true' });
  });

  it('decodes user data, gzip-compressed or not', async () => {
    assert.equal(await decodeUserData(Buffer.from('#!/bin/sh\necho hi\n').toString('base64')), '#!/bin/sh\necho hi\n');
    assert.equal(await decodeUserData(Buffer.from('echo café\n').toString('base64')), 'echo café\n');
    assert.equal(await decodeUserData(gzipSync('#cloud-config\n').toString('base64')), '#cloud-config\n');
  });

  it('reads GetBucketLocation as S3 means it', () => {
    assert.equal(regionOfLocation(undefined), 'us-east-1');
    assert.equal(regionOfLocation(''), 'us-east-1');
    assert.equal(regionOfLocation('EU'), 'eu-west-1');
    assert.equal(regionOfLocation('ap-south-2'), 'ap-south-2');
  });

  it('decodes IAM\'s URL-encoded policy documents', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
    assert.deepEqual(parseIamDocument(encodeURIComponent(JSON.stringify(doc))), doc);
    assert.deepEqual(parseIamDocument(JSON.stringify(doc)), doc);
  });

  it('records an API error with its code and message, and absent configuration as a value', async () => {
    const denied = Object.assign(new Error('User is not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    assert.deepEqual(apiError('GetBucketPolicy', denied), { operation: 'GetBucketPolicy', code: 'AccessDenied', message: 'User is not authorized', kind: 'error' });
    const failed = await attempt(silentProgress, 'GetBucketPolicy', () => Promise.reject(denied));
    assert.equal(failed.ok, false);
    const missing = Object.assign(new Error('The bucket policy does not exist'), { name: 'NoSuchBucketPolicy' });
    assert.deepEqual(await attemptOptional(silentProgress, 'GetBucketPolicy', ['NoSuchBucketPolicy'], null, () => Promise.reject(missing)), { ok: true, value: null });
  });

  it('runs at most `limit` tasks at once and keeps the order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
    assert.equal(peak, 2);
  });

  it('draws progress on a terminal only, and erases it at the end', () => {
    const written: string[] = [];
    let t = 0;
    const tty = terminalProgress({ isTTY: true, columns: 80, write: (s) => written.push(s) > 0 }, () => (t += 200));
    tty.stage('ec2 eu-west-1');
    tty.call('DescribeInstances');
    tty.done();
    assert.match(written[0]!, /^\r\x1b\[K. Collecting ec2 eu-west-1 · 0 API calls/);
    assert.match(written[1]!, /1 API call · /);
    assert.equal(written.at(-1), '\r\x1b[K');
    const quiet: string[] = [];
    const pipe = terminalProgress({ isTTY: false, write: (s) => quiet.push(s) > 0 });
    pipe.stage('iam');
    pipe.call('ListUsers');
    pipe.done();
    assert.deepEqual(quiet, []);
    assert.ok(renderLine(0, 'x'.repeat(200), 1, 1, 40).length <= 40);
  });
});
