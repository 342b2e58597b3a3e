/**
 * RunInstances: records of instances (no machine runs), placed in a subnet (the Region's default
 * ones unless told), with security groups, addresses, metadata options, user data and EBS volumes
 * from the block device mappings. The instances answer `pending` and are `running` from then on.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html
 */
import type { RequestContext } from '../../../server/context.js';
import { AwsError } from '../../../errors.js';
import type { BlockDeviceMapping, Reservation, RunInstancesRequest } from '../../../generated/ec2/shapes.js';
import { scopeOf, type Ec2Deps } from '../deps.js';
import {
  dryRunIfAsked, groupNameNotFound, groupNotFoundInVpc, invalidCombination, invalidValue, invalidZone, missing, snapshotNotFound, subnetNotFound,
} from '../errors.js';
import { checkIds, instanceProfileId, isId, malformedId, newId } from '../ids.js';
import { freeHostIn, freePublicIp } from '../net.js';
import type { InstanceRow, VolumeRow } from '../store-instances.js';
import type { GroupRow, SubnetRow } from '../store-network.js';
import { volumeEncryption, type VolumeEncryption } from './ebs-defaults.js';
import { instanceView, relationsOf, visibleInstances } from './instance-view.js';
import { zonesOf } from './regions.js';
import { tagsFromSpecifications } from './tags.js';
import { volumeShape } from './volumes.js';
import { ensureRegion } from './vpcs.js';

/** Instances (not terminated) an account may have per Region: Coffer's stand-in for EC2's vCPU quotas. */
const MAX_LIVE_INSTANCES = 256;
const ROOT_DEVICE = '/dev/xvda';
const USER_DATA_LIMIT = 16384;

/** Where the instances go: the subnet, and the security groups of their network interface. */
async function placement(deps: Ec2Deps, ctx: RequestContext, input: RunInstancesRequest): Promise<{ subnet: SubnetRow; groups: GroupRow[]; publicIp?: boolean }> {
  const scope = scopeOf(ctx);
  const nic = input.NetworkInterfaces?.find((n) => (n.DeviceIndex ?? 0) === 0);
  if (nic && input.SubnetId !== undefined) {
    throw invalidCombination('Network interfaces and an instance-level subnet ID may not be specified on the same request');
  }
  if (nic && (input.SecurityGroupIds?.length || input.SecurityGroups?.length)) {
    throw invalidCombination('Network interfaces and an instance-level security groups may not be specified on the same request');
  }
  const subnetId = nic?.SubnetId ?? input.SubnetId;
  let subnet: SubnetRow | undefined;
  if (subnetId !== undefined) {
    checkIds('subnet', [subnetId]);
    subnet = await deps.store.network.subnet(scope, subnetId);
    if (!subnet) throw subnetNotFound(subnetId);
  } else {
    const zone = input.Placement?.AvailabilityZone;
    if (zone !== undefined && !zonesOf(ctx.region).some((z) => z.ZoneName === zone)) throw invalidZone(zone);
    const defaults = (await deps.store.network.subnets(scope)).filter((s) => s.default_for_az === 1);
    subnet = zone !== undefined ? defaults.find((s) => s.availability_zone === zone) : defaults[0];
    if (!subnet) throw invalidZone(zone ?? ctx.region);
  }
  const groups: GroupRow[] = [];
  for (const id of nic?.Groups ?? input.SecurityGroupIds ?? []) {
    checkIds('group', [id]);
    const group = await deps.store.groups.get(scope, id);
    if (!group) throw groupNotFoundInVpc(id, subnet.vpc_id);
    if (group.vpc_id !== subnet.vpc_id) {
      throw new AwsError('InvalidParameter', `Security group ${id} and subnet ${subnet.subnet_id} belong to different networks.`, { status: 400 });
    }
    groups.push(group);
  }
  if (input.SecurityGroups?.length) {
    const vpc = await deps.store.network.vpc(scope, subnet.vpc_id);
    if (vpc?.is_default !== 1) throw invalidCombination('The parameter groupName cannot be used with the parameter subnet');
    for (const name of input.SecurityGroups) {
      const group = await deps.store.groups.byName(vpc.vpc_id, name);
      if (!group) throw groupNameNotFound(name, vpc.vpc_id);
      groups.push(group);
    }
  }
  if (!groups.length) groups.push((await deps.store.groups.byName(subnet.vpc_id, 'default'))!);
  return { subnet, groups: [...new Map(groups.map((g) => [g.group_id, g])).values()], publicIp: nic?.AssociatePublicIpAddress };
}

interface VolumePlan {
  device: string;
  size: number;
  type: string;
  iops: number | null;
  throughput: number | null;
  snapshotId: string | null;
  encryption: VolumeEncryption;
  deleteOnTermination: boolean;
}

/** The volumes each instance gets: its root volume (8 GiB gp2 unless mapped) and every mapped EBS volume. */
async function volumePlans(deps: Ec2Deps, ctx: RequestContext, mappings: readonly BlockDeviceMapping[]): Promise<VolumePlan[]> {
  const ebs = mappings.filter((m) => m.Ebs && m.NoDevice === undefined && m.DeviceName !== undefined);
  if (!ebs.some((m) => m.DeviceName === ROOT_DEVICE)) ebs.unshift({ DeviceName: ROOT_DEVICE, Ebs: {} });
  const snapshots = await deps.store.ebs.visibleSnapshots(scopeOf(ctx));
  const plans: VolumePlan[] = [];
  for (const m of ebs) {
    const spec = m.Ebs!;
    let snapshot;
    if (spec.SnapshotId !== undefined) {
      if (!isId('snapshot', spec.SnapshotId)) throw malformedId('snapshot', spec.SnapshotId);
      snapshot = snapshots.find((s) => s.snapshot_id === spec.SnapshotId);
      if (!snapshot) throw snapshotNotFound(spec.SnapshotId);
    }
    const size = spec.VolumeSize ?? snapshot?.volume_size ?? (m.DeviceName === ROOT_DEVICE ? 8 : undefined);
    if (size === undefined) throw missing('The request must contain the parameter size/snapshot');
    const type = spec.VolumeType ?? 'gp2';
    const shape = volumeShape(type, size, spec.Iops, spec.Throughput, false);
    const encryption = await volumeEncryption(deps, ctx, spec, snapshot && { encrypted: snapshot.encrypted === 1, kmsKeyArn: snapshot.kms_key_arn });
    plans.push({ device: m.DeviceName!, size, type, ...shape, snapshotId: snapshot?.snapshot_id ?? null, encryption, deleteOnTermination: spec.DeleteOnTermination ?? true });
  }
  return plans;
}

function checkUserData(userData: string | undefined): void {
  if (userData === undefined) return;
  const compact = userData.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw invalidValue('Invalid BASE64 encoding of user data.');
  if (Buffer.from(compact, 'base64').length > USER_DATA_LIMIT) throw invalidValue(`User data is limited to ${USER_DATA_LIMIT} bytes`);
}

function checkCounts(input: RunInstancesRequest): void {
  // EC2's wording for these three refusals was not found; the bounds are documented.
  if (input.MinCount < 1) throw invalidValue(`Value (${input.MinCount}) for parameter minCount is invalid. Expected a positive integer.`);
  if (input.MaxCount < input.MinCount) {
    throw invalidValue(`Value (${input.MaxCount}) for parameter maxCount is invalid. Expected a value greater than or equal to minCount (${input.MinCount}).`);
  }
  const hops = input.MetadataOptions?.HttpPutResponseHopLimit;
  if (hops !== undefined && (hops < 1 || hops > 64)) throw invalidValue(`Value (${hops}) for parameter HttpPutResponseHopLimit is invalid. Expected a value between 1 and 64.`);
}

function iamProfile(ctx: RequestContext, input: RunInstancesRequest): { arn: string; id: string } | undefined {
  const spec = input.IamInstanceProfile;
  if (!spec || (spec.Arn === undefined && spec.Name === undefined)) return undefined;
  if (spec.Arn !== undefined && spec.Name !== undefined) {
    throw invalidCombination("The parameter 'iamInstanceProfile.name' may not be used in combination with 'iamInstanceProfile.arn'");
  }
  const arn = spec.Arn ?? `arn:aws:iam::${ctx.accountId}:instance-profile/${spec.Name}`;
  return { arn, id: instanceProfileId(arn) };
}

/**
 * Launches MinCount..MaxCount instances (as many as the Region's instance limit leaves room for)
 * as one reservation. https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html
 */
export async function runInstances(deps: Ec2Deps, ctx: RequestContext, input: RunInstancesRequest): Promise<Reservation> {
  dryRunIfAsked(input);
  if (input.ImageId === undefined) throw missing('The request must contain the parameter ImageId');
  if (!isId('image', input.ImageId)) throw malformedId('image', input.ImageId);
  checkCounts(input);
  checkUserData(input.UserData);
  const scope = scopeOf(ctx);
  await ensureRegion(deps, ctx);
  if (input.ClientToken) {
    const earlier = await deps.store.instances.byClientToken(scope, input.ClientToken);
    if (earlier.length) return reservationOf(deps, ctx, earlier);
  }
  const instanceTags = tagsFromSpecifications(input.TagSpecifications, 'instance', ['instance', 'volume', 'network-interface', 'spot-instances-request']);
  const volumeTags = tagsFromSpecifications(input.TagSpecifications, 'volume', ['instance', 'volume', 'network-interface', 'spot-instances-request']);
  const profile = iamProfile(ctx, input);
  const { subnet, groups, publicIp } = await placement(deps, ctx, input);
  const plans = await volumePlans(deps, ctx, input.BlockDeviceMappings ?? []);
  const available = MAX_LIVE_INSTANCES - (await deps.store.instances.countLive(scope));
  if (available < input.MinCount) {
    throw new AwsError('InstanceLimitExceeded', `You have requested more instances (${input.MinCount}) than your current instance limit of ${MAX_LIVE_INSTANCES} allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`, { status: 400 });
  }
  const count = Math.min(input.MaxCount, available);
  // EBS checks keys asynchronously: with an unusable key the instances launch, then terminate.
  const keyFailed = plans.some((p) => !p.encryption.keyUsable);
  const now = deps.clock.now().toISOString();
  const visible = await visibleInstances(deps, ctx);
  const privateTaken = new Set(visible.filter((i) => i.subnet_id === subnet.subnet_id && i.state !== 'terminated').map((i) => i.private_ip));
  const publicTaken = new Set(visible.flatMap((i) => (i.public_ip ? [i.public_ip] : [])));
  const reservationId = newId('reservation');
  const instances: InstanceRow[] = [];
  const volumes: VolumeRow[] = [];
  for (let i = 0; i < count; i++) {
    const privateIp = freeHostIn(subnet.cidr_block, privateTaken);
    if (!privateIp) throw new AwsError('InsufficientFreeAddressesInSubnet', `There are not enough free addresses in subnet '${subnet.subnet_id}' to satisfy the requested number of instances.`, { status: 400 });
    privateTaken.add(privateIp);
    const wantsPublic = !keyFailed && (publicIp ?? subnet.map_public_ip_on_launch === 1);
    const ip = wantsPublic ? freePublicIp(publicTaken) : undefined;
    if (ip) publicTaken.add(ip);
    const instanceId = newId('instance');
    instances.push({
      instance_id: instanceId, account_id: scope.accountId, region: scope.region, reservation_id: reservationId, launch_index: i,
      image_id: input.ImageId, instance_type: input.InstanceType ?? 'm1.small', state: keyFailed ? 'terminated' : 'running',
      state_transition_reason: '', state_reason_code: keyFailed ? 'Client.InvalidKMSKey.InvalidState' : null, launch_time: now,
      terminated_at: keyFailed ? now : null, vpc_id: subnet.vpc_id, subnet_id: subnet.subnet_id, availability_zone: subnet.availability_zone,
      private_ip: privateIp, public_ip: ip ?? null, eni_id: newId('eni'), key_name: input.KeyName ?? null, user_data: input.UserData ?? null,
      iam_profile_arn: profile?.arn ?? null, iam_profile_id: profile?.id ?? null,
      http_tokens: input.MetadataOptions?.HttpTokens ?? 'optional', http_endpoint: input.MetadataOptions?.HttpEndpoint ?? 'enabled',
      http_hop_limit: input.MetadataOptions?.HttpPutResponseHopLimit ?? 1, http_protocol_ipv6: input.MetadataOptions?.HttpProtocolIpv6 ?? 'disabled',
      metadata_tags: input.MetadataOptions?.InstanceMetadataTags ?? 'disabled', client_token: input.ClientToken ?? null,
      ebs_optimized: input.EbsOptimized ? 1 : 0, monitoring: input.Monitoring?.Enabled ? 'enabled' : 'disabled', root_device_name: ROOT_DEVICE,
      disable_api_termination: input.DisableApiTermination ? 1 : 0, disable_api_stop: input.DisableApiStop ? 1 : 0,
      shutdown_behavior: input.InstanceInitiatedShutdownBehavior ?? 'stop', created_at: now,
    });
    if (keyFailed) continue;
    for (const p of plans) {
      volumes.push({
        volume_id: newId('volume'), account_id: scope.accountId, region: scope.region, availability_zone: subnet.availability_zone, size: p.size,
        volume_type: p.type, iops: p.iops, throughput: p.throughput, encrypted: p.encryption.encrypted ? 1 : 0, kms_key_arn: p.encryption.kmsKeyArn,
        snapshot_id: p.snapshotId, multi_attach: 0, state: 'in-use', created_at: now, instance_id: instanceId, device: p.device, attach_time: now,
        delete_on_termination: p.deleteOnTermination ? 1 : 0,
      });
    }
  }
  const links = instances.filter((i) => i.state !== 'terminated')
    .flatMap((i) => groups.map((g, position) => ({ instance_id: i.instance_id, group_id: g.group_id, position })));
  await deps.store.instances.insertLaunch(scope, { instances, groups: links, volumes, instanceTags, volumeTags });
  const groupIds = groups.map((g) => ({ GroupId: g.group_id, GroupName: g.group_name }));
  return {
    ReservationId: reservationId, OwnerId: scope.accountId, Groups: [],
    Instances: instances.map((i) => instanceView({ ...i, state: 'running', state_reason_code: null, terminated_at: null }, { groups: groupIds, volumes: [], tags: instanceTags }, 'pending')),
  };
}

/** The answer to a retried RunInstances (same ClientToken): the instances the first call launched. */
async function reservationOf(deps: Ec2Deps, ctx: RequestContext, rows: InstanceRow[]): Promise<Reservation> {
  const rel = await relationsOf(deps, scopeOf(ctx), rows);
  return {
    ReservationId: rows[0]!.reservation_id, OwnerId: rows[0]!.account_id, Groups: [],
    Instances: rows.map((r) => instanceView(r, rel.get(r.instance_id)!)),
  };
}
