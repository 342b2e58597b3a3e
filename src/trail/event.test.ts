import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { AwsError } from '../errors.js';
import type { Principal } from '../server/context.js';
import { resourceName, resourceType } from './classify.js';
import { buildEvent, draftEvent, finishEvent, EVENT_VERSION } from './event.js';
import { javaDate, decapitalize } from './params.js';
import type { CallRecord } from './recorder.js';

const ACCOUNT = '111122223333';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROOT: Principal = { type: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT, accessKeyId: 'AKIAROOTROOTROOTROOT' };
const ALICE: Principal = {
  type: 'IAMUser', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/Alice`, principalId: 'AIDAJ45Q7YFFAREXAMPLE',
  accessKeyId: 'AKIAALICEALICEALICE0', userName: 'Alice',
};
const SESSION: Principal = {
  type: 'AssumedRole', accountId: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Uploader/job-7`,
  principalId: 'AROAIDPPEZS35WEXAMPLE:job-7', accessKeyId: 'ASIASESSIONSESSION00',
};

function call(overrides: Partial<CallRecord>): CallRecord {
  return {
    requestId: 'f3423043-63bc-11e4-bc2b-4198b6150d5c', eventTime: new Date('2025-05-20T20:46:16.123Z'),
    service: 'kms', region: 'us-east-1', principal: ROOT, sourceIp: '::ffff:192.0.2.7', userAgent: 'aws-cli/1.45.11',
    status: 200, ...overrides,
  };
}

/** Every form a secret could take in the JSON. */
function assertAbsent(json: string, secret: Buffer | string, what: string): void {
  const bytes = Buffer.isBuffer(secret) ? secret : Buffer.from(secret);
  for (const form of [bytes.toString('base64'), bytes.toString('hex'), bytes.toString('latin1'), bytes.toString('base64url')]) {
    assert.ok(!json.includes(form), `${what} leaked into the event`);
  }
}

function parse(c: CallRecord): Record<string, any> {
  const event = buildEvent(c);
  assert.ok(event);
  return JSON.parse(event.json);
}

describe('CloudTrail events: KMS', () => {
  it('Encrypt: keyId, context and algorithm logged; plaintext and ciphertext never; responseElements null', () => {
    const plaintext = randomBytes(32);
    const ciphertext = randomBytes(180);
    const c = call({
      operation: 'Encrypt', resources: [KEY_ARN],
      input: { KeyId: KEY_ARN, Plaintext: plaintext, EncryptionContext: { Department: 'Engineering' }, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      output: { CiphertextBlob: ciphertext, KeyId: KEY_ARN, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    });
    const event = buildEvent(c)!;
    const e = JSON.parse(event.json);
    assert.deepEqual(Object.keys(e), [
      'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
      'requestParameters', 'responseElements', 'requestID', 'eventID', 'readOnly', 'resources', 'eventType',
      'managementEvent', 'recipientAccountId', 'eventCategory',
    ]);
    assert.equal(e.eventVersion, EVENT_VERSION);
    assert.deepEqual(e.userIdentity, { type: 'Root', principalId: ACCOUNT, arn: ROOT.arn, accountId: ACCOUNT, accessKeyId: ROOT.accessKeyId });
    assert.equal(e.eventTime, '2025-05-20T20:46:16Z');
    assert.equal(e.eventSource, 'kms.amazonaws.com');
    assert.equal(e.eventName, 'Encrypt');
    assert.equal(e.sourceIPAddress, '192.0.2.7');
    assert.equal(e.userAgent, 'aws-cli/1.45.11');
    assert.deepEqual(e.requestParameters, { keyId: KEY_ARN, encryptionContext: { Department: 'Engineering' }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    assert.equal(e.responseElements, null);
    assert.equal(e.readOnly, true);
    assert.deepEqual(e.resources, [{ ARN: KEY_ARN, accountId: ACCOUNT, type: 'AWS::KMS::Key' }]);
    assert.equal(e.eventType, 'AwsApiCall');
    assert.equal(e.managementEvent, true);
    assert.equal(e.eventCategory, 'Management');
    assert.equal(e.recipientAccountId, ACCOUNT);
    assert.match(e.eventID, /^[0-9a-f-]{36}$/);
    assertAbsent(event.json, plaintext, 'plaintext');
    assertAbsent(event.json, ciphertext, 'ciphertext');
    assert.deepEqual(event.index.resources, [{ type: 'AWS::KMS::Key', name: KEY_ARN, arn: KEY_ARN }]);
    assert.equal(event.index.username, 'root');
  });

  it('GenerateDataKey by an IAM user: neither copy of the data key is logged', () => {
    const dataKey = randomBytes(32);
    const wrapped = randomBytes(184);
    const c = call({
      operation: 'GenerateDataKey', principal: ALICE, resources: [KEY_ARN],
      input: { KeyId: 'alias/app', KeySpec: 'AES_256', EncryptionContext: { app: 'billing' } },
      output: { CiphertextBlob: wrapped, Plaintext: dataKey, KeyId: KEY_ARN },
    });
    const event = buildEvent(c)!;
    const e = JSON.parse(event.json);
    assert.deepEqual(e.userIdentity, {
      type: 'IAMUser', principalId: ALICE.principalId, arn: ALICE.arn, accountId: ACCOUNT, accessKeyId: ALICE.accessKeyId, userName: 'Alice',
    });
    assert.deepEqual(e.requestParameters, { keyId: 'alias/app', keySpec: 'AES_256', encryptionContext: { app: 'billing' } });
    assert.equal(e.responseElements, null);
    assertAbsent(event.json, dataKey, 'data key');
    assertAbsent(event.json, wrapped, 'encrypted data key');
    assert.equal(event.index.username, 'Alice');
  });

  it('Decrypt: the ciphertext blob is not a logged parameter', () => {
    const blob = randomBytes(200);
    const e = parse(call({ operation: 'Decrypt', input: { CiphertextBlob: blob, EncryptionContext: { a: 'b' } }, output: { Plaintext: randomBytes(16), KeyId: KEY_ARN } }));
    assert.deepEqual(e.requestParameters, { encryptionContext: { a: 'b' } });
    assert.equal(e.responseElements, null);
    assertAbsent(JSON.stringify(e), blob, 'ciphertext');
  });

  it('a denied call carries errorCode and errorMessage and no response', () => {
    const message = `User: ${ALICE.arn} is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN}`;
    const e = parse(call({ operation: 'Decrypt', principal: ALICE, status: 400, input: { CiphertextBlob: randomBytes(40) }, error: new AwsError('AccessDeniedException', message) }));
    assert.equal(e.errorCode, 'AccessDeniedException');
    assert.equal(e.errorMessage, message);
    assert.equal(e.requestParameters, null);
    assert.equal(e.responseElements, null);
    const keys = Object.keys(e);
    assert.ok(keys.indexOf('errorCode') === keys.indexOf('userAgent') + 1, 'errorCode follows userAgent, as AWS writes it');
  });

  it('CreateKey logs the key metadata, dates as AWS prints them', () => {
    const e = parse(call({
      operation: 'CreateKey', input: { Description: '', KeyUsage: 'ENCRYPT_DECRYPT' },
      output: { KeyMetadata: { AWSAccountId: ACCOUNT, KeyId: 'k', Arn: KEY_ARN, CreationDate: new Date('2022-08-10T22:38:27Z'), Enabled: true } },
    }));
    assert.equal(e.readOnly, false);
    assert.deepEqual(e.responseElements, { keyMetadata: { AWSAccountId: ACCOUNT, keyId: 'k', arn: KEY_ARN, creationDate: 'Aug 10, 2022, 10:38:27 PM', enabled: true } });
    assert.deepEqual(e.resources, [{ ARN: KEY_ARN, accountId: ACCOUNT, type: 'AWS::KMS::Key' }], 'the new key, named only in the response');
  });

  it('a call made by S3 for SSE-KMS shows the service', () => {
    const e = parse(call({ operation: 'GenerateDataKey', principal: ALICE, invokedBy: 's3.amazonaws.com', input: { KeyId: KEY_ARN, KeySpec: 'AES_256' }, output: { Plaintext: randomBytes(32) } }));
    assert.equal(e.sourceIPAddress, 's3.amazonaws.com');
    assert.equal(e.userAgent, 's3.amazonaws.com');
    assert.equal(e.userIdentity.invokedBy, 's3.amazonaws.com');
    assert.equal(e.userIdentity.arn, ALICE.arn);
  });
});

describe('CloudTrail events: IAM and STS', () => {
  it('CreateAccessKey: the new secret access key is never logged; IAM events are in us-east-1', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const c = call({
      service: 'iam', region: 'eu-west-1', operation: 'CreateAccessKey', input: { UserName: 'Bob' },
      output: { AccessKey: { UserName: 'Bob', AccessKeyId: 'AKIABOBBOBBOBBOBBOB0', Status: 'Active', SecretAccessKey: secret, CreateDate: new Date('2020-10-08T16:34:05Z') } },
    });
    const event = buildEvent(c)!;
    const e = JSON.parse(event.json);
    assert.equal(e.awsRegion, 'us-east-1');
    assert.equal(e.eventSource, 'iam.amazonaws.com');
    assert.equal(e.readOnly, false);
    assert.deepEqual(e.requestParameters, { userName: 'Bob' });
    assert.deepEqual(e.responseElements, { accessKey: { userName: 'Bob', accessKeyId: 'AKIABOBBOBBOBBOBBOB0', status: 'Active', createDate: 'Oct 8, 2020, 4:34:05 PM' } });
    assert.ok(!event.json.includes(secret));
  });

  it('CreateLoginProfile: the password is never logged', () => {
    const password = 'correct horse battery staple 42!';
    const json = buildEvent(call({ service: 'iam', operation: 'CreateLoginProfile', input: { UserName: 'Bob', Password: password, PasswordResetRequired: true } }))!.json;
    assert.ok(!json.includes(password));
    assert.deepEqual(JSON.parse(json).requestParameters, { userName: 'Bob', passwordResetRequired: true });
  });

  it('AssumeRole: credentials logged without the secret key or the session token', () => {
    const secret = randomBytes(30).toString('base64');
    const token = randomBytes(300).toString('base64');
    const event = buildEvent(call({
      service: 'sts', operation: 'AssumeRole', principal: ALICE,
      input: { RoleArn: `arn:aws:iam::${ACCOUNT}:role/Uploader`, RoleSessionName: 'job-7' },
      output: {
        Credentials: { AccessKeyId: 'ASIANEWNEWNEWNEWNEW0', SecretAccessKey: secret, SessionToken: token, Expiration: new Date('2021-01-22T21:21:04Z') },
        AssumedRoleUser: { AssumedRoleId: 'AROAIDPPEZS35WEXAMPLE:job-7', Arn: SESSION.arn },
      },
    }))!;
    const e = JSON.parse(event.json);
    assert.equal(e.readOnly, true);
    assert.deepEqual(e.requestParameters, { roleArn: `arn:aws:iam::${ACCOUNT}:role/Uploader`, roleSessionName: 'job-7' });
    assert.deepEqual(e.responseElements.credentials, { accessKeyId: 'ASIANEWNEWNEWNEWNEW0', expiration: 'Jan 22, 2021, 9:21:04 PM' });
    assert.ok(!event.json.includes(secret) && !event.json.includes(token));
  });

  it('an assumed-role caller carries its session context', () => {
    const e = parse(call({ service: 'sts', operation: 'GetCallerIdentity', principal: SESSION, input: {}, output: {} }));
    assert.deepEqual(e.userIdentity, {
      type: 'AssumedRole', principalId: SESSION.principalId, arn: SESSION.arn, accountId: ACCOUNT, accessKeyId: SESSION.accessKeyId,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAIDPPEZS35WEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:role/Uploader`, accountId: ACCOUNT, userName: 'Uploader' },
        attributes: { mfaAuthenticated: 'false' },
      },
    });
    assert.equal(e.requestParameters, null);
    assert.equal(e.responseElements, null);
  });

  it('session issuers come from the principal: a role with its path, a federating IAM user', () => {
    const withPath = { ...SESSION, sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/service/Uploader` };
    const e = parse(call({ service: 'sts', operation: 'GetCallerIdentity', principal: withPath, input: {} }));
    assert.equal(e.userIdentity.sessionContext.sessionIssuer.arn, withPath.sessionIssuerArn);
    assert.equal(e.userIdentity.sessionContext.sessionIssuer.userName, 'Uploader');
    const federated: Principal = {
      type: 'FederatedUser', accountId: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:federated-user/carol`, principalId: `${ACCOUNT}:carol`,
      accessKeyId: 'ASIAFEDERATEDFEDERAT', sessionIssuerArn: ALICE.arn,
    };
    const f = parse(call({ service: 'sts', operation: 'GetCallerIdentity', principal: federated, input: {} }));
    assert.deepEqual(f.userIdentity.sessionContext.sessionIssuer, { type: 'IAMUser', arn: ALICE.arn, accountId: ACCOUNT, userName: 'Alice' });
    assert.equal(buildEvent(call({ principal: federated, operation: 'ListKeys', input: {} }))!.index.username, 'carol');
  });

  it('the session creation date is logged when STS provides it', () => {
    const principal = { ...SESSION, session: { issuedAt: new Date('2013-11-02T01:06:28.000Z') } };
    const e = parse(call({ service: 'sts', operation: 'GetCallerIdentity', principal, input: {} }));
    assert.deepEqual(e.userIdentity.sessionContext.attributes, { creationDate: '2013-11-02T01:06:28Z', mfaAuthenticated: 'false' });
  });
});

describe('CloudTrail events: S3', () => {
  it('PutObject with SSE-C: a data event; no key, no key digest, no body', () => {
    const key = randomBytes(32);
    const keyMd5 = 'Kp2JxAo0R8bOFqEPvxjNHw==';
    const body = randomBytes(64);
    const event = buildEvent(call({
      service: 's3', operation: 'PutObject', principal: SESSION, host: 'photos.s3.localhost:2633',
      resources: ['arn:aws:s3:::photos/2024/cat.jpg'],
      input: { Bucket: 'photos', Key: '2024/cat.jpg', Body: Readable.from([body]), SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64'), SSECustomerKeyMD5: keyMd5 },
      output: { ETag: '"abc"', SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: keyMd5, VersionId: 'v1' },
      s3: { authMethod: 'AuthHeader', bytesIn: 64, bytesOut: 0, hostId: 'aG9zdA==' },
    }))!;
    const e = JSON.parse(event.json);
    assert.equal(e.eventCategory, 'Data');
    assert.equal(e.managementEvent, false);
    assert.equal(e.readOnly, false);
    assert.equal(e.userAgent, '[aws-cli/1.45.11]');
    assert.deepEqual(e.requestParameters, { bucketName: 'photos', key: '2024/cat.jpg', Host: 'photos.s3.localhost:2633' });
    assert.deepEqual(e.responseElements, { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-version-id': 'v1' });
    assert.deepEqual(e.additionalEventData, { SignatureVersion: 'SigV4', bytesTransferredIn: 64, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': 'aG9zdA==', bytesTransferredOut: 0 });
    assert.deepEqual(e.resources, [
      { ARN: 'arn:aws:s3:::photos/2024/cat.jpg', type: 'AWS::S3::Object' },
      { ARN: 'arn:aws:s3:::photos', accountId: ACCOUNT, type: 'AWS::S3::Bucket' },
    ]);
    assertAbsent(event.json, key, 'SSE-C key');
    assert.ok(!event.json.includes(keyMd5), 'SSE-C key digest leaked');
    assertAbsent(event.json, body, 'object body');
    assert.deepEqual(event.index.resources.map((r) => r.name), ['arn:aws:s3:::photos/2024/cat.jpg', 'photos']);
  });

  it('ListObjectsV2 is logged as ListObjects with list-type 2', () => {
    const e = parse(call({ service: 's3', operation: 'ListObjectsV2', input: { Bucket: 'photos', Prefix: '2024/' }, output: {} }));
    assert.equal(e.eventName, 'ListObjects');
    assert.deepEqual(e.requestParameters, { 'list-type': '2', bucketName: 'photos', prefix: '2024/' });
    assert.equal(e.eventCategory, 'Data');
    assert.equal(e.readOnly, true);
  });

  it('bucket-level calls are management events; subresource flags are logged', () => {
    const e = parse(call({ service: 's3', operation: 'GetBucketAcl', input: { Bucket: 'photos' }, output: {} }));
    assert.equal(e.eventCategory, 'Management');
    assert.deepEqual(e.requestParameters, { acl: '', bucketName: 'photos' });
  });

  it('an anonymous GetObject is logged for the bucket owner as ANONYMOUS_PRINCIPAL', () => {
    const draft = draftEvent(call({ service: 's3', operation: 'GetObject', principal: null, input: { Bucket: 'public', Key: 'index.html' } }))!;
    assert.equal(draft.bucket, 'public');
    const e = JSON.parse(finishEvent(draft, null, ACCOUNT).json);
    assert.deepEqual(e.userIdentity, { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' });
    assert.equal(e.recipientAccountId, ACCOUNT);
    assert.deepEqual(e.requestParameters, { bucketName: 'public', key: 'index.html' });
  });

  it('TLS details are logged when the call came over TLS', () => {
    const e = parse(call({ operation: 'ListKeys', input: {}, tls: { version: 'TLSv1.3', cipherSuite: 'TLS_AES_256_GCM_SHA384' }, host: 'kms.localhost' }));
    assert.deepEqual(e.tlsDetails, { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_256_GCM_SHA384', clientProvidedHostHeader: 'kms.localhost' });
  });
});

describe('CloudTrail events: formatting', () => {
  it('member names follow Java bean decapitalization', () => {
    assert.equal(decapitalize('KeyId'), 'keyId');
    assert.equal(decapitalize('AWSAccountId'), 'AWSAccountId');
    assert.equal(decapitalize('S3BucketName'), 's3BucketName');
    assert.equal(decapitalize('trailNameList'), 'trailNameList');
  });

  it('dates print as AWS Java services print them', () => {
    assert.equal(javaDate(new Date('2022-08-10T22:38:27Z')), 'Aug 10, 2022, 10:38:27 PM');
    assert.equal(javaDate(new Date('2022-01-02T00:05:09Z')), 'Jan 2, 2022, 12:05:09 AM');
    assert.equal(javaDate(new Date('2022-01-02T12:00:00Z')), 'Jan 2, 2022, 12:00:00 PM');
  });

  it('resource types and names come from the ARN; a name no type has is no type', () => {
    const typed = (arn: string) => [resourceType(arn), resourceName(arn, resourceType(arn))];
    assert.deepEqual(typed('arn:aws:s3:::photos'), ['AWS::S3::Bucket', 'photos']);
    assert.deepEqual(typed('arn:aws:s3:::photos/a:b/c'), ['AWS::S3::Object', 'arn:aws:s3:::photos/a:b/c']);
    assert.deepEqual(typed('arn:aws:iam::111122223333:user/path/bob'), ['AWS::IAM::User', 'bob']);
    assert.deepEqual(typed('arn:aws:kms:us-east-1:111122223333:alias/app'), ['AWS::KMS::Alias', 'arn:aws:kms:us-east-1:111122223333:alias/app']);
    assert.deepEqual(typed('arn:aws:sts::111122223333:assumed-role/r/s'), ['AWS::STS::AssumedRole', 'arn:aws:sts::111122223333:assumed-role/r/s']);
    for (const arn of ['arn:aws:iam::111122223333:constructor', 'arn:aws:iam::111122223333:toString/x', 'arn:aws:ec2:us-east-1:1:instance/i', 'arn:aws:kms', 'key/abc']) {
      assert.equal(resourceType(arn), undefined, arn);
    }
  });

  it('a request that named no operation makes no event', () => {
    assert.equal(draftEvent(call({ operation: undefined })), undefined);
  });
});
