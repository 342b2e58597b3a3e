import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AwsError } from '../errors.js';
import { loadModel } from '../model/registry.js';
import type { ServiceModel } from '../model/types.js';
import { botocoreParse, fixture, hasBotocore, NO_BOTOCORE, rawRequest, revive, testModel, wireRequest } from './fixtures/harness.js';
import { queryCodec, unknownActionError } from './query.js';

const iam = loadModel('iam');
const sts = loadModel('sts');
const synthetic = testModel('synthetic-query');
const ctx = { requestId: 'req-5678', hostId: '' };

function decodeError(model: ServiceModel, operation: string, body: string): AwsError {
  try {
    queryCodec.decode(model, model.operations[operation]!, rawRequest(body));
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
  assert.fail('decode should have thrown');
}

/** botocore's parse of our encoding, without the metadata it adds. */
function roundTrip(service: string, model: ServiceModel, operation: string, output: unknown): Record<string, unknown> {
  const parsed = botocoreParse(service, operation, queryCodec.encode(model, model.operations[operation]!, output, ctx));
  assert.deepEqual(parsed.ResponseMetadata, { RequestId: 'req-5678', HTTPStatusCode: 200 });
  delete parsed.ResponseMetadata;
  return parsed;
}

for (const [service, operation] of [['iam', 'CreatePolicy'], ['iam', 'ListPolicies'], ['iam', 'GetAccountSummary'], ['iam', 'TagUser'],
  ['sts', 'GetCallerIdentity'], ['sts', 'AssumeRole'], ['synthetic-query', 'Everything']] as const) {
  test(`decodes botocore's ${service} ${operation} request`, () => {
    const c = fixture(service, operation);
    const model = testModel(service);
    assert.deepEqual(queryCodec.decode(model, model.operations[operation]!, wireRequest(c)), revive(c.params));
  });
}

test('a GET query string decodes like a form body', () => {
  const req = rawRequest('', 'Action=ListPolicies&Version=2010-05-08&Scope=AWS&MaxItems=5');
  assert.deepEqual(queryCodec.decode(iam, iam.operations.ListPolicies!, req), { Scope: 'AWS', MaxItems: 5 });
});

test('constraint failures are ValidationErrors; bad scalars too', () => {
  const missing = decodeError(iam, 'CreatePolicy', 'Action=CreatePolicy&Version=2010-05-08&PolicyName=p');
  assert.equal(missing.code, 'ValidationError');
  assert.equal(missing.status, 400);
  assert.equal(missing.message, "1 validation error detected: Value null at 'policyDocument' failed to satisfy constraint: Member must not be null");
  const range = decodeError(iam, 'ListPolicies', 'Action=ListPolicies&Version=2010-05-08&MaxItems=0');
  assert.equal(range.message, "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1");
  const notNumber = decodeError(iam, 'ListPolicies', 'Action=ListPolicies&Version=2010-05-08&MaxItems=ten');
  assert.equal(notNumber.code, 'ValidationError');
  assert.equal(notNumber.message, "Value 'ten' for parameter MaxItems is not a valid integer");
});

test('encode: <Op>Response, <Op>Result, ResponseMetadata, the namespace', () => {
  const res = queryCodec.encode(sts, sts.operations.GetCallerIdentity!, { UserId: 'AIDA', Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/a&b' }, ctx);
  assert.equal(res.status, 200);
  assert.equal(res.headers['Content-Type'], 'text/xml');
  assert.equal(res.body, '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
    + '<UserId>AIDA</UserId><Account>123456789012</Account><Arn>arn:aws:iam::123456789012:user/a&amp;b</Arn></GetCallerIdentityResult>'
    + '<ResponseMetadata><RequestId>req-5678</RequestId></ResponseMetadata></GetCallerIdentityResponse>');
  const noOutput = queryCodec.encode(iam, iam.operations.DeleteUser!, undefined, ctx);
  assert.equal(noOutput.body, '<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
    + '<ResponseMetadata><RequestId>req-5678</RequestId></ResponseMetadata></DeleteUserResponse>');
});

test('errors: the wire code from the model, its status and side', () => {
  for (const code of ['NoSuchEntityException', 'NoSuchEntity']) {
    const res = queryCodec.encodeError(iam, iam.operations.GetUser, new AwsError(code, 'The user with name bob cannot be found.'), ctx);
    assert.equal(res.status, 404);
    assert.equal(res.body, '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
      + '<Code>NoSuchEntity</Code><Message>The user with name bob cannot be found.</Message></Error>'
      + '<RequestId>req-5678</RequestId></ErrorResponse>');
  }
  assert.equal(queryCodec.encodeError(iam, undefined, new AwsError('ServiceFailureException', 'x'), ctx).status, 500);
  const broken = queryCodec.encodeError(synthetic, undefined, new AwsError('BrokenException', 'x'), ctx);
  assert.equal(broken.status, 503);
  assert.match(String(broken.body), /<Type>Receiver<\/Type><Code>Broken<\/Code>/);
  const invalid = queryCodec.encodeError(iam, undefined, unknownActionError('Nope', '2010-05-08'), ctx);
  assert.equal(invalid.status, 400);
  assert.match(String(invalid.body), /<Code>InvalidAction<\/Code><Message>Could not find operation Nope for version 2010-05-08<\/Message>/);
});

test('botocore parses our IAM responses back to the values we encoded', (t) => {
  if (!hasBotocore()) return t.skip(NO_BOTOCORE);
  const policy = {
    PolicyName: 'read-only', PolicyId: 'ANPA1234567890EXAMPLE', Arn: 'arn:aws:iam::123456789012:policy/team/read-only',
    Path: '/team/', DefaultVersionId: 'v1', AttachmentCount: 0, PermissionsBoundaryUsageCount: 0, IsAttachable: true,
    Description: 'Read <&> list', CreateDate: new Date('2024-05-01T12:30:00Z'), UpdateDate: new Date('2024-05-01T12:30:00.250Z'),
    Tags: [{ Key: 'k1', Value: 'v 1' }, { Key: 'k2', Value: '' }],
  };
  assert.deepEqual(roundTrip('iam', iam, 'CreatePolicy', { Policy: policy }), { Policy: policy });
  const list = { Policies: [policy, { PolicyName: 'two', Arn: 'arn:aws:iam::aws:policy/Two', Tags: [] }], IsTruncated: true, Marker: 'm==' };
  assert.deepEqual(roundTrip('iam', iam, 'ListPolicies', list), list);
  const summary = { SummaryMap: { Users: 3, UsersQuota: 5000, Policies: 12 } };
  assert.deepEqual(roundTrip('iam', iam, 'GetAccountSummary', summary), summary);
});

test('botocore parses our STS responses back to the values we encoded', (t) => {
  if (!hasBotocore()) return t.skip(NO_BOTOCORE);
  const identity = { UserId: 'AIDAEXAMPLE', Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice' };
  assert.deepEqual(roundTrip('sts', sts, 'GetCallerIdentity', identity), identity);
  const assumed = {
    Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret/+=', SessionToken: 'token', Expiration: new Date('2024-05-01T13:30:00Z') },
    AssumedRoleUser: { AssumedRoleId: 'AROAEXAMPLE:session-1', Arn: 'arn:aws:sts::123456789012:assumed-role/demo/session-1' },
    PackedPolicySize: 6, SourceIdentity: 'me',
  };
  assert.deepEqual(roundTrip('sts', sts, 'AssumeRole', assumed), assumed);
});

test('botocore reads every XML layout the writer produces (synthetic model)', (t) => {
  if (!hasBotocore()) return t.skip(NO_BOTOCORE);
  const everything = {
    Name: 'n', Count: 3, Ratio: 0.25, Enabled: false, Data: Buffer.from([0, 1, 254]), When: new Date('2024-02-03T04:05:06Z'),
    Wrapped: ['a', 'b'], Flat: ['c'], FlatNamed: ['d', 'e'], Attributes: { k1: 'v1', k2: '' }, FlatMap: { x: 'y', z: 'w' },
    Nested: { Inner: { Value: 'deep' }, Items: [{ Value: 'i1' }, { Value: 'i2' }] }, Renamed: 'r', Epoch: new Date('2024-02-03T04:05:06Z'),
    Grantee: { Type: 'CanonicalUser', ID: 'abc' }, Tagged: { Id: '7', Text: 'line1\nline2\ttab' },
  };
  assert.deepEqual(roundTrip('synthetic-query', synthetic, 'Everything', everything), everything);
});

test('botocore maps our IAM error to the modeled exception', (t) => {
  if (!hasBotocore()) return t.skip(NO_BOTOCORE);
  const res = queryCodec.encodeError(iam, iam.operations.GetUser, new AwsError('NoSuchEntityException', 'The user with name bob cannot be found.'), ctx);
  const parsed = botocoreParse('iam', 'GetUser', res);
  assert.deepEqual(parsed.Error, { Type: 'Sender', Code: 'NoSuchEntity', Message: 'The user with name bob cannot be found.' });
  assert.equal(parsed.ModeledException, 'NoSuchEntityException');
  assert.deepEqual(parsed.ResponseMetadata, { RequestId: 'req-5678', HTTPStatusCode: 404 });
});
