/**
 * Every wire decoder, fed hostile input: the json, query, ec2 and rest-xml codecs over every
 * operation of their models, S3 routing, the SigV4 parser (header and presigned), the XML reader
 * and the aws-chunked decoder. Each must either decode or throw an AwsError with a client status
 * (S3's 501 NotImplemented included), never anything else: a TypeError, a RangeError from a blown
 * stack, or a hang would reach the gateway as a 500.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AuthError, toAwsError } from '../../src/auth/auth-errors.js';
import { createChunkedDecoder } from '../../src/auth/sigv4-chunked.js';
import { parseSigV4, signingKey } from '../../src/auth/sigv4.js';
import { AwsError } from '../../src/errors.js';
import { loadModel, type ServiceName } from '../../src/model/registry.js';
import { codecFor, type Protocol } from '../../src/protocols/index.js';
import { matchS3Operation } from '../../src/protocols/s3-route.js';
import { parseXml } from '../../src/protocols/xml-read.js';
import type { WireRequest } from '../../src/protocols/types.js';
import { body, deepJson, deepXml, invalidUtf8, nasty, params, XML_ATTACKS } from './arbitraries.js';

/** encodeURIComponent, but a lone surrogate (which it refuses) goes through raw: hostile clients send those too. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Runs `fn`; fails unless it returns or throws an AwsError a client caused. */
function clientFault(fn: () => unknown, what: () => string): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthError) return clientFault(() => { throw toAwsError(err, 'rest-xml'); }, what);
    if (!(err instanceof AwsError)) assert.fail(`${what()}: threw ${(err as Error)?.name}: ${(err as Error)?.message}\n${(err as Error)?.stack}`);
    const status = err.status ?? 400;
    assert.ok(status < 500 || err.code === 'NotImplemented', `${what()}: ${err.code} with status ${status}`);
  }
}

const SERVICES: Array<[ServiceName, Protocol]> = [['kms', 'json'], ['cloudtrail', 'json'], ['iam', 'query'], ['sts', 'query'], ['ec2', 'ec2'], ['s3', 'rest-xml']];

/** Form parameters shaped like the query and ec2 protocols' member paths. */
const formParams = fc.array(fc.tuple(
  fc.oneof(nasty, fc.constantFrom('Action', 'Version', 'UserName', 'Tags.member.1.Key', 'Tags.member.99999999999.Value', 'Filter.1.Name', 'Filter.1.Value.1',
    'InstanceId.1', 'PolicyDocument', 'DurationSeconds', 'MaxItems', 'Marker', 'Policy', 'RoleArn', 'TagSpecification.1.Tag.1.Key', 'DryRun')),
  nasty,
), { maxLength: 8 });

const headers = fc.dictionary(
  fc.oneof(fc.constantFrom('content-type', 'range', 'x-amz-date', 'if-modified-since', 'if-match', 'content-length', 'content-md5', 'x-amz-copy-source',
    'x-amz-copy-source-range', 'x-amz-meta-a', 'x-amz-tagging', 'x-amz-server-side-encryption', 'x-amz-checksum-crc32', 'x-amz-object-lock-retain-until-date',
    'x-amz-acl', 'x-amz-grant-read', 'x-amz-expected-bucket-owner', 'x-amz-mfa', 'x-amz-max-parts', 'expires', 'x-amz-sdk-checksum-algorithm'), fc.string().map((s) => s.toLowerCase())),
  nasty, { maxKeys: 6 },
);

function operations(service: ServiceName): string[] {
  return Object.keys(loadModel(service).operations);
}

describe('fuzz: protocol decoders', () => {
  for (const [service, protocol] of SERVICES) {
    it(`${protocol} decodes any ${service} request into an input or a client error`, () => {
      const model = loadModel(service);
      const codec = codecFor(protocol);
      fc.assert(fc.property(fc.constantFrom(...operations(service)), body, formParams, headers, nasty, nasty, (operation, payload, form, hdrs, bucket, key) => {
        const query = protocol === 'rest-xml' ? form : form.concat([['Action', operation]]);
        const req: WireRequest = {
          method: model.operations[operation]!.http.method, rawPath: '/', rawQuery: '', query, headers: hdrs,
          body: protocol === 'query' || protocol === 'ec2' ? Buffer.from(new URLSearchParams(form).toString() + '&' + payload.toString('latin1')) : payload,
          labels: { Bucket: bucket, Key: key },
        };
        clientFault(() => codec.decode(model, model.operations[operation]!, req), () => `${service}:${operation}`);
      }), params());
    });
  }

  it('json decodes deeply nested and huge documents as errors or values, without blowing the stack', () => {
    const kms = loadModel('kms');
    for (const doc of [deepJson(100_000, 'array'), deepJson(100_000, 'object'), `{"Plaintext":"${'A'.repeat(4 * 1024 * 1024)}"}`, `{"KeyId":${'['.repeat(50_000)}}`]) {
      for (const op of ['Encrypt', 'CreateKey', 'PutKeyPolicy']) {
        clientFault(() => codecFor('json').decode(kms, kms.operations[op]!, { method: 'POST', rawPath: '/', rawQuery: '', query: [], headers: {}, body: Buffer.from(doc) }), () => `${op} ${doc.slice(0, 20)}`);
      }
    }
  });

  it('rest-xml refuses DTDs, entity bombs and external entities, and survives 100,000-deep nesting', () => {
    const s3 = loadModel('s3');
    const ops = ['PutBucketTagging', 'DeleteObjects', 'CompleteMultipartUpload', 'PutBucketCors', 'PutBucketVersioning'];
    for (const doc of [...XML_ATTACKS, deepXml(100_000), deepXml(100_000, 'Tagging'), `<Tagging>${deepXml(50_000, 'TagSet')}</Tagging>`]) {
      for (const op of ops) {
        clientFault(() => codecFor('rest-xml').decode(s3, s3.operations[op]!, { method: 'PUT', rawPath: '/b', rawQuery: '', query: [], headers: {}, body: Buffer.from(doc), labels: { Bucket: 'b', Key: 'k' } }), () => `${op} ${doc.slice(0, 40)}`);
      }
      clientFault(() => parseXml(doc), () => doc.slice(0, 40));
    }
    // An entity bomb must not have been expanded anywhere: the parse fails fast.
    const started = performance.now();
    clientFault(() => parseXml(XML_ATTACKS[0]!), () => 'bomb');
    assert.ok(performance.now() - started < 1000);
  });

  it('S3 routing matches or refuses any method, path, query and host', () => {
    const s3 = loadModel('s3');
    fc.assert(fc.property(
      fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS', 'TRACE', 'get', ''),
      fc.oneof(nasty.map((p) => `/${p}`), fc.array(nasty, { maxLength: 5 }).map((parts) => '/' + parts.map(encode).join('/')), fc.constantFrom('/b/../../etc/passwd', '/b/%00', '/%2e%2e/x', '//b//k')),
      formParams, fc.oneof(nasty, fc.constantFrom('b.localhost', 'localhost', 'a.b.s3.amazonaws.com', '[::1]:80', '.localhost')), headers,
      (method, rawPath, query, host, hdrs) => {
        clientFault(() => {
          const match = matchS3Operation(s3, { method, rawPath, query, host, headers: hdrs }, ['localhost', 's3.amazonaws.com']);
          if (match && match.labels.Key !== undefined) assert.equal(typeof match.labels.Key, 'string');
        }, () => `${method} ${rawPath}`);
      },
    ), params());
  });

  it('the SigV4 parser refuses malformed and truncated Authorization headers and presigned queries with auth errors', () => {
    const good = 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024';
    const truncated = fc.nat({ max: good.length }).map((n) => good.slice(0, n));
    const mutated = fc.tuple(fc.nat({ max: good.length - 1 }), nasty).map(([at, s]) => good.slice(0, at) + s + good.slice(at + 1));
    const presigned = fc.array(fc.tuple(fc.constantFrom('X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires', 'X-Amz-Security-Token', 'AWSAccessKeyId', 'Signature'), nasty), { maxLength: 8 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${encode(v)}`).join('&'));
    fc.assert(fc.property(fc.option(fc.oneof(truncated, mutated, nasty)), fc.oneof(presigned, nasty), fc.option(nasty), (authorization, rawQuery, date) => {
      const hdrs: Record<string, string> = {};
      if (authorization !== null) hdrs.authorization = authorization;
      if (date !== null) hdrs['x-amz-date'] = date;
      clientFault(() => parseSigV4({ method: 'GET', rawPath: '/', rawQuery, headers: hdrs }), () => `${authorization} ? ${rawQuery}`);
    }), params(2));
  });

  it('the aws-chunked decoder refuses broken framing with S3 errors and never emits unverified bytes', async () => {
    const key = signingKey('secret', '20130524', 'us-east-1', 's3');
    const frame = fc.oneof(
      fc.constantFrom('0\r\n\r\n', '5\r\nhello\r\n0\r\n\r\n', 'ffffffffffffffff\r\n', '-1\r\n', '1000001\r\n', '5;chunk-signature=00\r\nhello\r\n', '5\r\nhel', '\r\n\r\n',
        '0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n', '0\r\nx-amz-checksum-crc32:' + 'A'.repeat(10_000) + '\r\n\r\n', '5 \r\nhello\r\n', 'z\r\n', '5\nhello\n0\n\n'),
      nasty,
      fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b).toString('latin1')),
      invalidUtf8.map((b) => b.toString('latin1')),
    );
    await fc.assert(fc.asyncProperty(
      fc.array(frame, { minLength: 1, maxLength: 6 }),
      fc.constantFrom('STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') ,
      fc.option(fc.integer({ min: -5, max: 1 << 30 })),
      async (frames, mode, decoded) => {
        const out: Buffer[] = [];
        try {
          // The constructor checks the declared length: a bad one is refused before any byte is read.
          const decoder = createChunkedDecoder({
            mode, signingKey: key, seedSignature: '0'.repeat(64), amzDate: '20130524T000000Z', scope: '20130524/us-east-1/s3/aws4_request',
            decodedContentLength: decoded ?? undefined, trailerHeader: mode.endsWith('TRAILER') ? 'x-amz-checksum-crc32' : undefined,
          });
          for await (const chunk of Readable.from(frames.map((f) => Buffer.from(f, 'latin1'))).pipe(decoder)) out.push(chunk as Buffer);
        } catch (err) {
          clientFault(() => { throw err; }, () => JSON.stringify(frames).slice(0, 200));
          return;
        }
        // Only a body whose every signature checked out may come through: the fake seed signs nothing.
        if (mode !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') assert.equal(Buffer.concat(out).length, 0, `emitted unverified bytes for ${JSON.stringify(frames)}`);
      },
    ), params(0.5));
  });
});
