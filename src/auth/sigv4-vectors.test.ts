import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { canonicalRequest, parseAmzDate, parseSigV4, signRequest, signingKey, stringToSign, verifySigV4, type SignedRequestParts } from './sigv4.js';

// AWS's published SigV4 test suite (Apache-2.0, see test/fixtures/sigv4/LICENSE and NOTICE).
const SUITE = fileURLToPath(new URL('../../test/fixtures/sigv4/', import.meta.url));
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SUITE_NOW = new Date('2015-08-30T12:36:00Z');

/** Every folder holding a `<name>.req`. */
function vectorDirs(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (!statSync(path).isDirectory()) continue;
    if (readdirSync(path).includes(`${entry}.req`)) found.push(path);
    found.push(...vectorDirs(path));
  }
  return found;
}

/**
 * A .req/.sreq file as an HTTP server hands it over: raw target split into path and query,
 * lower-cased header names, folded lines unfolded, repeated headers' values trimmed and joined
 * with ','.
 */
function parseHttp(text: string): { parts: SignedRequestParts; body: string } {
  const blank = text.indexOf('\n\n');
  const head = blank < 0 ? text : text.slice(0, blank);
  const body = blank < 0 ? '' : text.slice(blank + 2);
  const [requestLine, ...lines] = head.split('\n');
  const method = requestLine.slice(0, requestLine.indexOf(' '));
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' HTTP/'));
  const q = target.indexOf('?');
  const values = new Map<string, string[]>();
  let last = '';
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      const list = values.get(last)!;
      list[list.length - 1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    last = line.slice(0, colon).toLowerCase();
    values.set(last, [...(values.get(last) ?? []), line.slice(colon + 1).trim()]);
  }
  const headers = Object.fromEntries([...values].map(([name, list]) => [name, list.join(',')]));
  return {
    parts: { method, rawPath: q < 0 ? target : target.slice(0, q), rawQuery: q < 0 ? '' : target.slice(q + 1), headers },
    body,
  };
}

describe('AWS SigV4 test suite', () => {
  const dirs = vectorDirs(SUITE);
  it('has every vector', () => assert.equal(dirs.length, 34));

  for (const dir of dirs) {
    const name = dir.slice(SUITE.length);
    const base = join(dir, dir.split('/').pop()!);
    const read = (ext: string) => readFileSync(`${base}.${ext}`, 'utf8');

    it(name, () => {
      // The .sreq holds what the signer added (X-Amz-Security-Token); Authorization is not signed.
      const { body } = parseHttp(read('req'));
      const signed = parseHttp(read('sreq')).parts;
      const parts = { ...signed, headers: { ...signed.headers } };
      delete parts.headers.authorization;
      const expectedCreq = read('creq');
      const signedHeaders = expectedCreq.split('\n').at(-2)!.split(';');
      const payloadHash = createHash('sha256').update(body).digest('hex');
      const creq = canonicalRequest(parts, signedHeaders, payloadHash, { presigned: false, service: 'service' });
      assert.equal(creq, expectedCreq);
      const sts = stringToSign('20150830T123600Z', '20150830/us-east-1/service/aws4_request', creq);
      assert.equal(sts, read('sts'));
      const authz = signRequest(parts, {
        accessKeyId: 'AKIDEXAMPLE', secret: SECRET, amzDate: '20150830T123600Z', region: 'us-east-1', service: 'service', signedHeaders, payloadHash,
      });
      assert.equal(authz, read('authz'));

      // And the signed request verifies. The Authorization comes from .authz: the suite's
      // get-vanilla-with-session-token.sreq carries get-vanilla's signature (an erratum).
      const request = { ...parts, headers: { ...parts.headers, authorization: read('authz') } };
      const auth = parseSigV4(request);
      assert.ok(auth);
      assert.equal(auth.accessKeyId, 'AKIDEXAMPLE');
      assert.deepEqual(auth.signedHeaders, signedHeaders);
      const { signature } = verifySigV4(request, auth, SECRET, payloadHash, SUITE_NOW);
      assert.equal(signature, auth.signature);
      assert.throws(() => verifySigV4(request, auth, `${SECRET}x`, payloadHash, SUITE_NOW), { failure: 'SignatureMismatch' });
    });
  }
});

describe('AWS documentation examples', () => {
  it('derives the documented signing key', () => {
    assert.equal(signingKey(SECRET, '20150830', 'us-east-1', 'iam').toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
    // Cached: the same key again, and a copy the caller cannot corrupt.
    const key = signingKey(SECRET, '20150830', 'us-east-1', 'iam');
    key.fill(0);
    assert.equal(signingKey(SECRET, '20150830', 'us-east-1', 'iam').toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  });

  it('reads X-Amz-Date only when it names a real instant', () => {
    assert.equal(parseAmzDate('20150830T123600Z'), Date.UTC(2015, 7, 30, 12, 36, 0));
    assert.equal(parseAmzDate('20240229T235959Z'), Date.UTC(2024, 1, 29, 23, 59, 59));
    for (const bad of ['20150230T000000Z', '20230229T000000Z', '20150830T240000Z', '20150830T126000Z', '20150830T123660Z', '00500101T000000Z', '2015-08-30T12:36:00Z', '20150830T123600']) {
      assert.equal(parseAmzDate(bad), undefined, bad);
    }
  });

  it('serves a cached key only to the secret it was derived from', () => {
    const documented = 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9';
    assert.equal(signingKey(SECRET, '20150830', 'us-east-1', 'iam', 'AKIDEXAMPLE').toString('hex'), documented);
    // The same key id and scope with another secret (the key deleted and its id reused): derived afresh.
    const other = signingKey(`${SECRET}x`, '20150830', 'us-east-1', 'iam', 'AKIDEXAMPLE').toString('hex');
    assert.notEqual(other, documented);
    assert.equal(signingKey(`${SECRET}x`, '20150830', 'us-east-1', 'iam').toString('hex'), other);
    assert.equal(signingKey(SECRET, '20150830', 'us-east-1', 'iam', 'AKIDEXAMPLE').toString('hex'), documented);
  });

  // S3 API reference, "Signature calculations for the Authorization header" and "query string auth".
  const S3_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const S3_NOW = new Date('2013-05-24T00:00:00Z');
  const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  const examples: Array<{ name: string; parts: SignedRequestParts; signedHeaders: string; signature: string }> = [
    {
      name: 'GET object with Range',
      parts: { method: 'GET', rawPath: '/test.txt', rawQuery: '', headers: { host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY, 'x-amz-date': '20130524T000000Z' } },
      signedHeaders: 'host;range;x-amz-content-sha256;x-amz-date',
      signature: 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    },
    {
      name: 'PUT object (path not normalized, Date header signed)',
      parts: {
        method: 'PUT', rawPath: '/test%24file.text', rawQuery: '',
        headers: {
          host: 'examplebucket.s3.amazonaws.com', date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-date': '20130524T000000Z', 'x-amz-storage-class': 'REDUCED_REDUNDANCY',
          'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
        },
      },
      signedHeaders: 'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
      signature: '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
    },
    {
      name: 'GET bucket lifecycle (valueless query parameter)',
      parts: { method: 'GET', rawPath: '/', rawQuery: 'lifecycle', headers: { host: 'examplebucket.s3.amazonaws.com', 'x-amz-content-sha256': EMPTY, 'x-amz-date': '20130524T000000Z' } },
      signedHeaders: 'host;x-amz-content-sha256;x-amz-date',
      signature: 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
    },
    {
      name: 'GET bucket (list objects)',
      parts: { method: 'GET', rawPath: '/', rawQuery: 'max-keys=2&prefix=J', headers: { host: 'examplebucket.s3.amazonaws.com', 'x-amz-content-sha256': EMPTY, 'x-amz-date': '20130524T000000Z' } },
      signedHeaders: 'host;x-amz-content-sha256;x-amz-date',
      signature: '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
    },
  ];
  for (const example of examples) {
    it(example.name, () => {
      const authorization = `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=${example.signedHeaders},Signature=${example.signature}`;
      const parts = { ...example.parts, headers: { ...example.parts.headers, authorization } };
      const auth = parseSigV4(parts)!;
      assert.equal(auth.contentSha256, example.parts.headers['x-amz-content-sha256']);
      verifySigV4(parts, auth, S3_SECRET, auth.contentSha256!, S3_NOW);
    });
  }

  it('presigned GET object', () => {
    const parts: SignedRequestParts = {
      method: 'GET',
      rawPath: '/test.txt',
      rawQuery: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
      headers: { host: 'examplebucket.s3.amazonaws.com' },
    };
    const auth = parseSigV4(parts)!;
    assert.equal(auth.kind, 'presigned');
    assert.equal(auth.contentSha256, 'UNSIGNED-PAYLOAD');
    assert.equal(auth.expires, 86400);
    verifySigV4(parts, auth, S3_SECRET, 'UNSIGNED-PAYLOAD', new Date('2013-05-24T23:59:59Z'));
    assert.throws(() => verifySigV4(parts, auth, S3_SECRET, 'UNSIGNED-PAYLOAD', new Date('2013-05-25T00:00:01Z')), { failure: 'PresignedExpired' });
  });
});
