import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AwsError } from '../errors.js';
import { loadModel } from '../model/registry.js';
import { botocoreParse, fixture, hasBotocore, NO_BOTOCORE, rawRequest, revive, wireRequest } from './fixtures/harness.js';
import { jsonCodec, unknownOperationError } from './json.js';
import type { WireResponse } from './types.js';

const kms = loadModel('kms');
const cloudtrail = loadModel('cloudtrail');
const ctx = { requestId: 'req-1234', hostId: '' };

function decodeError(operation: string, body: string): AwsError {
  try {
    jsonCodec.decode(kms, kms.operations[operation]!, rawRequest(body));
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
  assert.fail('decode should have thrown');
}

function bodyOf(res: WireResponse): unknown {
  return JSON.parse(String(res.body));
}

for (const [service, operation] of [['kms', 'Encrypt'], ['kms', 'CreateKey'], ['kms', 'GenerateRandom'], ['kms', 'ListKeys'], ['cloudtrail', 'LookupEvents']] as const) {
  test(`decodes botocore's ${service} ${operation} request`, () => {
    const c = fixture(service, operation);
    const model = service === 'kms' ? kms : cloudtrail;
    assert.deepEqual(jsonCodec.decode(model, model.operations[operation]!, wireRequest(c)), revive(c.params));
  });
}

test('an empty body is an empty input; unknown members are ignored', () => {
  assert.deepEqual(jsonCodec.decode(kms, kms.operations.ListKeys!, rawRequest('')), {});
  assert.deepEqual(jsonCodec.decode(kms, kms.operations.ListKeys!, rawRequest('{"Limit":5,"Bogus":{"x":1}}')), { Limit: 5 });
});

test('malformed JSON and wrong types are SerializationExceptions with Coral texts', () => {
  const cases: Array<[string, string]> = [
    ['{"KeyId":', ''],
    ['[]', 'Start of list found where not expected'],
    ['{"KeyId":{},"Plaintext":"AA=="}', 'Start of structure or map found where not expected.'],
    ['{"KeyId":"k","Plaintext":5}', 'class java.lang.Short can not be converted to a Blob'],
    ['{"KeyId":true,"Plaintext":"AA=="}', 'class java.lang.Boolean can not be converted to an String'],
    ['{"KeyId":"k","Plaintext":"AA==","GrantTokens":"t"}', 'Expected list or null'],
    ['{"KeyId":"k","Plaintext":"AA==","EncryptionContext":[]}', 'Start of list found where not expected'],
    ['{"KeyId":"k","Plaintext":"AAA"}', 'Value can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3'],
  ];
  for (const [body, message] of cases) {
    const err = decodeError('Encrypt', body);
    assert.equal(err.code, 'SerializationException', body);
    assert.equal(err.message, message, body);
    assert.equal(err.status, 400);
  }
  assert.equal(decodeError('GenerateRandom', '{"NumberOfBytes":"32"}').message, 'class java.lang.String can not be converted to an Integer');
});

test('constraint failures are ValidationExceptions with AWS text', () => {
  const plaintext = Buffer.alloc(4097).toString('base64');
  const err = decodeError('Encrypt', JSON.stringify({ KeyId: 'k', Plaintext: plaintext }));
  assert.equal(err.code, 'ValidationException');
  assert.equal(err.message, "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096");
});

test('encode: only set members, the JSON 1.1 headers and the request id', () => {
  const res = jsonCodec.encode(kms, kms.operations.Encrypt!, { CiphertextBlob: Buffer.from([0, 255]), KeyId: 'arn:k', EncryptionAlgorithm: undefined }, ctx);
  assert.equal(res.status, 200);
  assert.deepEqual(res.headers, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'req-1234' });
  assert.deepEqual(bodyOf(res), { CiphertextBlob: 'AP8=', KeyId: 'arn:k' });
  assert.deepEqual(bodyOf(jsonCodec.encode(kms, kms.operations.CancelKeyDeletion!, undefined, ctx)), {});
});

test('errors: __type, KMS lowercase message, model status and fault', () => {
  const notFound = jsonCodec.encodeError(kms, kms.operations.Encrypt, new AwsError('NotFoundException', "Key 'k' does not exist"), ctx);
  assert.equal(notFound.status, 400);
  assert.equal(notFound.headers['x-amzn-RequestId'], 'req-1234');
  assert.deepEqual(bodyOf(notFound), { __type: 'NotFoundException', message: "Key 'k' does not exist" });
  assert.equal(jsonCodec.encodeError(kms, undefined, new AwsError('KMSInternalException', 'x'), ctx).status, 500);
  const withFields = jsonCodec.encodeError(kms, undefined, new AwsError('ThrottlingException', 'slow', { status: 429, fields: { Reason: 'r' } }), ctx);
  assert.equal(withFields.status, 429);
  assert.deepEqual(bodyOf(withFields), { __type: 'ThrottlingException', message: 'slow', Reason: 'r' });
  const trail = jsonCodec.encodeError(cloudtrail, undefined, new AwsError('TrailNotFoundException', 'Unknown trail'), ctx);
  assert.deepEqual(bodyOf(trail), { __type: 'TrailNotFoundException', Message: 'Unknown trail' });
  const unknown = jsonCodec.encodeError(kms, undefined, unknownOperationError(), ctx);
  assert.equal(unknown.status, 400);
  assert.deepEqual(bodyOf(unknown), { __type: 'UnknownOperationException' });
});

test('botocore parses our KMS and CloudTrail responses back to the values we encoded', (t) => {
  if (!hasBotocore()) return t.skip(NO_BOTOCORE);
  const encrypt = { CiphertextBlob: Buffer.from('ciphertext\x00\xff', 'latin1'), KeyId: 'arn:aws:kms:us-east-1:111122223333:key/k', EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
  const parsedEncrypt = botocoreParse('kms', 'Encrypt', jsonCodec.encode(kms, kms.operations.Encrypt!, encrypt, ctx));
  assert.deepEqual(parsedEncrypt.ResponseMetadata, { RequestId: 'req-1234', HTTPStatusCode: 200 });
  delete parsedEncrypt.ResponseMetadata;
  assert.deepEqual(parsedEncrypt, encrypt);

  const metadata = {
    AWSAccountId: '111122223333', KeyId: 'k', Arn: 'arn:aws:kms:us-east-1:111122223333:key/k',
    CreationDate: new Date('2024-05-01T12:30:00.123Z'), Enabled: true, Description: '', KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: 'Enabled', Origin: 'AWS_KMS', KeyManager: 'CUSTOMER', KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'], MultiRegion: false,
  };
  const parsedKey = botocoreParse('kms', 'CreateKey', jsonCodec.encode(kms, kms.operations.CreateKey!, { KeyMetadata: { ...metadata, DeletionDate: undefined } }, ctx));
  delete parsedKey.ResponseMetadata;
  assert.deepEqual(parsedKey, { KeyMetadata: metadata });

  const events = { Events: [{ EventId: 'e1', EventName: 'Encrypt', ReadOnly: 'true', EventTime: new Date('2024-05-01T00:00:01Z'), Resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: 'k' }], CloudTrailEvent: '{"a":1}' }], NextToken: 'n' };
  const parsedEvents = botocoreParse('cloudtrail', 'LookupEvents', jsonCodec.encode(cloudtrail, cloudtrail.operations.LookupEvents!, events, ctx));
  delete parsedEvents.ResponseMetadata;
  assert.deepEqual(parsedEvents, events);
});

test('botocore maps our KMS errors to the modeled exceptions', (t) => {
  if (!hasBotocore()) return t.skip(NO_BOTOCORE);
  const res = jsonCodec.encodeError(kms, kms.operations.Decrypt, new AwsError('InvalidCiphertextException', ''), ctx);
  const parsed = botocoreParse('kms', 'Decrypt', res);
  assert.deepEqual(parsed.Error, { Code: 'InvalidCiphertextException', Message: '' });
  assert.equal(parsed.ModeledException, 'InvalidCiphertextException');
  assert.deepEqual(parsed.ResponseMetadata, { RequestId: 'req-1234', HTTPStatusCode: 400 });
  const validation = botocoreParse('kms', 'Encrypt', jsonCodec.encodeError(kms, undefined, decodeError('Encrypt', '{}'), ctx));
  assert.equal((validation.Error as Record<string, string>).Code, 'ValidationException');
  assert.match((validation.Error as Record<string, string>).Message!, /^2 validation errors detected: Value null at 'keyId'/);
});
