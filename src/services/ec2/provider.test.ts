import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AwsError } from '../../errors.js';
import { Clock } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { migrate, openSqlite, type Db } from '../../store/database.js';
import type { Ec2Deps } from './deps.js';
import type { KmsKeys } from './kms-keys.js';
import { Ec2Provider, terminatedInstanceSweep } from './provider.js';
import { Ec2Store } from './store.js';

const ALICE = '111111111111';
const BOB = '222222222222';
const MANAGED = `arn:aws:kms:us-east-1:${ALICE}:key/00000000-0000-0000-0000-00000000ebs0`;
const GOOD_KEY = `arn:aws:kms:us-east-1:${ALICE}:key/11111111-1111-1111-1111-111111111111`;
const DISABLED_KEY = `arn:aws:kms:us-east-1:${ALICE}:key/22222222-2222-2222-2222-222222222222`;

/** KMS as EBS sees it: one usable key (also under an alias), one disabled. */
const kms: KmsKeys = {
  async find(_ctx, keyId) {
    if (keyId === GOOD_KEY || keyId === 'alias/good') return { arn: GOOD_KEY, usable: true, awsManaged: false };
    if (keyId === DISABLED_KEY) return { arn: DISABLED_KEY, usable: false, awsManaged: false };
    if (keyId === MANAGED) return { arn: MANAGED, usable: true, awsManaged: true };
    return undefined;
  },
  async awsManagedEbsKeyArn() {
    return MANAGED;
  },
};

function ctxOf(accountId: string, region = 'us-east-1'): RequestContext {
  return {
    requestId: 'r', service: 'ec2', operation: 'test', region, accountId, sourceIp: '127.0.0.1', userAgent: 'test', receivedAt: new Date(),
    secureTransport: false, principal: { type: 'Root', accountId, arn: `arn:aws:iam::${accountId}:root`, principalId: accountId },
  };
}

async function rejects(promise: Promise<unknown>, code: string, message?: string): Promise<void> {
  await assert.rejects(promise, (err: AwsError) => {
    assert.equal(err.code, code);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

describe('EC2 provider over an in-memory store', () => {
  let db: Db;
  let ec2: Ec2Provider;
  let deps: Ec2Deps;
  const alice = ctxOf(ALICE);
  const bob = ctxOf(BOB);

  before(async () => {
    db = await openSqlite(':memory:');
    await migrate(db);
    for (const id of [ALICE, BOB]) {
      await db.insertInto('accounts').values({ id, name: id, canonical_user_id: id.repeat(6).slice(0, 64).padEnd(64, '0'), created_at: new Date().toISOString() }).execute();
    }
    deps = { store: new Ec2Store(db), clock: new Clock(), kms };
    ec2 = new Ec2Provider(deps);
  });
  after(() => db.destroy());

  it('creates one default network per account and Region, even when first calls race', async () => {
    const results = await Promise.all([ec2.describeVpcs(alice, {}), ec2.describeSecurityGroups(alice, {}), ec2.describeSubnets(alice, {})]);
    const vpcs = results[0].Vpcs!;
    assert.equal(vpcs.length, 1);
    assert.equal(vpcs[0]!.CidrBlock, '172.31.0.0/16');
    assert.equal(vpcs[0]!.IsDefault, true);
    const subnets = (await ec2.describeSubnets(alice, {})).Subnets!;
    assert.deepEqual(subnets.map((s) => s.AvailabilityZone), ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f']);
    assert.deepEqual(subnets.map((s) => s.CidrBlock).slice(0, 2), ['172.31.0.0/20', '172.31.16.0/20']);
    assert.ok(subnets.every((s) => s.DefaultForAz && s.MapPublicIpOnLaunch && s.VpcId === vpcs[0]!.VpcId));
    const [group] = (await ec2.describeSecurityGroups(alice, {})).SecurityGroups!;
    assert.equal(group!.GroupName, 'default');
    assert.equal(group!.Description, 'default VPC security group');
    assert.deepEqual(group!.IpPermissions, [{
      IpProtocol: '-1', FromPort: undefined, ToPort: undefined, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [],
      UserIdGroupPairs: [{ GroupId: group!.GroupId, UserId: ALICE, Description: undefined }],
    }]);
    assert.deepEqual(group!.IpPermissionsEgress!.map((p) => [p.IpProtocol, p.IpRanges]), [['-1', [{ CidrIp: '0.0.0.0/0', Description: undefined }]]]);
    // Another Region and another account get their own.
    const west = (await ec2.describeVpcs(ctxOf(ALICE, 'eu-west-1'), {})).Vpcs!;
    assert.equal(west.length, 1);
    assert.notEqual(west[0]!.VpcId, vpcs[0]!.VpcId);
    assert.equal((await ec2.describeSubnets(ctxOf(ALICE, 'eu-west-1'), {})).Subnets![0]!.AvailabilityZone, 'eu-west-1a');
    assert.notEqual((await ec2.describeVpcs(bob, {})).Vpcs![0]!.VpcId, vpcs[0]!.VpcId);
  });

  it('instances settle at once: pending -> running -> stopping/stopped -> pending/running -> shutting-down/terminated', async () => {
    const reservation = await ec2.runInstances(alice, { ImageId: 'ami-12345678', MinCount: 2, MaxCount: 2, InstanceType: 't3.micro' });
    assert.match(reservation.ReservationId!, /^r-0[0-9a-f]{16}$/);
    assert.deepEqual(reservation.Instances!.map((i) => i.State), [{ Code: 0, Name: 'pending' }, { Code: 0, Name: 'pending' }]);
    const [a, b] = reservation.Instances!.map((i) => i.InstanceId!) as [string, string];
    const described = await ec2.describeInstances(alice, { InstanceIds: [a, b] });
    assert.equal(described.Reservations!.length, 1, 'one reservation per RunInstances call');
    const running = described.Reservations![0]!.Instances!;
    assert.deepEqual(running.map((i) => i.State!.Name), ['running', 'running']);
    assert.match(running[0]!.PrivateIpAddress!, /^172\.31\.(\d+)\.(\d+)$/);
    assert.match(running[0]!.PublicIpAddress!, /^(198\.51\.100|203\.0\.113)\.\d+$/);
    assert.equal(running[0]!.PrivateDnsName, `ip-${running[0]!.PrivateIpAddress!.replace(/\./g, '-')}.ec2.internal`);
    assert.equal(running[0]!.BlockDeviceMappings![0]!.DeviceName, '/dev/xvda');
    assert.equal(running[0]!.SecurityGroups![0]!.GroupName, 'default');
    assert.equal(running[0]!.MetadataOptions!.HttpTokens, 'optional');

    const stop = await ec2.stopInstances(alice, { InstanceIds: [a] });
    assert.deepEqual(stop.StoppingInstances, [{ InstanceId: a, PreviousState: { Code: 16, Name: 'running' }, CurrentState: { Code: 64, Name: 'stopping' } }]);
    const stopped = (await ec2.describeInstances(alice, { InstanceIds: [a] })).Reservations![0]!.Instances![0]!;
    assert.equal(stopped.State!.Name, 'stopped');
    assert.equal(stopped.PublicIpAddress, undefined, 'a stopped instance has no public address');
    assert.match(stopped.StateTransitionReason!, /^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);
    assert.equal(stopped.StateReason!.Code, 'Client.UserInitiatedShutdown');
    assert.deepEqual((await ec2.stopInstances(alice, { InstanceIds: [a] })).StoppingInstances![0]!.CurrentState, { Code: 80, Name: 'stopped' });

    deps.clock.advance(60_000);
    const start = await ec2.startInstances(alice, { InstanceIds: [a, b] });
    assert.deepEqual(start.StartingInstances!.map((c) => [c.PreviousState!.Name, c.CurrentState!.Name]), [['stopped', 'pending'], ['running', 'running']]);
    const restarted = (await ec2.describeInstances(alice, { InstanceIds: [a] })).Reservations![0]!.Instances![0]!;
    assert.equal(restarted.State!.Name, 'running');
    assert.ok(restarted.LaunchTime! > running[0]!.LaunchTime!, 'starting sets a new launch time');
    assert.ok(restarted.PublicIpAddress, 'and a new public address');

    const term = await ec2.terminateInstances(alice, { InstanceIds: [a] });
    assert.deepEqual(term.TerminatingInstances![0]!.CurrentState, { Code: 32, Name: 'shutting-down' });
    assert.deepEqual((await ec2.terminateInstances(alice, { InstanceIds: [a] })).TerminatingInstances![0]!.PreviousState, { Code: 48, Name: 'terminated' });
    await rejects(ec2.stopInstances(alice, { InstanceIds: [a] }), 'IncorrectInstanceState', `This instance '${a}' is not in a state from which it can be stopped.`);
    await rejects(ec2.startInstances(alice, { InstanceIds: [a] }), 'IncorrectInstanceState', `The instance '${a}' is not in a state from which it can be started.`);
    const terminated = (await ec2.describeInstances(alice, { InstanceIds: [a] })).Reservations![0]!.Instances![0]!;
    assert.equal(terminated.State!.Name, 'terminated');
    assert.deepEqual(terminated.BlockDeviceMappings, [], 'its root volume went with it');
    assert.equal((await ec2.describeVolumes(alice, { Filters: [{ Name: 'attachment.instance-id', Values: [a] }] })).Volumes!.length, 0);

    // Terminated instances stay visible for an hour, then are gone (and the sweep forgets them).
    deps.clock.advance(59 * 60_000);
    assert.equal((await ec2.describeInstances(alice, { InstanceIds: [a] })).Reservations!.length, 1);
    deps.clock.advance(2 * 60_000);
    await rejects(ec2.describeInstances(alice, { InstanceIds: [a] }), 'InvalidInstanceID.NotFound', `The instance ID '${a}' does not exist`);
    await terminatedInstanceSweep(deps, () => {}).runOnce();
    assert.equal((await db.selectFrom('ec2_instances').select('instance_id').where('instance_id', '=', a).execute()).length, 0);
    await ec2.terminateInstances(alice, { InstanceIds: [b] });
  });

  it('instances of one account or Region are invisible to the others', async () => {
    const [i] = (await ec2.runInstances(alice, { ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 })).Instances!;
    await rejects(ec2.describeInstances(bob, { InstanceIds: [i!.InstanceId!] }), 'InvalidInstanceID.NotFound');
    await rejects(ec2.describeInstances(ctxOf(ALICE, 'eu-west-1'), { InstanceIds: [i!.InstanceId!] }), 'InvalidInstanceID.NotFound');
    await rejects(ec2.describeInstances(alice, { InstanceIds: [i!.InstanceId!, 'i-0000000000000000a', 'i-0000000000000000b'] }),
      'InvalidInstanceID.NotFound', "The instance IDs 'i-0000000000000000a, i-0000000000000000b' do not exist");
    await ec2.terminateInstances(alice, { InstanceIds: [i!.InstanceId!] });
  });

  it('security group rules: regrouped by port range, duplicates refused, revocation per VPC kind', async () => {
    const { GroupId: web } = await ec2.createSecurityGroup(alice, { GroupName: 'web', Description: 'web servers' });
    await rejects(ec2.createSecurityGroup(alice, { GroupName: 'web', Description: 'again' }), 'InvalidGroup.Duplicate');
    await rejects(ec2.createSecurityGroup(alice, { GroupName: 'sg-web', Description: 'x' }), 'InvalidParameterValue', 'Group names may not be in the format sg-*.');
    const added = await ec2.authorizeSecurityGroupIngress(alice, {
      GroupId: web, IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '10.0.0.0/8', Description: 'office' }] },
        { IpProtocol: '6', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      ],
    });
    assert.equal(added.SecurityGroupRules!.length, 3);
    assert.ok(added.SecurityGroupRules!.every((r) => /^sgr-[0-9a-f]{17}$/.test(r.SecurityGroupRuleId!) && r.IsEgress === false));
    assert.equal(added.SecurityGroupRules![2]!.IpProtocol, 'tcp', 'protocol 6 is tcp');
    await ec2.authorizeSecurityGroupIngress(alice, { GroupId: web, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0' });
    await rejects(ec2.authorizeSecurityGroupIngress(alice, { GroupId: web, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }),
      'InvalidPermission.Duplicate', 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists');
    await rejects(ec2.authorizeSecurityGroupIngress(alice, { GroupId: web, IpProtocol: 'all', CidrIp: '0.0.0.0/0' }),
      'InvalidParameterValue', "Invalid value 'all' for IP protocol. Unknown protocol.");
    await rejects(ec2.authorizeSecurityGroupIngress(alice, { GroupId: web, IpProtocol: 'tcp', FromPort: 1, ToPort: 70000, CidrIp: '0.0.0.0/0' }),
      'InvalidParameterValue', 'TCP/UDP (to) port (70000) out of range');
    await rejects(ec2.authorizeSecurityGroupIngress(alice, { GroupId: web, IpProtocol: 'tcp', FromPort: 1, ToPort: 2, CidrIp: '10.0.0.0/33' }),
      'InvalidParameterValue', 'CIDR block 10.0.0.0/33 is malformed');
    const [group] = (await ec2.describeSecurityGroups(alice, { GroupIds: [web!] })).SecurityGroups!;
    assert.deepEqual(group!.IpPermissions!.map((p) => [p.IpProtocol, p.FromPort, p.ToPort, p.IpRanges!.map((r) => r.CidrIp), p.Ipv6Ranges!.map((r) => r.CidrIpv6)]), [
      ['tcp', 22, 22, ['0.0.0.0/0', '10.0.0.0/8'], []],
      ['tcp', 443, 443, [], ['::/0']],
      ['tcp', 80, 80, ['0.0.0.0/0'], []],
    ]);
    assert.equal(group!.IpPermissions![0]!.IpRanges![1]!.Description, 'office');
    assert.deepEqual(group!.IpPermissionsEgress!.map((p) => [p.IpProtocol, p.IpRanges![0]!.CidrIp]), [['-1', '0.0.0.0/0']]);
    const open22 = await ec2.describeSecurityGroups(alice, { Filters: [
      { Name: 'ip-permission.cidr', Values: ['0.0.0.0/0'] }, { Name: 'ip-permission.from-port', Values: ['22'] },
    ] });
    assert.deepEqual(open22.SecurityGroups!.map((g) => g.GroupName), ['web']);

    // Default VPC: unknown rules are answered, not refused.
    const revoked = await ec2.revokeSecurityGroupIngress(alice, { GroupId: web, IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '192.0.2.0/24' }] },
    ] });
    assert.equal(revoked.Return, false);
    assert.equal(revoked.RevokedSecurityGroupRules!.length, 1);
    assert.deepEqual(revoked.UnknownIpPermissions!.map((p) => p.IpRanges!.map((r) => r.CidrIp)), [['192.0.2.0/24']]);
    // Another VPC: one unknown rule refuses the whole request.
    const { Vpc } = await ec2.createVpc(alice, { CidrBlock: '10.1.0.0/16' });
    const { GroupId: app } = await ec2.createSecurityGroup(alice, { GroupName: 'web', Description: 'same name, other VPC', VpcId: Vpc!.VpcId });
    await ec2.authorizeSecurityGroupIngress(alice, { GroupId: app, IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, UserIdGroupPairs: [{ GroupId: app }] }] });
    await rejects(ec2.revokeSecurityGroupIngress(alice, { GroupId: app, IpPermissions: [
      { IpProtocol: 'udp', FromPort: 53, ToPort: 53, UserIdGroupPairs: [{ GroupId: app }] },
      { IpProtocol: 'udp', FromPort: 54, ToPort: 54, UserIdGroupPairs: [{ GroupId: app }] },
    ] }), 'InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
    assert.equal((await ec2.describeSecurityGroupRules(alice, { Filters: [{ Name: 'group-id', Values: [app!] }] })).SecurityGroupRules!.length, 2);

    // In use by an instance, or the default group: not deletable.
    const [vm] = (await ec2.runInstances(alice, { ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1, SecurityGroupIds: [web!] })).Instances!;
    await rejects(ec2.deleteSecurityGroup(alice, { GroupId: web }), 'DependencyViolation', `resource ${web} has a dependent object`);
    await ec2.terminateInstances(alice, { InstanceIds: [vm!.InstanceId!] });
    assert.deepEqual(await ec2.deleteSecurityGroup(alice, { GroupId: web }), { Return: true, GroupId: web });
    const defaultId = (await ec2.describeSecurityGroups(alice, { GroupNames: ['default'] })).SecurityGroups![0]!.GroupId;
    await rejects(ec2.deleteSecurityGroup(alice, { GroupName: 'default' }), 'CannotDelete',
      `the specified group: "${defaultId}" name: "default" cannot be deleted by a user`);
  });

  it('volumes: encryption by default with the aws/ebs key, customer keys, and keys EBS cannot use', async () => {
    const plain = await ec2.createVolume(alice, { AvailabilityZone: 'us-east-1a', Size: 10 });
    assert.equal(plain.State, 'creating');
    assert.equal(plain.Encrypted, false);
    await rejects(ec2.createVolume(alice, { AvailabilityZone: 'us-east-1a', Size: 10, KmsKeyId: GOOD_KEY }), 'InvalidParameterDependency');
    await ec2.enableEbsEncryptionByDefault(alice, {});
    const byDefault = await ec2.createVolume(alice, { AvailabilityZone: 'us-east-1a', Size: 10, Encrypted: false });
    assert.deepEqual([byDefault.Encrypted, byDefault.KmsKeyId], [true, MANAGED], 'encryption by default cannot be turned off per volume');
    const aliased = await ec2.createVolume(alice, { AvailabilityZone: 'us-east-1b', Size: 10, KmsKeyId: 'alias/good' });
    assert.equal(aliased.KmsKeyId, GOOD_KEY, 'an alias resolves to its key ARN');
    // AWS checks the key after answering: the volume never becomes available.
    const doomed = await ec2.createVolume(alice, { AvailabilityZone: 'us-east-1b', Size: 10, KmsKeyId: DISABLED_KEY });
    await rejects(ec2.describeVolumes(alice, { VolumeIds: [doomed.VolumeId!] }), 'InvalidVolume.NotFound', `The volume '${doomed.VolumeId}' does not exist.`);
    const [vm] = (await ec2.runInstances(alice, { ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } })).Instances!;
    const root = (await ec2.describeVolumes(alice, { Filters: [{ Name: 'attachment.instance-id', Values: [vm!.InstanceId!] }] })).Volumes![0]!;
    assert.deepEqual([root.Encrypted, root.KmsKeyId, root.Size, root.Attachments![0]!.Device], [true, MANAGED, 8, '/dev/xvda']);
    await ec2.disableEbsEncryptionByDefault(alice, {});

    await rejects(ec2.attachVolume(alice, { VolumeId: aliased.VolumeId!, InstanceId: vm!.InstanceId!, Device: '/dev/sdf' }), 'InvalidVolume.ZoneMismatch');
    await rejects(ec2.attachVolume(alice, { VolumeId: plain.VolumeId!, InstanceId: vm!.InstanceId!, Device: '/dev/xvda' }), 'InvalidParameterValue',
      "Invalid value '/dev/xvda' for unixDevice. Attachment point /dev/xvda is already in use");
    assert.equal((await ec2.attachVolume(alice, { VolumeId: plain.VolumeId!, InstanceId: vm!.InstanceId!, Device: '/dev/sdf' })).State, 'attaching');
    await rejects(ec2.attachVolume(alice, { VolumeId: plain.VolumeId!, InstanceId: vm!.InstanceId!, Device: '/dev/sdg' }), 'VolumeInUse');
    await rejects(ec2.deleteVolume(alice, { VolumeId: plain.VolumeId! }), 'VolumeInUse', `Volume ${plain.VolumeId} is currently attached to ${vm!.InstanceId}`);
    const instance = (await ec2.describeInstances(alice, { InstanceIds: [vm!.InstanceId!] })).Reservations![0]!.Instances![0]!;
    assert.deepEqual(instance.BlockDeviceMappings!.map((m) => m.DeviceName), ['/dev/xvda', '/dev/sdf']);
    await ec2.terminateInstances(alice, { InstanceIds: [vm!.InstanceId!] });
    const left = (await ec2.describeVolumes(alice, { VolumeIds: [plain.VolumeId!] })).Volumes![0]!;
    assert.deepEqual([left.State, left.Attachments], ['available', []], 'a volume attached later survives termination, detached');
    await rejects(ec2.detachVolume(alice, { VolumeId: plain.VolumeId! }), 'IncorrectState', `Volume '${plain.VolumeId}'is in the 'available' state.`);
    await ec2.deleteVolume(alice, { VolumeId: plain.VolumeId! });
    await rejects(ec2.deleteVolume(alice, { VolumeId: plain.VolumeId! }), 'InvalidVolume.NotFound');
  });

  it('snapshots: public ones are visible to every account, encrypted ones cannot be made public', async () => {
    const volume = await ec2.createVolume(alice, { AvailabilityZone: 'us-east-1a', Size: 4 });
    const snap = await ec2.createSnapshot(alice, { VolumeId: volume.VolumeId!, Description: 'nightly' });
    assert.deepEqual([snap.State, snap.VolumeSize, snap.OwnerId], ['pending', 4, ALICE]);
    assert.equal((await ec2.describeSnapshots(alice, { SnapshotIds: [snap.SnapshotId!] })).Snapshots![0]!.State, 'completed');
    await rejects(ec2.describeSnapshots(bob, { SnapshotIds: [snap.SnapshotId!] }), 'InvalidSnapshot.NotFound');
    await ec2.modifySnapshotAttribute(alice, { SnapshotId: snap.SnapshotId!, Attribute: 'createVolumePermission', CreateVolumePermission: { Add: [{ Group: 'all' }] } });
    assert.deepEqual((await ec2.describeSnapshotAttribute(alice, { SnapshotId: snap.SnapshotId!, Attribute: 'createVolumePermission' })).CreateVolumePermissions, [{ Group: 'all' }]);
    assert.deepEqual((await ec2.describeSnapshots(bob, { RestorableByUserIds: ['all'] })).Snapshots!.map((s) => s.SnapshotId), [snap.SnapshotId]);
    assert.deepEqual((await ec2.describeSnapshots(bob, { OwnerIds: ['self'] })).Snapshots, []);
    await rejects(ec2.modifySnapshotAttribute(bob, { SnapshotId: snap.SnapshotId!, OperationType: 'remove', GroupNames: ['all'] }), 'InvalidSnapshot.NotFound');
    await ec2.modifySnapshotAttribute(alice, { SnapshotId: snap.SnapshotId!, OperationType: 'remove', GroupNames: ['all'] });
    await rejects(ec2.describeSnapshots(bob, { SnapshotIds: [snap.SnapshotId!] }), 'InvalidSnapshot.NotFound');

    const managed = await ec2.createSnapshot(alice, { VolumeId: (await ec2.createVolume(alice, { AvailabilityZone: 'us-east-1a', Size: 4, Encrypted: true })).VolumeId! });
    await rejects(ec2.modifySnapshotAttribute(alice, { SnapshotId: managed.SnapshotId!, CreateVolumePermission: { Add: [{ UserId: BOB }] } }),
      'InvalidParameterValue', 'Encrypted snapshots with EBS default key cannot be shared');
    const secret = await ec2.createVolume(alice, { AvailabilityZone: 'us-east-1a', Size: 4, KmsKeyId: GOOD_KEY, Encrypted: true });
    const sealed = await ec2.createSnapshot(alice, { VolumeId: secret.VolumeId! });
    assert.equal(sealed.Encrypted, true);
    await rejects(ec2.modifySnapshotAttribute(alice, { SnapshotId: sealed.SnapshotId!, CreateVolumePermission: { Add: [{ Group: 'all' }] } }),
      'OperationNotPermitted', 'Encrypted snapshots cannot be shared publicly');
    await ec2.modifySnapshotAttribute(alice, { SnapshotId: sealed.SnapshotId!, CreateVolumePermission: { Add: [{ UserId: BOB }] } });
    assert.deepEqual((await ec2.describeSnapshots(bob, { RestorableByUserIds: ['self'] })).Snapshots!.map((s) => s.SnapshotId), [sealed.SnapshotId]);
    const restored = await ec2.createVolume(alice, { AvailabilityZone: 'us-east-1c', SnapshotId: sealed.SnapshotId! });
    assert.deepEqual([restored.Size, restored.Encrypted, restored.SnapshotId], [4, true, sealed.SnapshotId], 'a volume inherits its snapshot\'s size and encryption');
    await ec2.deleteSnapshot(alice, { SnapshotId: snap.SnapshotId! });
    await rejects(ec2.describeSnapshots(alice, { SnapshotIds: [snap.SnapshotId!] }), 'InvalidSnapshot.NotFound');
  });

  it('tags: on creation, added, filtered, deleted', async () => {
    const [vm] = (await ec2.runInstances(alice, {
      ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web-1' }] }, { ResourceType: 'volume', Tags: [{ Key: 'backup', Value: 'yes' }] }],
    })).Instances!;
    const id = vm!.InstanceId!;
    await ec2.createTags(alice, { Resources: [id], Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'Name', Value: 'web-2' }] });
    const tags = await ec2.describeTags(alice, { Filters: [{ Name: 'resource-id', Values: [id] }] });
    assert.deepEqual(tags.Tags!.map((t) => [t.Key, t.Value, t.ResourceType]), [['Name', 'web-2', 'instance'], ['env', 'prod', 'instance']]);
    assert.deepEqual((await ec2.describeTags(alice, { Filters: [{ Name: 'key', Values: ['backup'] }] })).Tags!.map((t) => t.ResourceType), ['volume']);
    assert.equal((await ec2.describeInstances(alice, { Filters: [{ Name: 'tag:env', Values: ['prod'] }, { Name: 'instance-state-name', Values: ['running'] }] }))
      .Reservations![0]!.Instances![0]!.InstanceId, id);
    await ec2.deleteTags(alice, { Resources: [id], Tags: [{ Key: 'env', Value: 'staging' }] });
    assert.equal((await ec2.describeTags(alice, { Filters: [{ Name: 'resource-id', Values: [id] }] })).Tags!.length, 2, 'a value that differs deletes nothing');
    await ec2.deleteTags(alice, { Resources: [id] });
    assert.equal((await ec2.describeTags(alice, { Filters: [{ Name: 'resource-id', Values: [id] }] })).Tags!.length, 0);
    await rejects(ec2.createTags(alice, { Resources: ['i-0000000000000000c'], Tags: [{ Key: 'a', Value: 'b' }] }), 'InvalidInstanceID.NotFound');
    await rejects(ec2.createTags(alice, { Resources: ['bucket'], Tags: [{ Key: 'a', Value: 'b' }] }), 'InvalidID', "The ID 'bucket' is not valid");
    await rejects(ec2.createTags(alice, { Resources: [id], Tags: [{ Key: 'aws:x', Value: 'b' }] }), 'InvalidParameterValue');
    await rejects(ec2.runInstances(alice, { ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'vpc', Tags: [] }] }),
      'InvalidParameterValue', "'vpc' is not a valid taggable resource type for this operation.");
    await ec2.terminateInstances(alice, { InstanceIds: [id] });
  });

  it('DryRun answers DryRunOperation (412) before doing anything', async () => {
    await assert.rejects(ec2.runInstances(alice, { ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1, DryRun: true }), (err: AwsError) =>
      err.code === 'DryRunOperation' && err.status === 412 && err.message === 'Request would have succeeded, but DryRun flag is set.');
  });
});
