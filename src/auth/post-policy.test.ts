import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../errors.js';
import { parsePostPolicyAuth, verifyPostPolicySignature } from './post-policy.js';

/** AWS's signed POST example (sigv4-post-example), byte for byte: the policy as the form sends it. */
const EXAMPLE_POLICY = 'eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9';
const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const EXAMPLE_SIGNATURE = '8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e';

function exampleFields(overrides: Record<string, string | undefined> = {}): Map<string, string> {
  const fields: Record<string, string | undefined> = {
    'x-amz-credential': 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request',
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-date': '20151229T000000Z',
    'x-amz-signature': EXAMPLE_SIGNATURE,
    policy: EXAMPLE_POLICY,
    ...overrides,
  };
  return new Map(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
}

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('POST policy authentication', () => {
  it("verifies AWS's documented example signature", () => {
    const auth = parsePostPolicyAuth(exampleFields())!;
    assert.deepEqual([auth.accessKeyId, auth.date, auth.region, auth.service], ['AKIAIOSFODNN7EXAMPLE', '20151229', 'us-east-1', 's3']);
    verifyPostPolicySignature(auth, EXAMPLE_SECRET);
  });

  it('refuses another signature, another secret and an altered policy, echoing the policy as S3 does', () => {
    for (const [fields, secret] of [
      [exampleFields({ 'x-amz-signature': EXAMPLE_SIGNATURE.replace(/^8/, '9') }), EXAMPLE_SECRET],
      [exampleFields(), EXAMPLE_SECRET.replace('K', 'k')],
      [exampleFields({ policy: EXAMPLE_POLICY.slice(0, -2) }), EXAMPLE_SECRET],
    ] as const) {
      const auth = parsePostPolicyAuth(fields)!;
      const err = thrown(() => verifyPostPolicySignature(auth, secret));
      assert.deepEqual([err.code, err.status], ['SignatureDoesNotMatch', 403]);
      assert.equal(err.fields.StringToSign, auth.policy);
      assert.equal(err.fields.SignatureProvided, auth.signature);
      assert.equal(Buffer.from(err.fields.StringToSignBytes!.replace(/ /g, ''), 'hex').toString(), auth.policy);
    }
  });

  it('is anonymous without the SigV4 fields, and names the first one missing otherwise', () => {
    assert.equal(parsePostPolicyAuth(new Map([['key', 'k'], ['policy', EXAMPLE_POLICY]])), null);
    for (const [dropped, named] of [['x-amz-algorithm', 'X-Amz-Algorithm'], ['x-amz-credential', 'X-Amz-Credential'], ['x-amz-date', 'X-Amz-Date'],
      ['x-amz-signature', 'X-Amz-Signature'], ['policy', 'Policy']]) {
      const err = thrown(() => parsePostPolicyAuth(exampleFields({ [dropped!]: undefined })));
      assert.deepEqual([err.code, err.status, err.message], ['InvalidArgument', 400,
        `Bucket POST must contain a field named '${named}'.  If it is specified, please check the order of the fields.`]);
      assert.deepEqual(err.fields, { ArgumentName: named, ArgumentValue: '' });
    }
  });

  it('refuses SigV2 forms and malformed credentials', () => {
    const v2 = thrown(() => parsePostPolicyAuth(new Map([['awsaccesskeyid', 'AKID'], ['signature', 'c2ln'], ['policy', EXAMPLE_POLICY]])));
    assert.deepEqual([v2.code, v2.message], ['InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.']);
    const date = thrown(() => parsePostPolicyAuth(exampleFields({ 'x-amz-date': '2015-12-29' })));
    assert.deepEqual([date.code, date.message, date.fields.ArgumentName], ['InvalidArgument', 'X-Amz-Date must be formated via ISO8601 Long format', 'X-Amz-Date']);
    const empty = thrown(() => parsePostPolicyAuth(exampleFields({ 'x-amz-credential': '/20151229/us-east-1/s3/aws4_request' })));
    assert.equal(empty.message, 'a non-empty Access Key (AKID) must be provided in the credential.');
    const service = thrown(() => parsePostPolicyAuth(exampleFields({ 'x-amz-credential': 'AKID/20151229/us-east-1/kms/aws4_request' })));
    assert.equal(service.fields.ArgumentName, 'X-Amz-Credential');
  });
});
