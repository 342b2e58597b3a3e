import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthError, authErrorFor, authErrors, toAwsError, type AuthFailure, type Protocol } from './auth-errors.js';

const SIGNATURE_LONG = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const TOKEN = 'The security token included in the request is invalid.';
const EC2_AUTH = 'AWS was not able to validate the provided access credentials';

/** [failure, protocol, code, status, message] as AWS answers them. */
const TABLE: Array<[AuthFailure, Protocol, string, number, string]> = [
  ['MissingAuth', 'rest-xml', 'AccessDenied', 403, 'Access Denied'],
  ['UnknownAccessKey', 'rest-xml', 'InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.'],
  ['SignatureMismatch', 'rest-xml', 'SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'],
  ['ChunkSignatureMismatch', 'rest-xml', 'SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'],
  ['RequestTimeTooSkewed', 'rest-xml', 'RequestTimeTooSkewed', 403, 'The difference between the request time and the current time is too large.'],
  ['PresignedExpired', 'rest-xml', 'AccessDenied', 403, 'Request has expired'],
  ['IncompleteSignature', 'rest-xml', 'AuthorizationHeaderMalformed', 400, 'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.'],
  ['ContentSha256Mismatch', 'rest-xml', 'XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed."],
  ['InvalidContentSha256', 'rest-xml', 'InvalidArgument', 400, 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.'],
  ['IncompleteBody', 'rest-xml', 'IncompleteBody', 400, 'You did not provide the number of bytes specified by the Content-Length HTTP header'],
  ['MissingContentLength', 'rest-xml', 'MissingContentLength', 411, 'You must provide the Content-Length HTTP header.'],
  ['MissingAuth', 'json', 'MissingAuthenticationTokenException', 400, 'Missing Authentication Token'],
  ['UnknownAccessKey', 'json', 'UnrecognizedClientException', 400, TOKEN],
  ['SignatureMismatch', 'json', 'InvalidSignatureException', 400, SIGNATURE_LONG],
  ['ContentSha256Mismatch', 'json', 'InvalidSignatureException', 400, SIGNATURE_LONG],
  ['MissingAuth', 'query', 'MissingAuthenticationToken', 403, 'Request is missing Authentication Token'],
  ['UnknownAccessKey', 'query', 'InvalidClientTokenId', 403, TOKEN],
  ['SignatureMismatch', 'query', 'SignatureDoesNotMatch', 403, SIGNATURE_LONG],
  ['MissingAuth', 'ec2', 'MissingAuthenticationToken', 401, 'The request must contain either a valid (registered) AWS access key ID or X.509 certificate.'],
  ['UnknownAccessKey', 'ec2', 'AuthFailure', 401, EC2_AUTH],
  ['SignatureMismatch', 'ec2', 'AuthFailure', 401, EC2_AUTH],
  ['RequestTimeTooSkewed', 'ec2', 'RequestExpired', 400, 'Request has expired.'],
  ['PresignedExpired', 'ec2', 'RequestExpired', 400, 'Request has expired.'],
];

describe('authErrorFor', () => {
  for (const [failure, protocol, code, status, message] of TABLE) {
    it(`${failure} in ${protocol}`, () => {
      const err = authErrorFor(failure, protocol);
      assert.deepEqual([err.code, err.status, err.message], [code, status, message]);
    });
  }

  it('keeps AWS fixed texts whatever message the failure carries', () => {
    for (const protocol of ['rest-xml', 'json', 'query', 'ec2'] as const) {
      assert.equal(authErrorFor('SignatureMismatch', protocol, { message: 'signature mismatch' }).message, authErrorFor('SignatureMismatch', protocol).message);
    }
  });

  it('words a skewed clock per protocol', () => {
    const skewed = authErrors.requestTimeTooSkewed('20150830T123600Z', Date.UTC(2015, 7, 30, 12, 36), Date.UTC(2015, 7, 30, 13, 0));
    const expired = 'Signature expired: 20150830T123600Z is now earlier than 20150830T124500Z (20150830T130000Z - 15 min.)';
    assert.equal(skewed.message, expired);
    const json = toAwsError(skewed, 'json');
    assert.deepEqual([json.code, json.status, json.message], ['InvalidSignatureException', 400, expired]);
    const query = toAwsError(skewed, 'query');
    assert.deepEqual([query.code, query.status, query.message], ['SignatureDoesNotMatch', 403, expired]);
    const s3 = toAwsError(skewed, 'rest-xml');
    assert.equal(s3.code, 'RequestTimeTooSkewed');
    assert.deepEqual(s3.fields, { RequestTime: '20150830T123600Z', ServerTime: '2015-08-30T13:00:00Z', MaxAllowedSkewMilliseconds: '900000' });
    // The gateway's shorter call keeps the text.
    assert.equal(authErrorFor(skewed.failure, 'json', { message: skewed.message }).message, expired);
  });

  it('tells S3 header errors from query-string ones', () => {
    const header = toAwsError(authErrors.malformedCredential(false), 'rest-xml');
    assert.deepEqual([header.code, header.message], ['AuthorizationHeaderMalformed',
      'The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".']);
    const query = toAwsError(authErrors.malformedCredential(true), 'rest-xml');
    assert.deepEqual([query.code, query.message], ['AuthorizationQueryParametersError',
      'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".']);
    const expires = toAwsError(authErrors.invalidExpires('negative'), 'rest-xml');
    assert.deepEqual([expires.code, expires.status, expires.message], ['AuthorizationQueryParametersError', 400, 'X-Amz-Expires must be non-negative']);
    const missing = toAwsError(authErrors.missingQueryParameters(), 'query');
    assert.deepEqual([missing.code, missing.status], ['IncompleteSignature', 400]);
  });

  it('refuses SigV2 as S3 does', () => {
    const err = toAwsError(authErrors.unsupportedMechanism(), 'rest-xml');
    assert.deepEqual([err.code, err.status, err.message], ['InvalidRequest', 400, 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.']);
  });

  it('names the access key S3 did not know', () => {
    const err = toAwsError(authErrors.unknownAccessKey('AKIANOTKNOWN'), 'rest-xml');
    assert.equal(err.code, 'InvalidAccessKeyId');
    assert.deepEqual(err.fields, { AWSAccessKeyId: 'AKIANOTKNOWN' });
    assert.deepEqual(toAwsError(authErrors.unknownAccessKey('AKIANOTKNOWN'), 'json').fields, {});
  });

  it('keeps detail.message equal to the message', () => {
    const err = new AuthError('BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
    assert.equal(err.detail.message, err.message);
    assert.equal(toAwsError(err, 'rest-xml').message, 'The SHA256 you specified did not match the calculated checksum.');
  });
});
