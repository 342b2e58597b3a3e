import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AwsError } from '../errors.js';
import { loadModel } from '../model/registry.js';
import { ec2Codec, ec2UnknownActionError } from './ec2.js';
import { botocoreParse, fixture, hasBotocore, NO_BOTOCORE, rawRequest, revive, wireRequest } from './fixtures/harness.js';

const ec2 = loadModel('ec2');
const ctx = { requestId: 'req-ec2', hostId: '' };

function decodeError(operation: string, body: string): AwsError {
  try {
    ec2Codec.decode(ec2, ec2.operations[operation]!, rawRequest(body));
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
  assert.fail('decode should have thrown');
}

for (const operation of ['DescribeInstances', 'DescribeRegions', 'DescribeSpotPriceHistory']) {
  test(`decodes botocore's ec2 ${operation} request`, () => {
    const c = fixture('ec2', operation);
    assert.deepEqual(ec2Codec.decode(ec2, ec2.operations[operation]!, wireRequest(c)), revive(c.params));
  });
}

test('missing and malformed parameters are reported by wire name', () => {
  const missing = decodeError('TerminateInstances', 'Action=TerminateInstances&Version=2016-11-15&Force=true');
  assert.equal(missing.code, 'MissingParameter');
  assert.equal(missing.status, 400);
  assert.equal(missing.message, 'The request must contain the parameter InstanceId');
  const nested = decodeError('CreateTags', 'Action=CreateTags&Version=2016-11-15&ResourceId.1=i-1');
  assert.equal(nested.message, 'The request must contain the parameter Tag');
  const bad = decodeError('DescribeInstances', 'Action=DescribeInstances&Version=2016-11-15&MaxResults=many');
  assert.equal(bad.code, 'InvalidParameterValue');
  assert.equal(bad.message, 'Value (many) for parameter MaxResults is invalid.');
});

test('encode: the EC2 namespace, requestId first, members by locationName, <item> lists', () => {
  const res = ec2Codec.encode(ec2, ec2.operations.DescribeRegions!, { Regions: [{ RegionName: 'us-east-1', Endpoint: 'ec2.us-east-1.amazonaws.com', OptInStatus: 'opt-in-not-required' }] }, ctx);
  assert.equal(res.status, 200);
  assert.equal(res.body, '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
    + '<requestId>req-ec2</requestId><regionInfo><item><optInStatus>opt-in-not-required</optInStatus><regionName>us-east-1</regionName>'
    + '<regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint></item></regionInfo></DescribeRegionsResponse>');
});

test('errors: <Response><Errors><Error>, RequestID, status', () => {
  const res = ec2Codec.encodeError(ec2, undefined, new AwsError('InvalidInstanceID.NotFound', "The instance ID 'i-1' does not exist"), ctx);
  assert.equal(res.status, 400);
  assert.equal(res.body, '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code>'
    + "<Message>The instance ID &apos;i-1&apos; does not exist</Message></Error></Errors><RequestID>req-ec2</RequestID></Response>");
  assert.equal(ec2Codec.encodeError(ec2, undefined, new AwsError('InternalError', 'x', { senderFault: false }), ctx).status, 500);
  const invalid = ec2UnknownActionError('DescribeNothing');
  assert.equal(invalid.code, 'InvalidAction');
  assert.equal(invalid.message, 'The action DescribeNothing is not valid for this web service.');
});

test('botocore parses our DescribeInstances (nested lists) back to the values we encoded', (t) => {
  if (!hasBotocore()) return t.skip(NO_BOTOCORE);
  const instance = {
    InstanceId: 'i-0123456789abcdef0', ImageId: 'ami-12345678', InstanceType: 't3.micro', AmiLaunchIndex: 0,
    State: { Code: 16, Name: 'running' }, LaunchTime: new Date('2024-05-01T12:00:00Z'),
    Placement: { AvailabilityZone: 'us-east-1a', Tenancy: 'default' }, PrivateIpAddress: '10.0.0.5', PublicIpAddress: '203.0.113.9',
    SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'web' }, { GroupId: 'sg-2', GroupName: 'ssh' }],
    Tags: [{ Key: 'Name', Value: 'web' }],
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { AttachTime: new Date('2024-05-01T12:00:01Z'), DeleteOnTermination: true, Status: 'attached', VolumeId: 'vol-1' } }],
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' }, EbsOptimized: false,
  };
  const output = { Reservations: [{ ReservationId: 'r-1', OwnerId: '123456789012', Groups: [], Instances: [instance] }], NextToken: 'next' };
  const parsed = botocoreParse('ec2', 'DescribeInstances', ec2Codec.encode(ec2, ec2.operations.DescribeInstances!, output, ctx));
  assert.deepEqual(parsed.ResponseMetadata, { RequestId: 'req-ec2', HTTPStatusCode: 200 });
  delete parsed.ResponseMetadata;
  assert.deepEqual(parsed, output);
});

test('botocore reads our EC2 error', (t) => {
  if (!hasBotocore()) return t.skip(NO_BOTOCORE);
  const res = ec2Codec.encodeError(ec2, ec2.operations.DescribeInstances, decodeError('TerminateInstances', 'Action=TerminateInstances&Version=2016-11-15'), ctx);
  const parsed = botocoreParse('ec2', 'DescribeInstances', res);
  assert.deepEqual(parsed.Error, { Code: 'MissingParameter', Message: 'The request must contain the parameter InstanceId' });
  assert.deepEqual(parsed.ResponseMetadata, { RequestId: 'req-ec2', HTTPStatusCode: 400 });
});
