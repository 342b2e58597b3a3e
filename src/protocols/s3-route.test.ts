import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AwsError } from '../errors.js';
import { loadModel } from '../model/registry.js';
import { matchS3Operation, type S3Match } from './s3-route.js';

const model = loadModel('s3');
const DOMAINS = ['localhost', 's3.localhost', '127.0.0.1', 's3.amazonaws.com', 's3.us-west-2.amazonaws.com'];

interface S3Case {
  case: string;
  operation: string;
  request: { method: string; path: string; query: string; headers: Record<string, string> };
}
const fixtures = (JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 's3-requests.json'), 'utf8')) as { cases: S3Case[] }).cases;

function route(method: string, url: string, host = 'localhost:4566', headers: Record<string, string> = {}): S3Match | null {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = [...new URLSearchParams(q < 0 ? '' : url.slice(q + 1))];
  return matchS3Operation(model, { method, rawPath, query, host, headers }, DOMAINS);
}

describe('matchS3Operation: what botocore sends', () => {
  for (const c of fixtures) {
    it(c.case, () => {
      const r = c.request;
      const match = matchS3Operation(model, {
        method: r.method, rawPath: r.path, query: [...new URLSearchParams(r.query)], host: r.headers.host ?? '', headers: r.headers,
      }, DOMAINS);
      assert.equal(match?.operation, c.operation);
    });
  }
});

describe('matchS3Operation: labels', () => {
  it('decodes bucket and key; the greedy key keeps slashes, dot segments and a decoded %2F', () => {
    assert.deepEqual(route('GET', '/my-bucket/a%2Fb/../c%20d/'), { operation: 'GetObject', labels: { Bucket: 'my-bucket', Key: 'a/b/../c d/' } });
    assert.deepEqual(route('GET', '/b//x'), { operation: 'GetObject', labels: { Bucket: 'b', Key: '/x' } });
    assert.deepEqual(route('GET', '/b/%E2%98%83+plus'), { operation: 'GetObject', labels: { Bucket: 'b', Key: '☃+plus' } });
  });

  it('treats /bucket/ as the bucket', () => {
    assert.deepEqual(route('GET', '/my-bucket/'), { operation: 'ListObjects', labels: { Bucket: 'my-bucket' } });
    assert.deepEqual(route('PUT', '/my-bucket/'), { operation: 'CreateBucket', labels: { Bucket: 'my-bucket' } });
  });

  it('answers GET / with ListBuckets, not the directory-bucket variant', () => {
    assert.deepEqual(route('GET', '/'), { operation: 'ListBuckets', labels: {} });
  });

  it('throws InvalidURI for broken percent-encoding', () => {
    assert.throws(() => route('GET', '/b/%E0%A4%A'), (e: unknown) => e instanceof AwsError && e.code === 'InvalidURI' && e.status === 400);
  });
});

describe('matchS3Operation: virtual-hosted style', () => {
  it('takes the bucket from the host and the whole path as the key', () => {
    assert.deepEqual(route('GET', '/docs/a.txt', 'my-bucket.localhost:4566'), { operation: 'GetObject', labels: { Bucket: 'my-bucket', Key: 'docs/a.txt' } });
    assert.deepEqual(route('GET', '/', 'my-bucket.localhost'), { operation: 'ListObjects', labels: { Bucket: 'my-bucket' } });
    assert.deepEqual(route('GET', '/?list-type=2', 'my-bucket.s3.amazonaws.com'), { operation: 'ListObjectsV2', labels: { Bucket: 'my-bucket' } });
    assert.deepEqual(route('GET', '//x', 'b.localhost'), { operation: 'GetObject', labels: { Bucket: 'b', Key: '/x' } });
  });

  it('keeps dots in bucket names and prefers the longest base domain', () => {
    assert.deepEqual(route('PUT', '/k', 'my.dotted.bucket.s3.localhost:4566'), { operation: 'PutObject', labels: { Bucket: 'my.dotted.bucket', Key: 'k' } });
    assert.deepEqual(route('GET', '/?location', 'b.s3.us-west-2.amazonaws.com'), { operation: 'GetBucketLocation', labels: { Bucket: 'b' } });
  });

  it('is path style on a base domain itself, an IP, or an unknown host', () => {
    assert.equal(route('GET', '/b/k', 's3.localhost:4566')?.labels.Bucket, 'b');
    assert.equal(route('GET', '/b/k', '127.0.0.1:4566')?.labels.Bucket, 'b');
    assert.equal(route('GET', '/b/k', '[::1]:4566')?.labels.Bucket, 'b');
    assert.equal(route('GET', '/b/k', 'coffer.internal')?.labels.Bucket, 'b');
  });
});

describe('matchS3Operation: the more specific match wins', () => {
  const cases: Array<[string, string, Record<string, string>, string]> = [
    ['PUT', '/b/k', {}, 'PutObject'],
    ['PUT', '/b/k', { 'x-amz-copy-source': 'src/k' }, 'CopyObject'],
    ['PUT', '/b/k?uploadId=u&partNumber=1', {}, 'UploadPart'],
    ['PUT', '/b/k?uploadId=u&partNumber=1', { 'x-amz-copy-source': 'src/k' }, 'UploadPartCopy'],
    ['PUT', '/b/k?tagging', {}, 'PutObjectTagging'],
    ['GET', '/b/k', {}, 'GetObject'],
    ['GET', '/b/k?uploadId=u', {}, 'ListParts'],
    ['GET', '/b/k?acl&versionId=v', {}, 'GetObjectAcl'],
    ['DELETE', '/b/k', {}, 'DeleteObject'],
    ['DELETE', '/b/k?uploadId=u', {}, 'AbortMultipartUpload'],
    ['POST', '/b/k?uploads', {}, 'CreateMultipartUpload'],
    ['POST', '/b/k?uploadId=u', {}, 'CompleteMultipartUpload'],
    ['POST', '/b?delete', {}, 'DeleteObjects'],
    ['GET', '/b', {}, 'ListObjects'],
    ['GET', '/b?list-type=2', {}, 'ListObjectsV2'],
    ['GET', '/b?list-type=1', {}, 'ListObjects'],
    ['GET', '/b?uploads', {}, 'ListMultipartUploads'],
    ['GET', '/b?versions', {}, 'ListObjectVersions'],
    ['GET', '/b?analytics', {}, 'ListBucketAnalyticsConfigurations'],
    ['GET', '/b?analytics&id=x', {}, 'GetBucketAnalyticsConfiguration'],
    ['GET', '/b?lifecycle', {}, 'GetBucketLifecycleConfiguration'],
    ['PUT', '/b?lifecycle', {}, 'PutBucketLifecycleConfiguration'],
    ['GET', '/b?notification', {}, 'GetBucketNotificationConfiguration'],
    ['HEAD', '/b', {}, 'HeadBucket'],
    ['HEAD', '/b/k', {}, 'HeadObject'],
    ['DELETE', '/b?policy', {}, 'DeleteBucketPolicy'],
    ['POST', '/b/k?select&select-type=2', {}, 'SelectObjectContent'],
    // The AWS SDK v3 names the operation in x-id; it never stops a match, only confirms one.
    ['GET', '/b/k?x-id=GetObject', {}, 'GetObject'],
    ['PUT', '/b/k?x-id=PutObject', {}, 'PutObject'],
    ['PUT', '/b/k?x-id=CopyObject', { 'x-amz-copy-source': 'src/k' }, 'CopyObject'],
    ['PUT', '/b/k?x-id=UploadPart&partNumber=1&uploadId=u', {}, 'UploadPart'],
    ['GET', '/?x-id=ListBuckets', {}, 'ListBuckets'],
  ];
  for (const [method, url, headers, operation] of cases) {
    it(`${method} ${url}${Object.keys(headers).length ? ' + copy source' : ''} -> ${operation}`, () => {
      assert.equal(route(method, url, 'localhost', headers)?.operation, operation);
    });
  }

  it('returns null when no operation matches', () => {
    assert.equal(route('POST', '/b'), null);
    assert.equal(route('PATCH', '/b/k'), null);
    assert.equal(route('PUT', '/'), null);
    assert.equal(route('DELETE', '/'), null);
  });
});
