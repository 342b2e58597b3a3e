import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateGrantCommand, CreateKeyCommand, GenerateDataKeyCommand, KMSClient, ListGrantsCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startServer, type TestServer } from './harness.js';

/**
 * Calls AWS services make to KMS, as AWS authorizes them:
 * - on a caller's behalf (S3 SSE-KMS): key policies see kms:ViaService;
 * - as a service principal on behalf of a resource (CloudTrail delivering a trail's log files with
 *   SSE-KMS): key policies see aws:SourceArn / aws:SourceAccount, and grants to the service
 *   principal (GranteeServicePrincipal) with a SourceArn constraint allow exactly that resource.
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html
 */

const REGION = 'us-east-1';

function keyPolicy(account: string, ...statements: object[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      ...statements,
    ],
  });
}

/** The trail bucket policy AWS documents, with its aws:SourceArn condition. */
function trailBucketPolicy(bucket: string, account: string, trailArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${bucket}` },
      {
        Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket}/AWSLogs/${account}/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
      },
    ],
  });
}

describe('KMS calls made by AWS services: kms:ViaService, aws:SourceArn / aws:SourceAccount, grants to service principals', () => {
  let server: TestServer;
  let account: string;
  let kms: KMSClient;
  let s3: S3Client;
  const credentials = () => ({ accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });

  before(async () => {
    // Delivery happens only when the test moves the clock (never on the real-time timer).
    server = await startServer({ env: { COFFER_TRAIL_DELIVERY_SECONDS: '3600', COFFER_TRAIL_DIGEST_SECONDS: '3600' } });
    kms = new KMSClient({ endpoint: server.url, region: REGION, credentials: credentials() });
    s3 = new S3Client({ endpoint: server.url, region: REGION, forcePathStyle: true, credentials: credentials() });
    account = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.AWSAccountId!;
  });
  after(async () => {
    kms.destroy();
    s3.destroy();
    await server.stop();
  });

  it('kms:ViaService: a user the key policy allows only through S3 writes and reads SSE-KMS objects, but cannot call KMS directly', async () => {
    const iam = new IAMClient({ endpoint: server.url, region: REGION, credentials: credentials() });
    await iam.send(new CreateUserCommand({ UserName: 'via-s3' }));
    const userArn = `arn:aws:iam::${account}:user/via-s3`;
    await iam.send(new PutUserPolicyCommand({
      UserName: 'via-s3', PolicyName: 's3-only',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: '*' }] }),
    }));
    const ak = (await iam.send(new CreateAccessKeyCommand({ UserName: 'via-s3' }))).AccessKey!;
    iam.destroy();
    const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } };
    const viaEc2 = { StringEquals: { 'kms:ViaService': `ec2.${REGION}.amazonaws.com` } };
    const throughS3 = (await kms.send(new CreateKeyCommand({
      Policy: keyPolicy(account, { Sid: 'via S3', Effect: 'Allow', Principal: { AWS: userArn }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*', Condition: viaS3 }),
    }))).KeyMetadata!.Arn!;
    const throughEc2 = (await kms.send(new CreateKeyCommand({
      Policy: keyPolicy(account, { Sid: 'via EC2', Effect: 'Allow', Principal: { AWS: userArn }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*', Condition: viaEc2 }),
    }))).KeyMetadata!.Arn!;
    await s3.send(new CreateBucketCommand({ Bucket: 'via-service' }));

    const userCreds = { accessKeyId: ak.AccessKeyId!, secretAccessKey: ak.SecretAccessKey! };
    const userS3 = new S3Client({ endpoint: server.url, region: REGION, forcePathStyle: true, credentials: userCreds });
    const userKms = new KMSClient({ endpoint: server.url, region: REGION, credentials: userCreds });
    try {
      const body = randomBytes(100);
      await userS3.send(new PutObjectCommand({ Bucket: 'via-service', Key: 'a', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: throughS3 }));
      const got = await userS3.send(new GetObjectCommand({ Bucket: 'via-service', Key: 'a' }));
      assert.equal(got.SSEKMSKeyId, throughS3);
      assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), body);

      await assert.rejects(userKms.send(new GenerateDataKeyCommand({ KeyId: throughS3, KeySpec: 'AES_256' })), (err: Error) => {
        assert.equal(err.name, 'AccessDeniedException');
        assert.match(err.message, new RegExp(`User: ${userArn} is not authorized to perform: kms:GenerateDataKey on resource: ${throughS3}`));
        return true;
      });
      await assert.rejects(
        userS3.send(new PutObjectCommand({ Bucket: 'via-service', Key: 'b', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: throughEc2 })),
        (err: Error) => err.name === 'AccessDenied',
      );
    } finally {
      userS3.destroy();
      userKms.destroy();
    }
  });

  it('CloudTrail delivers SSE-KMS log files under a key whose policy or grant names cloudtrail.amazonaws.com for that trail (aws:SourceArn); a key naming another trail is refused at CreateTrail', async () => {
    const cloudtrail = new CloudTrailClient({ endpoint: server.url, region: REGION, credentials: credentials() });
    const trailArn = (name: string) => `arn:aws:cloudtrail:${REGION}:${account}:trail/${name}`;
    const cloudtrailStatement = (sourceArn: string) => ({
      Sid: 'Allow CloudTrail to encrypt logs', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*', Resource: '*',
      Condition: { StringEquals: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': account } },
    });
    // CloudTrail must also be able to describe the key (the documented policy's second statement).
    const describeStatement = { Sid: 'Allow CloudTrail to describe key', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:DescribeKey', Resource: '*' };
    const grantTo = async (key: string, sourceArn: string) => {
      await kms.send(new CreateGrantCommand({
        KeyId: key, GranteeServicePrincipal: 'cloudtrail.amazonaws.com', Operations: ['GenerateDataKey', 'DescribeKey'],
        Constraints: { SourceArn: sourceArn }, RetiringPrincipal: `arn:aws:iam::${account}:root`,
      }));
    };
    // by-policy: the key policy AWS documents for CloudTrail. by-grant: the default key policy and a
    // grant to CloudTrail for this trail. wrong-policy / wrong-grant: the same, naming another trail.
    const keys: Record<string, string> = {};
    keys['by-policy'] = (await kms.send(new CreateKeyCommand({ Policy: keyPolicy(account, cloudtrailStatement(trailArn('by-policy')), describeStatement) }))).KeyMetadata!.Arn!;
    keys['wrong-policy'] = (await kms.send(new CreateKeyCommand({ Policy: keyPolicy(account, cloudtrailStatement(trailArn('by-policy')), describeStatement) }))).KeyMetadata!.Arn!;
    keys['by-grant'] = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    await grantTo(keys['by-grant'], trailArn('by-grant'));
    keys['wrong-grant'] = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    await grantTo(keys['wrong-grant'], trailArn('by-grant'));
    const grants = (await kms.send(new ListGrantsCommand({ KeyId: keys['by-grant'] }))).Grants!;
    assert.equal(grants[0]!.GranteeServicePrincipal, 'cloudtrail.amazonaws.com');
    assert.equal(grants[0]!.Constraints?.SourceArn, trailArn('by-grant'));

    for (const [name, key] of Object.entries(keys)) {
      await s3.send(new CreateBucketCommand({ Bucket: `logs-${name}` }));
      await s3.send(new PutBucketPolicyCommand({ Bucket: `logs-${name}`, Policy: trailBucketPolicy(`logs-${name}`, account, trailArn(name)) }));
      const create = cloudtrail.send(new CreateTrailCommand({ Name: name, S3BucketName: `logs-${name}`, KmsKeyId: key }));
      if (name.startsWith('wrong-')) {
        // CloudTrail checks the key as the trail will use it: one naming another trail is refused.
        await assert.rejects(create, (err: Error) => err.name === 'InsufficientEncryptionPolicyException', name);
        continue;
      }
      await create;
      await cloudtrail.send(new StartLoggingCommand({ Name: name }));
    }
    cloudtrail.destroy();
    await kms.send(new GenerateDataKeyCommand({ KeyId: keys['by-grant'], KeySpec: 'AES_256' }));
    await server.advanceClock(3601);

    const delivered = async (name: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: `logs-${name}`, Prefix: `AWSLogs/${account}/CloudTrail/` }))).Contents ?? []).map((c) => c.Key!);
    for (const name of ['by-policy', 'by-grant']) {
      const files = await delivered(name);
      assert.ok(files.length > 0, `${name}: log files delivered`);
      const head = await s3.send(new HeadObjectCommand({ Bucket: `logs-${name}`, Key: files[0]! }));
      assert.equal(head.ServerSideEncryption, 'aws:kms');
      assert.equal(head.SSEKMSKeyId, keys[name]);
    }
  });
});
