import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AuthError } from './auth-errors.js';
import { parseSigV4, verifySigV4, type SigV4Auth, type SignedRequestParts } from './sigv4.js';

// Requests are signed by the AWS SDK's own signer (@smithy/signature-v4), then verified here.
const CREDENTIALS = { accessKeyId: 'AKIAEXAMPLE123456789', secretAccessKey: 'coffer/test+secret/key0123456789abcdefghij' };
const SIGNED_AT = new Date('2024-03-01T10:00:00Z');
const later = (seconds: number) => new Date(SIGNED_AT.getTime() + seconds * 1000);

function signer(service: string, sessionToken?: string) {
  return new SignatureV4({
    credentials: { ...CREDENTIALS, sessionToken },
    region: 'eu-west-1',
    service,
    sha256: Hash.bind(null, 'sha256'),
    // The S3 client signs the path as it sends it; every other client normalizes and re-encodes.
    uriEscapePath: service !== 's3',
  });
}

interface Unsigned { method: string; path: string; query?: Record<string, string>; headers?: Record<string, string>; body?: string }

/** The request as it arrives: the SDK's query encoding (RFC 3986), lower-cased header names. */
function wire(req: { method: string; path: string; query?: Record<string, string | string[] | null>; headers: Record<string, string> }): SignedRequestParts {
  const rawQuery = Object.entries(req.query ?? {})
    .map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(String(v))}`)
    .join('&');
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: req.method, rawPath: req.path, rawQuery, headers };
}

function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function httpRequest(req: Unsigned) {
  return {
    method: req.method, protocol: 'http:', hostname: 'localhost', port: 4566, path: req.path, query: req.query ?? {},
    headers: { host: 'localhost:4566', ...req.headers }, body: req.body,
  };
}

async function sign(service: string, req: Unsigned, sessionToken?: string): Promise<SignedRequestParts> {
  return wire(await signer(service, sessionToken).sign(httpRequest(req), { signingDate: SIGNED_AT }));
}

async function presign(service: string, req: Unsigned, expiresIn = 3600): Promise<SignedRequestParts> {
  return wire(await signer(service).presign(httpRequest(req), { signingDate: SIGNED_AT, expiresIn }));
}

/** An assert.throws validator: the failure and S3's own code (and text) for it. */
function s3Error(failure: string, code: string, message?: string) {
  return (err: AuthError) => {
    assert.equal(err.failure, failure);
    assert.equal(err.detail.s3?.code, code);
    if (message !== undefined) assert.equal(err.detail.s3?.message, message);
    return true;
  };
}

const sha256 = (body: string) => createHash('sha256').update(body).digest('hex');
const parse = (parts: SignedRequestParts): SigV4Auth => parseSigV4(parts)!;

const KMS_BODY = '{"KeyId":"alias/coffer","Plaintext":"aGVsbG8="}';
const kmsRequest: Unsigned = {
  method: 'POST', path: '/', body: KMS_BODY,
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Encrypt' },
};

describe('header auth', () => {
  it('accepts the right secret and returns the signing key', async () => {
    const parts = await sign('kms', kmsRequest);
    const auth = parse(parts);
    assert.equal(auth.kind, 'header');
    assert.equal(auth.accessKeyId, CREDENTIALS.accessKeyId);
    assert.equal(auth.region, 'eu-west-1');
    assert.equal(auth.service, 'kms');
    assert.equal(auth.amzDate, '20240301T100000Z');
    // The SDK sends the body hash it signed; it is the gateway's to check it against the body.
    assert.equal(auth.contentSha256, sha256(KMS_BODY));
    const { signingKey, signature } = verifySigV4(parts, auth, CREDENTIALS.secretAccessKey, sha256(KMS_BODY), SIGNED_AT);
    assert.equal(signature, auth.signature);
    assert.equal(signingKey.length, 32);
  });

  it('refuses a wrong secret, an altered header and an altered body', async () => {
    const parts = await sign('kms', kmsRequest);
    const auth = parse(parts);
    assert.throws(() => verifySigV4(parts, auth, 'not-the-secret', sha256(KMS_BODY), SIGNED_AT), { failure: 'SignatureMismatch' });
    const altered = { ...parts, headers: { ...parts.headers, 'x-amz-target': 'TrentService.Decrypt' } };
    assert.throws(() => verifySigV4(altered, auth, CREDENTIALS.secretAccessKey, sha256(KMS_BODY), SIGNED_AT), { failure: 'SignatureMismatch' });
    assert.throws(() => verifySigV4(parts, auth, CREDENTIALS.secretAccessKey, sha256(`${KMS_BODY} `), SIGNED_AT), { failure: 'SignatureMismatch' });
  });

  it('allows 15 minutes of skew either way and no more', async () => {
    const parts = await sign('kms', kmsRequest);
    const auth = parse(parts);
    const verify = (now: Date) => verifySigV4(parts, auth, CREDENTIALS.secretAccessKey, sha256(KMS_BODY), now);
    verify(later(900));
    verify(later(-900));
    assert.throws(() => verify(later(901)), {
      failure: 'RequestTimeTooSkewed',
      message: 'Signature expired: 20240301T100000Z is now earlier than 20240301T100001Z (20240301T101501Z - 15 min.)',
    });
    assert.throws(() => verify(later(-901)), {
      failure: 'RequestTimeTooSkewed',
      message: 'Signature not yet current: 20240301T100000Z is still later than 20240301T095959Z (20240301T094459Z + 15 min.)',
    });
  });

  it('carries the session token', async () => {
    const parts = await sign('sts', { method: 'POST', path: '/', body: 'Action=GetCallerIdentity&Version=2011-06-15' }, 'session-token/abc+=');
    const auth = parse(parts);
    assert.equal(auth.sessionToken, 'session-token/abc+=');
    assert.ok(auth.signedHeaders.includes('x-amz-security-token'));
    verifySigV4(parts, auth, CREDENTIALS.secretAccessKey, sha256('Action=GetCallerIdentity&Version=2011-06-15'), SIGNED_AT);
  });

  it('signs S3 paths as sent, and queries canonically', async () => {
    const req: Unsigned = {
      method: 'GET', path: '/bucket/dir%20one/a%2Bb%21%28c%29~.txt', query: { 'list-type': '2', prefix: 'a/b c', 'encoding-type': 'url' },
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    };
    const parts = await sign('s3', req);
    const auth = parse(parts);
    assert.equal(auth.contentSha256, 'UNSIGNED-PAYLOAD');
    verifySigV4(parts, auth, CREDENTIALS.secretAccessKey, 'UNSIGNED-PAYLOAD', SIGNED_AT);
    // A client that sends AWS's canonical encoding of another spelling of the same path.
    verifySigV4({ ...parts, rawPath: '/bucket/dir%20one/a%2bb!(c)%7E.txt' }, auth, CREDENTIALS.secretAccessKey, 'UNSIGNED-PAYLOAD', SIGNED_AT);
    // Not normalized: `//` and `..` are part of an S3 key.
    const dotted = await sign('s3', { ...req, path: '/bucket/a//b/../c' });
    verifySigV4(dotted, parse(dotted), CREDENTIALS.secretAccessKey, 'UNSIGNED-PAYLOAD', SIGNED_AT);
    assert.throws(() => verifySigV4({ ...dotted, rawPath: '/bucket/a/c' }, parse(dotted), CREDENTIALS.secretAccessKey, 'UNSIGNED-PAYLOAD', SIGNED_AT),
      { failure: 'SignatureMismatch' });
    // An altered or added query parameter breaks the signature.
    for (const rawQuery of [parts.rawQuery.replace('list-type=2', 'list-type=1'), `${parts.rawQuery}&versions`]) {
      assert.throws(() => verifySigV4({ ...parts, rawQuery }, auth, CREDENTIALS.secretAccessKey, 'UNSIGNED-PAYLOAD', SIGNED_AT), { failure: 'SignatureMismatch' });
    }
    // An altered path too.
    assert.throws(() => verifySigV4({ ...parts, rawPath: '/bucket/dir%20one/other' }, auth, CREDENTIALS.secretAccessKey, 'UNSIGNED-PAYLOAD', SIGNED_AT),
      { failure: 'SignatureMismatch' });
  });

  it('reports what S3 echoes on a mismatch, without secrets', async () => {
    const parts = await sign('kms', kmsRequest);
    try {
      verifySigV4(parts, parse(parts), 'wrong', sha256(KMS_BODY), SIGNED_AT);
      assert.fail('accepted');
    } catch (err) {
      const { fields } = (err as { detail: { fields: Record<string, string> } }).detail;
      assert.equal(fields.AWSAccessKeyId, CREDENTIALS.accessKeyId);
      assert.match(fields.StringToSign, /^AWS4-HMAC-SHA256\n20240301T100000Z\n20240301\/eu-west-1\/kms\/aws4_request\n[0-9a-f]{64}$/);
      assert.ok(!JSON.stringify(err).includes(CREDENTIALS.secretAccessKey));
    }
  });
});

describe('presigned URLs', () => {
  // As @aws-sdk/s3-request-presigner prepares it: the header is hoisted into X-Amz-Content-Sha256.
  const object: Unsigned = {
    method: 'GET', path: '/bucket/key.txt', query: { 'response-content-type': 'text/plain' }, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  };

  it('accepts a presigned S3 URL until it expires', async () => {
    const parts = await presign('s3', object, 600);
    const auth = parse(parts);
    assert.equal(auth.kind, 'presigned');
    assert.equal(auth.expires, 600);
    assert.equal(auth.contentSha256, 'UNSIGNED-PAYLOAD');
    const verify = (p: SignedRequestParts, now: Date) => verifySigV4(p, parse(p), CREDENTIALS.secretAccessKey, 'UNSIGNED-PAYLOAD', now);
    verify(parts, later(600));
    // A clock up to 15 minutes behind the client's still takes it.
    verify(parts, later(-900));
    assert.throws(() => verify(parts, later(601)), { failure: 'PresignedExpired' });
    assert.throws(() => verify(parts, later(-901)), s3Error('PresignedExpired', 'AccessDenied', 'Request is not yet valid'));
  });

  it('refuses an altered query', async () => {
    const parts = await presign('s3', object);
    for (const rawQuery of [
      parts.rawQuery.replace('text%2Fplain', 'text%2Fhtml'),
      `${parts.rawQuery}&x-id=PutObject`,
      parts.rawQuery.replace('X-Amz-Expires=3600', 'X-Amz-Expires=3601'),
    ]) {
      const altered = { ...parts, rawQuery };
      assert.throws(() => verifySigV4(altered, parse(altered), CREDENTIALS.secretAccessKey, 'UNSIGNED-PAYLOAD', SIGNED_AT), { failure: 'SignatureMismatch' });
    }
  });

  it('refuses X-Amz-Expires outside 0..604800', async () => {
    const parts = await presign('s3', object);
    const withExpires = (value: string) => ({ ...parts, rawQuery: parts.rawQuery.replace('X-Amz-Expires=3600', `X-Amz-Expires=${value}`) });
    assert.throws(() => parseSigV4(withExpires('604801')), {
      failure: 'InvalidExpires',
      message: 'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    });
    assert.throws(() => parseSigV4(withExpires('-1')), { failure: 'InvalidExpires', message: 'X-Amz-Expires must be non-negative' });
    assert.throws(() => parseSigV4(withExpires('soon')), { failure: 'InvalidExpires', message: 'X-Amz-Expires should be a number' });
    assert.equal(parseSigV4(withExpires('604800'))!.expires, 604800);
    // Zero is a URL valid for the second it was signed in (AWS only refuses negative values).
    const zero = withExpires('0');
    assert.throws(() => verifySigV4(zero, parse(zero), CREDENTIALS.secretAccessKey, 'UNSIGNED-PAYLOAD', later(1)), { failure: 'PresignedExpired' });
  });

  it('signs other services over the body hash, as botocore and the JS SDK presign them', async () => {
    const parts = await presign('sts', { method: 'GET', path: '/', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' } });
    const auth = parse(parts);
    assert.equal(auth.contentSha256, undefined);
    verifySigV4(parts, auth, CREDENTIALS.secretAccessKey, sha256(''), SIGNED_AT);
  });
});

describe('parseSigV4', () => {
  const base: SignedRequestParts = { method: 'GET', rawPath: '/', rawQuery: '', headers: { host: 'localhost', 'x-amz-date': '20240301T100000Z' } };
  const withAuthorization = (authorization: string): SignedRequestParts => ({ ...base, headers: { ...base.headers, authorization } });
  const GOOD = 'AWS4-HMAC-SHA256 Credential=AKID/20240301/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';

  it('returns null for an anonymous request', () => {
    assert.equal(parseSigV4(base), null);
    assert.equal(parseSigV4({ ...base, rawQuery: 'list-type=2&prefix=x' }), null);
  });

  it('parses a header regardless of spacing', () => {
    const auth = parseSigV4(withAuthorization(GOOD.replace(/, /g, ',')))!;
    assert.deepEqual(auth.signedHeaders, ['host', 'x-amz-date']);
    assert.equal(auth.signature, 'abc');
  });

  it('takes the Date header when there is no X-Amz-Date', () => {
    const auth = parseSigV4({ ...base, headers: { host: 'localhost', date: 'Fri, 01 Mar 2024 10:00:00 GMT', authorization: GOOD } })!;
    assert.equal(auth.amzDate, '20240301T100000Z');
  });

  it('refuses other mechanisms and malformed headers', () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['AWS AKID:c2lnbmF0dXJl', 'MalformedAuth', 'InvalidRequest'],
      ['AWS4-ECDSA-P256-SHA256 Credential=AKID/20240301/kms/aws4_request, SignedHeaders=host, Signature=ab', 'MalformedAuth', 'InvalidRequest'],
      ['AWS4-HMAC-SHA256 Credential=AKID/20240301/us-east-1/kms/aws4_request, SignedHeaders=host', 'IncompleteSignature', 'AuthorizationHeaderMalformed'],
      ['AWS4-HMAC-SHA256 Credential=AKID/20240301/us-east-1/kms/aws4_request, SignedHeaders=host, Signature', 'IncompleteSignature', 'AuthorizationHeaderMalformed'],
      [GOOD.replace('AKID/20240301/us-east-1/kms/aws4_request', 'AKID/20240301/us-east-1'), 'MalformedAuth', 'AuthorizationHeaderMalformed'],
      [GOOD.replace('aws4_request', 'aws5_request'), 'MalformedAuth', 'AuthorizationHeaderMalformed'],
      [GOOD.replace('20240301', '20240302'), 'MalformedAuth', 'AuthorizationHeaderMalformed'],
      [GOOD.replace('host;x-amz-date', 'x-amz-date'), 'MalformedAuth', undefined],
    ];
    for (const [authorization, failure, s3Code] of cases) {
      assert.throws(() => parseSigV4(withAuthorization(authorization)), (err: AuthError) => {
        assert.equal(err.failure, failure, authorization);
        assert.equal(err.detail.s3?.code, s3Code, authorization);
        return true;
      });
    }
  });

  it('refuses a missing or malformed date', () => {
    const { 'x-amz-date': _, ...noDate } = base.headers;
    assert.throws(() => parseSigV4({ ...base, headers: { ...noDate, authorization: GOOD } }), {
      failure: 'IncompleteSignature',
      message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    });
    assert.throws(() => parseSigV4({ ...base, headers: { ...base.headers, 'x-amz-date': '2024-03-01T10:00:00Z', authorization: GOOD } }),
      s3Error('IncompleteSignature', 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header'));
  });

  it('refuses two mechanisms at once and incomplete query auth', () => {
    assert.throws(() => parseSigV4({ ...withAuthorization(GOOD), rawQuery: 'X-Amz-Algorithm=AWS4-HMAC-SHA256' }), s3Error('MalformedAuth', 'InvalidArgument'));
    assert.throws(() => parseSigV4({ ...base, rawQuery: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab' }),
      (err: AuthError) => err.failure === 'IncompleteSignature' && err.detail.presigned === true);
    assert.throws(() => parseSigV4({ ...base, rawQuery: 'AWSAccessKeyId=AKID&Expires=1&Signature=abc' }), { failure: 'MalformedAuth' });
  });
});
