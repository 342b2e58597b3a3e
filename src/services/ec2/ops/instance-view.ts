/**
 * Instances as EC2 describes them: the `Instance` shape (with its network interface, block device
 * mappings, metadata options), state codes, and the fields DescribeInstances filters on.
 */
import type { RequestContext } from '../../../server/context.js';
import type { GroupIdentifier, Instance, InstanceNetworkInterface, InstanceState, InstanceStateName } from '../../../generated/ec2/shapes.js';
import { scopeOf, type Ec2Deps } from '../deps.js';
import type { Filterable } from '../filters.js';
import type { Scope, TagPair } from '../store.js';
import type { InstanceRow, VolumeRow } from '../store-instances.js';
import { zonesOf } from './regions.js';

/** How long a terminated instance stays visible (AWS: "about an hour"). */
export const TERMINATED_VISIBLE_MS = 60 * 60 * 1000;

const STATE_CODES: Record<InstanceStateName, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

export function stateOf(name: InstanceStateName): InstanceState {
  return { Code: STATE_CODES[name], Name: name };
}

/** StateReason messages by code, as EC2 writes them. */
const STATE_REASONS: Record<string, string> = {
  'Client.UserInitiatedShutdown': 'Client.UserInitiatedShutdown: User initiated shutdown',
  'Client.InvalidKMSKey.InvalidState': 'Client.InvalidKMSKey.InvalidState: The KMS key provided is in an incorrect state',
};

/** The instances of the caller's Region that EC2 still shows (terminated ones for an hour). */
export async function visibleInstances(deps: Ec2Deps, ctx: RequestContext): Promise<InstanceRow[]> {
  const cutoff = new Date(deps.clock.now().getTime() - TERMINATED_VISIBLE_MS).toISOString();
  return (await deps.store.instances.list(scopeOf(ctx))).filter((i) => i.terminated_at === null || i.terminated_at >= cutoff);
}

function dnsSuffix(region: string, kind: 'private' | 'public'): string {
  if (region === 'us-east-1') return kind === 'private' ? 'ec2.internal' : 'compute-1.amazonaws.com';
  return kind === 'private' ? `${region}.compute.internal` : `${region}.compute.amazonaws.com`;
}

function privateDnsName(row: InstanceRow): string {
  return `ip-${row.private_ip.replace(/\./g, '-')}.${dnsSuffix(row.region, 'private')}`;
}

/**
 * The public address an instance shows: only while running. A stopped instance keeps the row's
 * address as a marker that it gets a new one when started.
 */
function publicIpOf(row: InstanceRow): string | undefined {
  return row.state === 'running' && row.public_ip ? row.public_ip : undefined;
}

function publicDnsName(row: InstanceRow): string {
  const ip = publicIpOf(row);
  return ip ? `ec2-${ip.replace(/\./g, '-')}.${dnsSuffix(row.region, 'public')}` : '';
}

/** What an instance's view needs besides its row. */
export interface InstanceRelations {
  groups: GroupIdentifier[];
  volumes: VolumeRow[];
  tags: TagPair[];
}

function networkInterface(row: InstanceRow, groups: GroupIdentifier[]): InstanceNetworkInterface {
  const publicIp = publicIpOf(row);
  const association = publicIp ? { IpOwnerId: 'amazon', PublicIp: publicIp, PublicDnsName: publicDnsName(row) } : undefined;
  const hex = row.eni_id.slice(-12);
  return {
    NetworkInterfaceId: row.eni_id, SubnetId: row.subnet_id, VpcId: row.vpc_id, OwnerId: row.account_id, Description: '', Status: 'in-use',
    MacAddress: `02:${hex.slice(2).match(/../g)!.join(':')}`, PrivateIpAddress: row.private_ip, PrivateDnsName: privateDnsName(row),
    SourceDestCheck: true, Groups: groups, InterfaceType: 'interface', Ipv6Addresses: [], Association: association,
    Attachment: {
      AttachmentId: `eni-attach-${row.eni_id.slice(4)}`, AttachTime: new Date(row.created_at), DeleteOnTermination: true, DeviceIndex: 0,
      NetworkCardIndex: 0, Status: 'attached',
    },
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: row.private_ip, PrivateDnsName: privateDnsName(row), Association: association }],
  };
}

/**
 * The `Instance` shape of a row. `state` overrides the stored state for the answers of the calls
 * that change it (`pending`, `stopping`, `shutting-down`). A terminated instance has lost its
 * network interface and volumes, as on AWS.
 */
export function instanceView(row: InstanceRow, rel: InstanceRelations, state: InstanceStateName = row.state as InstanceStateName): Instance {
  const gone = row.state === 'terminated';
  const zone = zonesOf(row.region).find((z) => z.ZoneName === row.availability_zone);
  return {
    InstanceId: row.instance_id, ImageId: row.image_id, State: stateOf(state), PrivateDnsName: gone ? '' : privateDnsName(row),
    PublicDnsName: gone ? '' : publicDnsName(row), StateTransitionReason: row.state_transition_reason, KeyName: row.key_name ?? undefined,
    AmiLaunchIndex: row.launch_index, ProductCodes: [], InstanceType: row.instance_type as Instance['InstanceType'], LaunchTime: new Date(row.launch_time),
    Placement: { AvailabilityZone: row.availability_zone, AvailabilityZoneId: zone?.ZoneId, GroupName: '', Tenancy: 'default' },
    Monitoring: { State: row.monitoring as 'disabled' | 'enabled' }, SubnetId: gone ? undefined : row.subnet_id, VpcId: gone ? undefined : row.vpc_id,
    PrivateIpAddress: gone ? undefined : row.private_ip, PublicIpAddress: publicIpOf(row),
    StateReason: row.state_reason_code ? { Code: row.state_reason_code, Message: STATE_REASONS[row.state_reason_code] ?? row.state_reason_code } : undefined,
    Architecture: 'x86_64', RootDeviceType: 'ebs', RootDeviceName: row.root_device_name, VirtualizationType: 'hvm', Hypervisor: 'xen',
    BlockDeviceMappings: rel.volumes.map((v) => ({
      DeviceName: v.device!,
      Ebs: { AttachTime: new Date(v.attach_time!), DeleteOnTermination: v.delete_on_termination === 1, Status: 'attached', VolumeId: v.volume_id },
    })),
    ClientToken: row.client_token ?? '', EbsOptimized: row.ebs_optimized === 1, EnaSupport: true, SourceDestCheck: gone ? undefined : true,
    IamInstanceProfile: row.iam_profile_arn ? { Arn: row.iam_profile_arn, Id: row.iam_profile_id ?? undefined } : undefined,
    NetworkInterfaces: gone ? [] : [networkInterface(row, rel.groups)], SecurityGroups: rel.groups, Tags: rel.tags,
    MetadataOptions: {
      State: 'applied', HttpTokens: row.http_tokens as 'optional' | 'required', HttpPutResponseHopLimit: row.http_hop_limit,
      HttpEndpoint: row.http_endpoint as 'enabled' | 'disabled', HttpProtocolIpv6: row.http_protocol_ipv6 as 'enabled' | 'disabled',
      InstanceMetadataTags: row.metadata_tags as 'enabled' | 'disabled',
    },
    CapacityReservationSpecification: { CapacityReservationPreference: 'open' }, HibernationOptions: { Configured: false },
    EnclaveOptions: { Enabled: false }, MaintenanceOptions: { AutoRecovery: 'default' }, PlatformDetails: 'Linux/UNIX', UsageOperation: 'RunInstances',
    UsageOperationUpdateTime: new Date(row.created_at), CurrentInstanceBootMode: 'legacy-bios',
    PrivateDnsNameOptions: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
  };
}

/** Each instance's groups (with names), attached volumes and tags, fetched in three queries. */
export async function relationsOf(deps: Ec2Deps, scope: Scope, rows: readonly InstanceRow[]): Promise<Map<string, InstanceRelations>> {
  const ids = rows.map((r) => r.instance_id);
  const links = await deps.store.instances.groupLinks(ids);
  const groups = new Map((await deps.store.groups.list(scope)).map((g) => [g.group_id, g.group_name]));
  const volumes = await deps.store.ebs.attachedTo(ids);
  const tags = await deps.store.tags.byResource(scope, ids);
  const out = new Map<string, InstanceRelations>();
  for (const id of ids) {
    out.set(id, {
      groups: links.filter((l) => l.instance_id === id).map((l) => ({ GroupId: l.group_id, GroupName: groups.get(l.group_id) })),
      volumes: volumes.filter((v) => v.instance_id === id),
      tags: tags.get(id) ?? [],
    });
  }
  return out;
}

/** DescribeInstances' filter names, besides the tag filters. */
export const INSTANCE_FILTERS = [
  'affinity', 'architecture', 'availability-zone', 'availability-zone-id', 'block-device-mapping.attach-time',
  'block-device-mapping.delete-on-termination', 'block-device-mapping.device-name', 'block-device-mapping.status', 'block-device-mapping.volume-id',
  'client-token', 'dns-name', 'group-id', 'group-name', 'hypervisor', 'iam-instance-profile.arn', 'iam-instance-profile.id', 'image-id',
  'instance-id', 'instance-lifecycle', 'instance-state-code', 'instance-state-name', 'instance-type', 'instance.group-id', 'instance.group-name',
  'ip-address', 'key-name', 'launch-index', 'launch-time', 'metadata-options.http-endpoint', 'metadata-options.http-protocol-ipv6',
  'metadata-options.http-put-response-hop-limit', 'metadata-options.http-tokens', 'metadata-options.instance-metadata-tags', 'monitoring-state',
  'network-interface.network-interface-id', 'network-interface.subnet-id', 'network-interface.vpc-id', 'owner-id', 'placement-group-name',
  'platform-details', 'private-dns-name', 'private-ip-address', 'reservation-id', 'root-device-name', 'root-device-type', 'source-dest-check',
  'state-reason-code', 'subnet-id', 'tenancy', 'usage-operation', 'virtualization-type', 'vpc-id',
];

/** What DescribeInstances' filters see of an instance. */
export function instanceFilterable(row: InstanceRow, view: Instance): Filterable {
  const groupIds = view.SecurityGroups!.map((g) => g.GroupId);
  const groupNames = view.SecurityGroups!.map((g) => g.GroupName);
  const bdm = view.BlockDeviceMappings!;
  const md = view.MetadataOptions!;
  return {
    fields: {
      affinity: [], architecture: [view.Architecture], 'availability-zone': [view.Placement!.AvailabilityZone],
      'availability-zone-id': [view.Placement!.AvailabilityZoneId], 'block-device-mapping.attach-time': bdm.map((b) => b.Ebs!.AttachTime!.toISOString()),
      'block-device-mapping.delete-on-termination': bdm.map((b) => b.Ebs!.DeleteOnTermination), 'block-device-mapping.device-name': bdm.map((b) => b.DeviceName),
      'block-device-mapping.status': bdm.map((b) => b.Ebs!.Status), 'block-device-mapping.volume-id': bdm.map((b) => b.Ebs!.VolumeId),
      'client-token': [row.client_token], 'dns-name': [view.PublicDnsName], 'group-id': groupIds, 'group-name': groupNames,
      hypervisor: [view.Hypervisor], 'iam-instance-profile.arn': [row.iam_profile_arn], 'iam-instance-profile.id': [row.iam_profile_id],
      'image-id': [view.ImageId], 'instance-id': [view.InstanceId], 'instance-lifecycle': [], 'instance-state-code': [view.State!.Code],
      'instance-state-name': [view.State!.Name], 'instance-type': [view.InstanceType], 'instance.group-id': groupIds, 'instance.group-name': groupNames,
      'ip-address': [view.PublicIpAddress], 'key-name': [view.KeyName], 'launch-index': [view.AmiLaunchIndex], 'launch-time': [row.launch_time],
      'metadata-options.http-endpoint': [md.HttpEndpoint], 'metadata-options.http-protocol-ipv6': [md.HttpProtocolIpv6],
      'metadata-options.http-put-response-hop-limit': [md.HttpPutResponseHopLimit], 'metadata-options.http-tokens': [md.HttpTokens],
      'metadata-options.instance-metadata-tags': [md.InstanceMetadataTags], 'monitoring-state': [view.Monitoring!.State],
      'network-interface.network-interface-id': view.NetworkInterfaces!.map((n) => n.NetworkInterfaceId),
      'network-interface.subnet-id': view.NetworkInterfaces!.map((n) => n.SubnetId), 'network-interface.vpc-id': view.NetworkInterfaces!.map((n) => n.VpcId),
      'owner-id': [row.account_id], 'placement-group-name': [], 'platform-details': [view.PlatformDetails], 'private-dns-name': [view.PrivateDnsName],
      'private-ip-address': [view.PrivateIpAddress], 'reservation-id': [row.reservation_id], 'root-device-name': [view.RootDeviceName],
      'root-device-type': [view.RootDeviceType], 'source-dest-check': [view.SourceDestCheck], 'state-reason-code': [view.StateReason?.Code],
      'subnet-id': [view.SubnetId], tenancy: [view.Placement!.Tenancy], 'usage-operation': [view.UsageOperation],
      'virtualization-type': [view.VirtualizationType], 'vpc-id': [view.VpcId],
    },
    tags: view.Tags,
  };
}
