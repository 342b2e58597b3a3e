/**
 * The EC2 inventory through real clients against one server: seed 003's audit script (boto3, both
 * Pythons), aws-cli v1 and v2, the AWS SDK for JavaScript v3 (pagination, IMDS options, EBS
 * encryption by default with Coffer's KMS, public snapshots), and EC2's errors as boto3 sees them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateSnapshotCommand, CreateTagsCommand, CreateVolumeCommand,
  DescribeAvailabilityZonesCommand, DescribeInstanceAttributeCommand, DescribeInstancesCommand, DescribeRegionsCommand,
  DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, DescribeSnapshotAttributeCommand, DescribeSnapshotsCommand,
  DescribeTagsCommand, DescribeVolumesCommand, DisableEbsEncryptionByDefaultCommand, EC2Client, EnableEbsEncryptionByDefaultCommand,
  GetEbsDefaultKmsKeyIdCommand, GetEbsEncryptionByDefaultCommand, ModifyEbsDefaultKmsKeyIdCommand, ModifyInstanceMetadataOptionsCommand,
  ModifySnapshotAttributeCommand, ResetEbsDefaultKmsKeyIdCommand, RevokeSecurityGroupIngressCommand, RunInstancesCommand,
  StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand, paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, DescribeKeyCommand, DisableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { AWS_CLIS, PYTHONS, run, startServer, type TestServer } from './harness.js';

/**
 * Seed 003's script ("audit a cloud's security with Python"), verbatim but for its placeholders:
 * the credentials and Region it sets, and the endpoint (Debian's boto3 1.26 reads no
 * AWS_ENDPOINT_URL, so the client is told where Coffer is).
 */
function seedScript(server: TestServer): string {
  return `import boto3

# AWS IAM 인증 정보 설정
session = boto3.Session(aws_access_key_id='${server.accessKeyId}',
                        aws_secret_access_key='${server.secretAccessKey}',
                        region_name='us-east-1')

# EC2 인스턴스 목록 조회
ec2_client = session.client('ec2', endpoint_url='${server.url}')
response = ec2_client.describe_instances()

# EC2 인스턴스 감사
for reservation in response['Reservations']:
    for instance in reservation['Instances']:
        instance_id = instance['InstanceId']
        instance_state = instance['State']['Name']
        
        # 보안 감사 로직 추가
        # ...

        print(f"Instance ID: {instance_id}, State: {instance_state}")
`;
}

/** Runs EC2 calls that must fail and prints what boto3 reports for each. */
const BOTO3_ERRORS = `
import boto3, json, sys
from botocore.exceptions import ClientError
ec2 = boto3.client('ec2', endpoint_url=sys.argv[1], region_name='us-east-1')
ids = json.loads(sys.argv[2])
cases = {
  'unknown instance': lambda: ec2.describe_instances(InstanceIds=['i-0123456789abcdef0']),
  'malformed instance': lambda: ec2.describe_instances(InstanceIds=['i-123']),
  'ids with MaxResults': lambda: ec2.describe_instances(InstanceIds=[ids['instance']], MaxResults=5),
  'MaxResults too small': lambda: ec2.describe_instances(MaxResults=3),
  'unknown filter': lambda: ec2.describe_instances(Filters=[{'Name': 'colour', 'Values': ['red']}]),
  'no ImageId': lambda: ec2.run_instances(MinCount=1, MaxCount=1),
  'malformed ImageId': lambda: ec2.run_instances(ImageId='ubuntu', MinCount=1, MaxCount=1),
  'dry run': lambda: ec2.run_instances(ImageId='ami-12345678', MinCount=1, MaxCount=1, DryRun=True),
  'unknown group': lambda: ec2.describe_security_groups(GroupIds=['sg-0123456789abcdef0']),
  'unknown group name': lambda: ec2.describe_security_groups(GroupNames=['nope']),
  'delete default group': lambda: ec2.delete_security_group(GroupName='default'),
  'group in use': lambda: ec2.delete_security_group(GroupId=ids['group']),
  'duplicate group': lambda: ec2.create_security_group(GroupName=ids['groupName'], Description='again'),
  'unknown volume': lambda: ec2.describe_volumes(VolumeIds=['vol-0123456789abcdef0']),
  'unknown snapshot': lambda: ec2.describe_snapshots(SnapshotIds=['snap-0123456789abcdef0']),
  'volume without size': lambda: ec2.create_volume(AvailabilityZone='us-east-1a'),
  'volume in a zone elsewhere': lambda: ec2.create_volume(AvailabilityZone='eu-west-1a', Size=1),
  'stop terminated': lambda: ec2.stop_instances(InstanceIds=[ids['terminated']]),
  'unknown action': lambda: ec2._make_api_call('DescribeImages', {}),
}
out = {}
for name, call in cases.items():
    try:
        call()
        out[name] = 'no error'
    except ClientError as e:
        out[name] = [e.response['Error']['Code'], e.response['Error'].get('Message'), e.response['ResponseMetadata']['HTTPStatusCode']]
print(json.dumps(out))
`;

describe('EC2 inventory through real clients', () => {
  let server: TestServer;
  let ec2: EC2Client;
  let kms: KMSClient;
  let trail: CloudTrailClient;
  let account: string;

  before(async () => {
    server = await startServer();
    const config = { endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } };
    ec2 = new EC2Client(config);
    kms = new KMSClient(config);
    trail = new CloudTrailClient(config);
  });
  after(() => server.stop());

  const launch = async (count: number, extra: Partial<ConstructorParameters<typeof RunInstancesCommand>[0]> = {}) =>
    (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0abcdef1234567890', InstanceType: 't3.micro', MinCount: count, MaxCount: count, ...extra }))).Instances!;

  it("seed 003's audit script prints the instances it finds, with both boto3 versions", async () => {
    const created = await launch(2, { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'seed', Value: '003' }] }] });
    account = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [created[0]!.InstanceId!] }))).Reservations![0]!.OwnerId!;
    // Only what the script itself sets: no AWS_* variables from the test's environment.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    for (const python of PYTHONS) {
      const r = await run(python, ['-c', seedScript(server)], { ...env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
      assert.equal(r.code, 0, r.stderr);
      for (const i of created) assert.match(r.stdout, new RegExp(`^Instance ID: ${i.InstanceId}, State: running$`, 'm'), `${python}: ${r.stdout}`);
    }
  });

  for (const cli of AWS_CLIS) {
    it(`aws-cli (${cli}): run-instances, describe-instances --filters, security groups, describe-regions`, async () => {
      const aws = async (...args: string[]) => {
        const r = await run(cli, ['ec2', ...args, '--endpoint-url', server.url, '--output', 'json'], server.clientEnv());
        return { ...r, json: r.code === 0 && r.stdout.trim() ? JSON.parse(r.stdout) : undefined };
      };
      const name = `ssh-${cli.replace(/\W/g, '')}`;
      const group = await aws('create-security-group', '--group-name', name, '--description', 'ssh from anywhere');
      assert.equal(group.code, 0, group.stderr);
      const groupId = group.json.GroupId;
      const open = await aws('authorize-security-group-ingress', '--group-id', groupId, '--protocol', 'tcp', '--port', '22', '--cidr', '0.0.0.0/0');
      assert.equal(open.code, 0, open.stderr);
      assert.equal(open.json.Return, true);
      const again = await aws('authorize-security-group-ingress', '--group-id', groupId, '--protocol', 'tcp', '--port', '22', '--cidr', '0.0.0.0/0');
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /InvalidPermission\.Duplicate.*the specified rule "peer: 0\.0\.0\.0\/0, TCP, from port: 22, to port: 22, ALLOW" already exists/);

      const ran = await aws('run-instances', '--image-id', 'ami-0abcdef1234567890', '--count', '1', '--instance-type', 't3.small',
        '--security-group-ids', groupId, '--tag-specifications', `ResourceType=instance,Tags=[{Key=Name,Value=${name}}]`);
      assert.equal(ran.code, 0, ran.stderr);
      const id = ran.json.Instances[0].InstanceId;
      assert.deepEqual(ran.json.Instances[0].State, { Code: 0, Name: 'pending' });

      const found = await aws('describe-instances', '--filters', `Name=tag:Name,Values=${name}`, 'Name=instance-state-name,Values=running');
      assert.equal(found.code, 0, found.stderr);
      const instances = found.json.Reservations.flatMap((r: { Instances: unknown[] }) => r.Instances);
      assert.deepEqual(instances.map((i: { InstanceId: string }) => i.InstanceId), [id]);
      assert.equal(instances[0].SecurityGroups[0].GroupId, groupId);
      assert.equal(instances[0].InstanceType, 't3.small');

      const groups = await aws('describe-security-groups', '--filters', 'Name=ip-permission.cidr,Values=0.0.0.0/0', 'Name=ip-permission.from-port,Values=22');
      assert.equal(groups.code, 0, groups.stderr);
      const sg = groups.json.SecurityGroups.find((g: { GroupId: string }) => g.GroupId === groupId);
      assert.deepEqual(sg.IpPermissions, [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }]);

      const regions = await aws('describe-regions');
      assert.equal(regions.code, 0, regions.stderr);
      const names = regions.json.Regions.map((r: { RegionName: string }) => r.RegionName);
      assert.equal(names.length, 17, 'opt-in Regions are not listed unless asked for');
      assert.ok(names.includes('eu-west-1'));
      assert.equal(regions.json.Regions.find((r: { RegionName: string }) => r.RegionName === 'us-east-1').Endpoint, 'ec2.us-east-1.amazonaws.com');
      const terminated = await aws('terminate-instances', '--instance-ids', id);
      assert.equal(terminated.json.TerminatingInstances[0].CurrentState.Name, 'shutting-down');
    });
  }

  it('SDK v3: Regions and Availability Zones as Prowler asks for them', async () => {
    const all = (await ec2.send(new DescribeRegionsCommand({ AllRegions: true }))).Regions!;
    assert.equal(all.length, 34);
    assert.equal(all.find((r) => r.RegionName === 'af-south-1')!.OptInStatus, 'not-opted-in');
    const named = (await ec2.send(new DescribeRegionsCommand({ RegionNames: ['eu-central-1'] }))).Regions!;
    assert.deepEqual(named.map((r) => r.Endpoint), ['ec2.eu-central-1.amazonaws.com']);
    const zones = (await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
    assert.deepEqual(zones.map((z) => [z.ZoneName, z.ZoneId, z.State]).slice(0, 2), [['us-east-1a', 'use1-az1', 'available'], ['us-east-1b', 'use1-az2', 'available']]);
  });

  it('SDK v3: DescribeInstances pages 5 instances at a time, filters, and groups by reservation', async () => {
    const created = await launch(7, { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'batch', Value: 'paging' }] }] });
    const pages = [];
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 5 }, { Filters: [{ Name: 'tag:batch', Values: ['pag*'] }] })) pages.push(page);
    assert.deepEqual(pages.map((p) => p.Reservations!.flatMap((r) => r.Instances!).length), [5, 2]);
    const seen = pages.flatMap((p) => p.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId)));
    assert.deepEqual(seen, created.map((i) => i.InstanceId));
    assert.ok(pages.every((p) => p.Reservations!.length === 1), 'each page groups its instances under their reservation');
  });

  it('SDK v3: start, stop and terminate report previous and current state codes', async () => {
    const [vm] = await launch(1);
    const id = vm!.InstanceId!;
    const stop = (await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }))).StoppingInstances![0]!;
    assert.deepEqual([stop.PreviousState, stop.CurrentState], [{ Code: 16, Name: 'running' }, { Code: 64, Name: 'stopping' }]);
    const start = (await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }))).StartingInstances![0]!;
    assert.deepEqual([start.PreviousState, start.CurrentState], [{ Code: 80, Name: 'stopped' }, { Code: 0, Name: 'pending' }]);
    const term = (await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }))).TerminatingInstances![0]!;
    assert.deepEqual([term.PreviousState, term.CurrentState], [{ Code: 16, Name: 'running' }, { Code: 32, Name: 'shutting-down' }]);
    const described = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;
    assert.deepEqual(described.State, { Code: 48, Name: 'terminated' });
  });

  it('SDK v3: IMDSv2 at launch and through ModifyInstanceMetadataOptions; user data and instance profile kept', async () => {
    const userData = Buffer.from('#!/bin/sh\necho hello\n').toString('base64');
    const [v1] = await launch(1, { UserData: userData, IamInstanceProfile: { Name: 'web' } });
    const [v2] = await launch(1, { MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' } });
    const optional = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'metadata-options.http-tokens', Values: ['optional'] }] }));
    const optionalIds = optional.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId));
    assert.ok(optionalIds.includes(v1!.InstanceId) && !optionalIds.includes(v2!.InstanceId));
    const changed = await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: v1!.InstanceId, HttpTokens: 'required' }));
    assert.deepEqual([changed.InstanceMetadataOptions!.State, changed.InstanceMetadataOptions!.HttpTokens], ['pending', 'required']);
    const after = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [v1!.InstanceId!] }))).Reservations![0]!.Instances![0]!;
    assert.deepEqual([after.MetadataOptions!.State, after.MetadataOptions!.HttpTokens, after.MetadataOptions!.HttpEndpoint], ['applied', 'required', 'enabled']);
    assert.equal(after.IamInstanceProfile!.Arn, `arn:aws:iam::${account}:instance-profile/web`);
    const attribute = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: v1!.InstanceId, Attribute: 'userData' }));
    assert.equal(attribute.UserData!.Value, userData);
  });

  it('SDK v3: security group rules one by one, and revoked', async () => {
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'rdp', Description: 'rdp' }));
    const { SecurityGroupRules } = await ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    }));
    assert.deepEqual(SecurityGroupRules!.map((r) => [r.CidrIpv4, r.CidrIpv6, r.FromPort]), [['0.0.0.0/0', undefined, 3389], [undefined, '::/0', 3389]]);
    const listed = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [GroupId!] }] }));
    assert.deepEqual(listed.SecurityGroupRules!.map((r) => [r.IsEgress, r.IpProtocol, r.FromPort, r.ToPort]),
      [[true, '-1', -1, -1], [false, 'tcp', 3389, 3389], [false, 'tcp', 3389, 3389]]);
    const revoked = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, SecurityGroupRuleIds: [SecurityGroupRules![1]!.SecurityGroupRuleId!] }));
    assert.equal(revoked.Return, true);
    const [group] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] }))).SecurityGroups!;
    assert.deepEqual(group!.IpPermissions!.map((p) => [p.IpRanges!.length, p.Ipv6Ranges!.length]), [[1, 0]]);
  });

  it("SDK v3: EBS encryption by default uses KMS's aws/ebs key, then a customer key; a disabled key's volume never appears", async () => {
    assert.equal((await ec2.send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault, false);
    const plain = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 8, VolumeType: 'gp3' }));
    assert.deepEqual([plain.State, plain.Encrypted, plain.Iops, plain.Throughput], ['creating', false, 3000, 125]);
    assert.equal((await ec2.send(new EnableEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault, true);
    assert.equal((await ec2.send(new GetEbsDefaultKmsKeyIdCommand({}))).KmsKeyId, 'alias/aws/ebs');
    const managed = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 8 }));
    assert.equal(managed.Encrypted, true);
    const awsEbs = (await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/ebs' }))).KeyMetadata!;
    assert.deepEqual([managed.KmsKeyId, awsEbs.KeyManager], [awsEbs.Arn, 'AWS']);

    const key = (await kms.send(new CreateKeyCommand({ Description: 'ebs' }))).KeyMetadata!;
    assert.equal((await ec2.send(new ModifyEbsDefaultKmsKeyIdCommand({ KmsKeyId: key.KeyId }))).KmsKeyId, key.Arn);
    const customer = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1b', Size: 8 }));
    assert.equal(customer.KmsKeyId, key.Arn);
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    const doomed = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1b', Size: 8 }));
    await assert.rejects(ec2.send(new DescribeVolumesCommand({ VolumeIds: [doomed.VolumeId!] })), { name: 'InvalidVolume.NotFound' });
    assert.equal((await ec2.send(new ResetEbsDefaultKmsKeyIdCommand({}))).KmsKeyId, 'alias/aws/ebs');
    await ec2.send(new DisableEbsEncryptionByDefaultCommand({}));

    const unencrypted = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'encrypted', Values: ['false'] }] }));
    assert.ok(unencrypted.Volumes!.some((v) => v.VolumeId === plain.VolumeId));
    assert.ok(!unencrypted.Volumes!.some((v) => v.VolumeId === managed.VolumeId || v.VolumeId === customer.VolumeId));
  });

  it('SDK v3: a snapshot made public is listed as restorable by all, and tags are described', async () => {
    const volume = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1c', Size: 2 }));
    const snap = await ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId, Description: 'db backup' }));
    assert.deepEqual([snap.State, snap.VolumeSize, snap.OwnerId], ['pending', 2, account]);
    await ec2.send(new ModifySnapshotAttributeCommand({ SnapshotId: snap.SnapshotId, Attribute: 'createVolumePermission', OperationType: 'add', GroupNames: ['all'] }));
    const attr = await ec2.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snap.SnapshotId, Attribute: 'createVolumePermission' }));
    assert.deepEqual(attr.CreateVolumePermissions, [{ Group: 'all' }]);
    const mine = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'status', Values: ['completed'] }] }));
    assert.ok(mine.Snapshots!.some((s) => s.SnapshotId === snap.SnapshotId && s.Progress === '100%'));
    const publicOnes = await ec2.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ['all'] }));
    assert.deepEqual(publicOnes.Snapshots!.map((s) => s.SnapshotId), [snap.SnapshotId]);

    await ec2.send(new CreateTagsCommand({ Resources: [snap.SnapshotId!, volume.VolumeId!], Tags: [{ Key: 'team', Value: 'data' }] }));
    const tags = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['team'] }] }));
    assert.deepEqual(tags.Tags!.map((t) => t.ResourceType).sort(), ['snapshot', 'volume']);
  });

  it('boto3 (both versions) sees EC2 error codes, messages and statuses', async () => {
    const [vm] = await launch(1);
    const [gone] = await launch(1);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [gone!.InstanceId!] }));
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'in-use', Description: 'in use' }));
    const [user] = await launch(1, { SecurityGroupIds: [GroupId!] });
    const ids = { instance: vm!.InstanceId, terminated: gone!.InstanceId, group: GroupId, groupName: 'in-use' };
    const vpcId = user!.VpcId;
    const defaultGroup = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }))).SecurityGroups![0]!.GroupId;
    const expected = {
      'unknown instance': ['InvalidInstanceID.NotFound', "The instance ID 'i-0123456789abcdef0' does not exist", 400],
      'malformed instance': ['InvalidInstanceID.Malformed', 'Invalid id: "i-123"', 400],
      'ids with MaxResults': ['InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults', 400],
      'MaxResults too small': ['InvalidParameterValue', 'Value ( 3 ) for parameter maxResults is invalid. Expecting a value greater than 5.', 400],
      'unknown filter': ['InvalidParameterValue', "The filter 'colour' is invalid", 400],
      'no ImageId': ['MissingParameter', 'The request must contain the parameter ImageId', 400],
      'malformed ImageId': ['InvalidAMIID.Malformed', 'Invalid id: "ubuntu" (expecting "ami-...")', 400],
      'dry run': ['DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412],
      'unknown group': ['InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist", 400],
      'unknown group name': ['InvalidGroup.NotFound', `The security group 'nope' does not exist in default VPC '${vpcId}'`, 400],
      'delete default group': ['CannotDelete', `the specified group: "${defaultGroup}" name: "default" cannot be deleted by a user`, 400],
      'group in use': ['DependencyViolation', `resource ${GroupId} has a dependent object`, 400],
      'duplicate group': ['InvalidGroup.Duplicate', `The security group 'in-use' already exists for VPC '${vpcId}'`, 400],
      'unknown volume': ['InvalidVolume.NotFound', "The volume 'vol-0123456789abcdef0' does not exist.", 400],
      'unknown snapshot': ['InvalidSnapshot.NotFound', "The snapshot 'snap-0123456789abcdef0' does not exist.", 400],
      'volume without size': ['MissingParameter', 'The request must contain the parameter size/snapshot', 400],
      'volume in a zone elsewhere': ['InvalidParameterValue', 'Invalid availability zone: [eu-west-1a]', 400],
      'stop terminated': ['IncorrectInstanceState', `This instance '${gone!.InstanceId}' is not in a state from which it can be stopped.`, 400],
      'unknown action': ['InvalidAction', 'The action DescribeImages is not valid for this web service.', 400],
    };
    for (const python of PYTHONS) {
      const r = await run(python, ['-c', BOTO3_ERRORS, server.url, JSON.stringify(ids)], server.clientEnv());
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), expected, python);
    }
  });

  it('terminated instances stay listed for an hour of service time, then are gone', async () => {
    const [vm] = await launch(1);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [vm!.InstanceId!] }));
    await server.advanceClock(30 * 60);
    assert.equal((await ec2.send(new DescribeInstancesCommand({ InstanceIds: [vm!.InstanceId!] }))).Reservations![0]!.Instances![0]!.State!.Name, 'terminated');
    await server.advanceClock(31 * 60);
    await assert.rejects(ec2.send(new DescribeInstancesCommand({ InstanceIds: [vm!.InstanceId!] })), { name: 'InvalidInstanceID.NotFound' });
  });

  it('EC2 calls are trailed like every other call', async () => {
    const events = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'RunInstances' }] }));
    assert.ok(events.Events!.length > 0);
    assert.ok(events.Events!.every((e) => e.EventSource === 'ec2.amazonaws.com' && e.ReadOnly === 'false'));
  });

  it('never logs the secret access key', () => {
    assert.ok(!server.output().includes(server.secretAccessKey));
  });
});
