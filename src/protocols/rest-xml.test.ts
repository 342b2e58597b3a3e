import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AwsError } from '../errors.js';
import { loadModel } from '../model/registry.js';
import { hasBotocore, NO_BOTOCORE, revive } from './fixtures/harness.js';
import { methodNotAllowedError, notImplementedError, restXmlCodec } from './rest-xml.js';
import { matchS3Operation } from './s3-route.js';
import type { EncodeContext, WireRequest, WireResponse } from './types.js';

const model = loadModel('s3');
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const DOMAINS = ['localhost', 's3.localhost'];
const ctx: EncodeContext = { requestId: '4442587FB7D0A2F9', hostId: 'aG9zdC1pZA==', resource: '/my-bucket/k' };

interface S3Case {
  case: string;
  operation: string;
  expected: unknown;
  request: { method: string; path: string; query: string; headers: Record<string, string>; body: string };
}
const fixtures = (JSON.parse(readFileSync(join(FIXTURES, 's3-requests.json'), 'utf8')) as { cases: S3Case[] }).cases;

/** A recorded request routed and handed over as the gateway does. */
function wire(c: S3Case): WireRequest {
  const r = c.request;
  const query = [...new URLSearchParams(r.query)];
  const match = matchS3Operation(model, { method: r.method, rawPath: r.path, query, host: r.headers.host ?? '', headers: r.headers }, DOMAINS);
  assert.ok(match, `no route for ${c.case}`);
  return { method: r.method, rawPath: r.path, rawQuery: r.query, query, headers: r.headers, body: Buffer.from(r.body, 'base64'), labels: match.labels };
}

function decode(operation: string, req: Partial<WireRequest>): unknown {
  return restXmlCodec.decode(model, model.operations[operation]!, {
    method: 'GET', rawPath: '/', rawQuery: '', query: [], headers: {}, body: Buffer.alloc(0), ...req,
  });
}

function awsError(code: string, check: (e: AwsError) => void = () => {}): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof AwsError, String(e));
    assert.equal(e.code, code, e.message);
    check(e);
    return true;
  };
}

describe('rest-xml decode: what botocore sends', () => {
  for (const c of fixtures) {
    it(c.case, () => {
      assert.deepEqual(restXmlCodec.decode(model, model.operations[c.operation]!, wire(c)), revive(c.expected));
    });
  }
});

describe('rest-xml decode: edge cases', () => {
  it('hands a streaming body over as the stream itself', () => {
    const body = Readable.from([Buffer.from('abc')]);
    const input = decode('PutObject', { method: 'PUT', labels: { Bucket: 'b', Key: 'k' }, body }) as Record<string, unknown>;
    assert.equal(input.Body, body);
  });

  it('leaves an optional payload structure out when the body is empty', () => {
    assert.deepEqual(decode('CreateBucket', { method: 'PUT', labels: { Bucket: 'b' } }), { Bucket: 'b' });
  });

  it('undoes aws-chunked: content coding and decoded length', () => {
    const input = decode('PutObject', {
      labels: { Bucket: 'b', Key: 'k' }, body: Buffer.from('hello'),
      headers: { 'content-encoding': 'aws-chunked', 'content-length': '173', 'x-amz-decoded-content-length': '5' },
    }) as Record<string, unknown>;
    assert.equal(input.ContentEncoding, undefined);
    assert.equal(input.ContentLength, 5);
    const gz = decode('PutObject', { labels: { Bucket: 'b', Key: 'k' }, headers: { 'content-encoding': 'aws-chunked,gzip' } }) as Record<string, unknown>;
    assert.equal(gz.ContentEncoding, 'gzip');
  });

  it('reads a string payload as text and keeps unknown XML elements out', () => {
    const input = decode('PutBucketPolicy', { labels: { Bucket: 'b' }, body: Buffer.from('{"Version":"2012-10-17"}') }) as Record<string, unknown>;
    assert.equal(input.Policy, '{"Version":"2012-10-17"}');
    const tagging = decode('PutBucketTagging', {
      labels: { Bucket: 'b' }, body: Buffer.from('<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value><Extra/></Tag></TagSet><Junk>1</Junk></Tagging>'),
    });
    assert.deepEqual(tagging, { Bucket: 'b', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } });
  });

  const malformed: Array<[string, string]> = [
    ['not XML', 'hello'],
    ['unclosed', '<Tagging><TagSet>'],
    ['the wrong root', '<Delete><Object><Key>k</Key></Object></Delete>'],
    ['a DTD', '<!DOCTYPE Tagging [<!ENTITY x "y">]><Tagging><TagSet><Tag><Key>&x;</Key><Value>v</Value></Tag></TagSet></Tagging>'],
    ['an undeclared entity', '<Tagging><TagSet><Tag><Key>&x;</Key><Value>v</Value></Tag></TagSet></Tagging>'],
    ['a missing required element', '<Tagging></Tagging>'],
  ];
  for (const [what, xml] of malformed) {
    it(`answers MalformedXML to ${what}`, () => {
      assert.throws(() => decode('PutBucketTagging', { labels: { Bucket: 'b' }, body: Buffer.from(xml) }), awsError('MalformedXML', (e) => {
        assert.equal(e.status, 400);
        assert.equal(e.message, 'The XML you provided was not well-formed or did not validate against our published schema');
      }));
    });
  }

  it('answers MalformedXML to a missing required payload', () => {
    assert.throws(() => decode('PutBucketTagging', { labels: { Bucket: 'b' } }), awsError('MalformedXML'));
  });

  it('answers InvalidArgument to a bad or missing parameter, naming it', () => {
    assert.throws(() => decode('ListObjectsV2', { labels: { Bucket: 'b' }, query: [['list-type', '2'], ['max-keys', 'ten']] }), awsError('InvalidArgument', (e) => {
      assert.deepEqual(e.fields, { ArgumentName: 'max-keys', ArgumentValue: 'ten' });
      assert.equal(e.message, 'Provided max-keys not an integer or within integer range');
    }));
    assert.throws(() => decode('UploadPart', { labels: { Bucket: 'b', Key: 'k' }, query: [['uploadId', 'u']] }), awsError('InvalidArgument', (e) => {
      assert.equal(e.fields.ArgumentName, 'partNumber');
    }));
    assert.throws(() => decode('PutObject', { labels: { Bucket: 'b', Key: 'k' }, headers: { 'x-amz-server-side-encryption-bucket-key-enabled': 'yes' } }),
      awsError('InvalidArgument', (e) => assert.equal(e.fields.ArgumentName, 'x-amz-server-side-encryption-bucket-key-enabled')));
  });

  it('answers InvalidStorageClass to a storage class S3 does not have', () => {
    assert.throws(() => decode('PutObject', { labels: { Bucket: 'b', Key: 'k' }, headers: { 'x-amz-storage-class': 'FAST' } }), awsError('InvalidStorageClass'));
  });

  it('ignores an unparseable If-Modified-Since, as HTTP requires', () => {
    assert.deepEqual(decode('GetObject', { labels: { Bucket: 'b', Key: 'k' }, headers: { 'if-modified-since': 'yesterday' } }), { Bucket: 'b', Key: 'k' });
  });
});

// ---------------------------------------------------------------------------------------------

function bodyText(res: WireResponse): string {
  if (res.body === undefined) return '';
  if (res.body instanceof Readable) throw new Error('stream body');
  return typeof res.body === 'string' ? res.body : res.body.toString('utf8');
}

/** Parse a response with botocore's RestXMLParser, as boto3 does. */
function botocoreParse(operation: string, res: WireResponse): Record<string, unknown> {
  const body = res.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(res.body) ? res.body : Buffer.from(res.body as string, 'utf8');
  const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const run = spawnSync('python3', [join(FIXTURES, 'make-s3-fixtures.py'), 'parse'], {
    input: JSON.stringify({ operation, status: res.status, headers, body: body.toString('base64') }), encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`botocore could not parse the response: ${run.stderr}\n${body.toString('utf8')}`);
  const parsed = revive(JSON.parse(run.stdout)) as Record<string, unknown> & { ResponseMetadata?: Record<string, unknown> };
  // The status botocore saw is checked here once, so expectations list only the modeled values.
  assert.equal(parsed.ResponseMetadata?.HTTPStatusCode, res.status);
  delete parsed.ResponseMetadata?.HTTPStatusCode;
  return parsed;
}

function encode(operation: string, output: unknown): WireResponse {
  return restXmlCodec.encode(model, model.operations[operation]!, output, ctx);
}

const OWNER = { ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be', DisplayName: 'owner' };
const DATE = new Date('2024-05-01T12:30:00.000Z');
const METADATA = { RequestId: ctx.requestId, HostId: ctx.hostId };

describe('rest-xml encode: what botocore reads back', { skip: hasBotocore() ? false : NO_BOTOCORE }, () => {
  it('ListObjectsV2', () => {
    const output = {
      IsTruncated: true, Name: 'my-bucket', Prefix: 'docs/', Delimiter: '/', MaxKeys: 2, KeyCount: 2,
      NextContinuationToken: 'next==', EncodingType: 'url',
      Contents: [
        { Key: 'docs/a%20%26b.txt', LastModified: DATE, ETag: '"e1"', Size: 11, StorageClass: 'STANDARD', Owner: OWNER, ChecksumAlgorithm: ['CRC32'] },
      ],
      CommonPrefixes: [{ Prefix: 'docs/sub/' }],
    };
    const res = encode('ListObjectsV2', output);
    assert.equal(res.status, 200);
    assert.equal(res.headers['Content-Type'], 'application/xml');
    const text = bodyText(res);
    assert.ok(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'), text);
    // Keys stay url-encoded on the wire with EncodingType url (boto3 decodes them in a handler).
    assert.deepEqual(botocoreParse('ListObjectsV2', res), { ...output, ResponseMetadata: METADATA });
  });

  it('GetObject: header members and the body as bytes', () => {
    const body = Buffer.from([0, 1, 2, 255, 10]);
    const output = {
      Body: body, ContentLength: 5, ContentType: 'application/octet-stream', ETag: '"etag"', LastModified: DATE,
      Metadata: { owner: 'alice', note: 'a, b' }, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
      BucketKeyEnabled: true, VersionId: 'v1', ContentRange: 'bytes 0-4/10', AcceptRanges: 'bytes', TagCount: 2,
      Expires: DATE, MissingMeta: 1, StatusCode: 206,
    };
    const res = encode('GetObject', output);
    assert.equal(res.status, 206);
    assert.equal(res.body, body);
    assert.equal(res.headers['Last-Modified'], 'Wed, 01 May 2024 12:30:00 GMT');
    assert.equal(res.headers['x-amz-meta-owner'], 'alice');
    assert.equal(res.headers['x-amz-request-id'], ctx.requestId);
    assert.equal(res.headers['x-amz-id-2'], ctx.hostId);
    const parsed = botocoreParse('GetObject', res);
    const { ResponseMetadata, ...rest } = parsed;
    assert.deepEqual(ResponseMetadata, METADATA);
    assert.deepEqual(rest, output);
  });

  it('HeadObject: headers only, never a body', () => {
    const res = encode('HeadObject', { ContentLength: 5, ETag: '"e"', LastModified: DATE, DeleteMarker: false });
    assert.equal(res.body, undefined);
    assert.equal(res.headers['Content-Length'], '5');
    assert.equal(res.headers['x-amz-delete-marker'], 'false');
  });

  it('ListBuckets', () => {
    const output = {
      Buckets: [{ Name: 'a', CreationDate: DATE, BucketRegion: 'us-east-1' }, { Name: 'b&c', CreationDate: new Date('2023-01-02T03:04:05.678Z') }],
      Owner: OWNER, Prefix: 'a',
    };
    const res = encode('ListBuckets', output);
    assert.match(bodyText(res), /^<\?xml[^>]*>\n<ListAllMyBucketsResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><Buckets><Bucket><Name>a<\/Name>/);
    assert.deepEqual(botocoreParse('ListBuckets', res), { ...output, ResponseMetadata: METADATA });
  });

  it('GetBucketLocation: the value is the root element', () => {
    const res = encode('GetBucketLocation', { LocationConstraint: 'eu-west-1' });
    assert.equal(bodyText(res), '<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>');
    assert.equal(botocoreParse('GetBucketLocation', res).LocationConstraint, 'eu-west-1');
    // us-east-1 is an empty LocationConstraint; boto3 reads it as None.
    assert.equal(botocoreParse('GetBucketLocation', encode('GetBucketLocation', {})).LocationConstraint, null);
  });

  it('CopyObject: a structure payload with its own root, plus headers', () => {
    const output = { CopyObjectResult: { ETag: '"e"', LastModified: DATE }, VersionId: 'v2', CopySourceVersionId: 'v1' };
    const res = encode('CopyObject', output);
    assert.match(bodyText(res), /<CopyObjectResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><ETag>&quot;e&quot;<\/ETag>/);
    assert.deepEqual(botocoreParse('CopyObject', res), { ...output, ResponseMetadata: METADATA });
  });

  it('GetBucketPolicy: a string payload goes out as is', () => {
    const policy = '{"Version":"2012-10-17","Statement":[]}';
    const res = encode('GetBucketPolicy', { Policy: policy });
    assert.equal(res.body, policy);
    assert.equal(botocoreParse('GetBucketPolicy', res).Policy, policy);
  });

  it('GetObjectAcl: xsi:type grantees', () => {
    const output = {
      Owner: { ID: 'abc' },
      Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'abc', DisplayName: 'me' }, Permission: 'FULL_CONTROL' },
        { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }],
    };
    assert.deepEqual(botocoreParse('GetObjectAcl', encode('GetObjectAcl', output)), { ...output, ResponseMetadata: METADATA });
  });

  it('DeleteObject: 204 with headers', () => {
    const res = encode('DeleteObject', { DeleteMarker: true, VersionId: 'v' });
    assert.equal(res.status, 204);
    assert.equal(res.body, undefined);
    assert.deepEqual(botocoreParse('DeleteObject', res), { DeleteMarker: true, VersionId: 'v', ResponseMetadata: METADATA });
  });

  it('a NoSuchKey error', () => {
    const res = restXmlCodec.encodeError(model, model.operations.GetObject, new AwsError('NoSuchKey', 'The specified key does not exist.', { fields: { Key: 'k' } }), ctx);
    assert.equal(res.status, 404);
    assert.equal(res.headers['Content-Type'], 'application/xml');
    assert.equal(bodyText(res), '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>'
      + `<Key>k</Key><RequestId>${ctx.requestId}</RequestId><HostId>${ctx.hostId}</HostId></Error>`);
    assert.deepEqual(botocoreParse('GetObject', res), {
      Error: { Code: 'NoSuchKey', Message: 'The specified key does not exist.', Key: 'k' }, ResponseMetadata: METADATA,
    });
  });

  it('an InvalidArgument error with ArgumentName and ArgumentValue', () => {
    const err = new AwsError('InvalidArgument', 'Provided max-keys not an integer or within integer range', { fields: { ArgumentName: 'max-keys', ArgumentValue: 'x<y' } });
    const res = restXmlCodec.encodeError(model, model.operations.ListObjectsV2, err, ctx);
    assert.equal(res.status, 400);
    assert.deepEqual(botocoreParse('ListObjectsV2', res), {
      Error: { Code: 'InvalidArgument', Message: err.message, ArgumentName: 'max-keys', ArgumentValue: 'x<y', Resource: ctx.resource },
      ResponseMetadata: METADATA,
    });
  });
});

describe('rest-xml errors', () => {
  it('takes the status from the error, else the (patched) model, else 400', () => {
    const status = (code: string, status?: number): number => restXmlCodec.encodeError(model, undefined, new AwsError(code, 'm', { status }), ctx).status;
    assert.equal(status('NoSuchBucket'), 404);
    assert.equal(status('NoSuchBucketPolicy'), 404);
    assert.equal(status('BucketNotEmpty'), 409);
    assert.equal(status('InvalidRange'), 416);
    assert.equal(status('PreconditionFailed'), 412);
    assert.equal(status('SignatureDoesNotMatch'), 403);
    assert.equal(status('KMS.DisabledException'), 400);
    assert.equal(status('SomethingUnknown'), 400);
    assert.equal(status('NoSuchKey', 418), 418);
  });

  it('sends NotModified without a body', () => {
    const res = restXmlCodec.encodeError(model, model.operations.GetObject, new AwsError('NotModified', 'Not Modified', { headers: { ETag: '"e"' } }), ctx);
    assert.equal(res.status, 304);
    assert.equal(res.body, undefined);
    assert.equal(res.headers.ETag, '"e"');
    assert.equal(res.headers['x-amz-request-id'], ctx.requestId);
  });

  it('names the resource only when the fields do not', () => {
    const denied = bodyText(restXmlCodec.encodeError(model, undefined, new AwsError('AccessDenied', 'Access Denied'), ctx));
    assert.match(denied, /<Message>Access Denied<\/Message><Resource>\/my-bucket\/k<\/Resource><RequestId>/);
    const noBucket = bodyText(restXmlCodec.encodeError(model, undefined, new AwsError('NoSuchBucket', 'The specified bucket does not exist', { fields: { BucketName: 'b' } }), ctx));
    assert.doesNotMatch(noBucket, /<Resource>/);
  });

  it('NotImplemented and MethodNotAllowed', () => {
    const ni = notImplementedError('Transfer-Encoding');
    assert.deepEqual([ni.code, ni.status, ni.message, ni.fields], ['NotImplemented', 501, 'A header you provided implies functionality that is not implemented', { Header: 'Transfer-Encoding' }]);
    const mna = methodNotAllowedError('POST', 'OBJECT');
    assert.deepEqual([mna.code, mna.status, mna.message, mna.fields], ['MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', { Method: 'POST', ResourceType: 'OBJECT' }]);
    assert.deepEqual(methodNotAllowedError().fields, {});
  });
});
