/**
 * The EC2 (and VPC) part of the inventory, per Region: account defaults (EBS encryption, instance
 * metadata, snapshot public access), instances with their user data, security groups, volumes,
 * the account's snapshots with their sharing, network ACLs, VPCs and flow logs.
 */
import {
  DescribeInstanceAttributeCommand, DescribeSnapshotAttributeCommand, type EC2Client, GetEbsEncryptionByDefaultCommand,
  GetInstanceMetadataDefaultsCommand, GetSnapshotBlockPublicAccessStateCommand, type IpPermission as SdkIpPermission,
  paginateDescribeFlowLogs, paginateDescribeInstances, paginateDescribeNetworkAcls, paginateDescribeSecurityGroups,
  paginateDescribeSnapshots, paginateDescribeVolumes, paginateDescribeVpcs,
} from '@aws-sdk/client-ec2';
import type { Ec2Region, Fetched, Instance, IpPermission, Snapshot } from '../inventory.js';
import { findSecrets } from '../secrets.js';
import { attempt, collectPages, failed, iso, mapLimit, type Progress } from './util.js';

const FAN_OUT = 8;

function permissions(list: SdkIpPermission[] | undefined): IpPermission[] {
  return (list ?? []).map((p) => ({
    protocol: p.IpProtocol ?? '-1', fromPort: p.FromPort, toPort: p.ToPort,
    ipv4: (p.IpRanges ?? []).map((r) => r.CidrIp ?? '').filter(Boolean),
    ipv6: (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? '').filter(Boolean),
    groupIds: (p.UserIdGroupPairs ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
  }));
}

/**
 * User data as text: base64 on the wire, and often gzip-compressed by cloud-init users. Web
 * platform APIs only (atob, DecompressionStream), so the collector runs in Node and the browser.
 */
export async function decodeUserData(base64: string): Promise<string> {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new TextDecoder().decode(bytes);
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
}

interface Scope { ec2: EC2Client; region: string; account: string; partition: string; progress: Progress }

async function instances(s: Scope): Promise<Fetched<Instance[]>> {
  const listed = await attempt(s.progress, 'DescribeInstances', () =>
    collectPages(paginateDescribeInstances({ client: s.ec2 }, {}), (p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? [])));
  if (!listed.ok) return failed(listed.error);
  const live = listed.value.filter((i) => i.State?.Name !== 'terminated');
  return {
    ok: true,
    value: await mapLimit(live, FAN_OUT, async (i): Promise<Instance> => ({
      id: i.InstanceId ?? '', arn: `arn:${s.partition}:ec2:${s.region}:${s.account}:instance/${i.InstanceId}`, state: i.State?.Name ?? '',
      publicIp: i.PublicIpAddress, subnetId: i.SubnetId, vpcId: i.VpcId,
      securityGroupIds: (i.SecurityGroups ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
      instanceProfileArn: i.IamInstanceProfile?.Arn, launchTime: iso(i.LaunchTime),
      httpTokens: i.MetadataOptions?.HttpTokens, httpEndpoint: i.MetadataOptions?.HttpEndpoint,
      userData: await attempt(s.progress, 'DescribeInstanceAttribute', async () => {
        const value = (await s.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: i.InstanceId, Attribute: 'userData' }))).UserData?.Value;
        if (!value) return null;
        const text = await decodeUserData(value);
        return { bytes: new TextEncoder().encode(text).byteLength, secrets: findSecrets(text) };
      }),
    })),
  };
}

async function snapshots(s: Scope): Promise<Fetched<Snapshot[]>> {
  const listed = await attempt(s.progress, 'DescribeSnapshots', () =>
    collectPages(paginateDescribeSnapshots({ client: s.ec2 }, { OwnerIds: ['self'] }), (p) => p.Snapshots));
  if (!listed.ok) return failed(listed.error);
  return {
    ok: true,
    value: await mapLimit(listed.value, FAN_OUT, async (snap): Promise<Snapshot> => ({
      // Snapshot ARNs carry no account: arn:aws:ec2:<region>::snapshot/<id>.
      id: snap.SnapshotId ?? '', arn: `arn:${s.partition}:ec2:${s.region}::snapshot/${snap.SnapshotId}`, volumeId: snap.VolumeId,
      encrypted: snap.Encrypted ?? false,
      public: await attempt(s.progress, 'DescribeSnapshotAttribute', async () =>
        ((await s.ec2.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snap.SnapshotId, Attribute: 'createVolumePermission' })))
          .CreateVolumePermissions ?? []).some((p) => p.Group === 'all')),
    })),
  };
}

/** Reads one Region's EC2 and VPC inventory. */
export async function collectEc2Region(ec2: EC2Client, region: string, account: { id: string; partition: string }, progress: Progress): Promise<Ec2Region> {
  progress.stage(`ec2 ${region}`);
  const s: Scope = { ec2, region, account: account.id, partition: account.partition, progress };
  const arn = (type: string, id: string) => `arn:${s.partition}:ec2:${region}:${s.account}:${type}/${id}`;
  const [ebsDefault, imdsDefaults, snapshotBpa, instanceList, groups, volumes, snapshotList, nacls, vpcs, flowLogs] = await Promise.all([
    attempt(progress, 'GetEbsEncryptionByDefault', async () => (await ec2.send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault ?? false),
    attempt(progress, 'GetInstanceMetadataDefaults', async () =>
      ({ httpTokens: (await ec2.send(new GetInstanceMetadataDefaultsCommand({}))).AccountLevel?.HttpTokens ?? 'no-preference' })),
    attempt(progress, 'GetSnapshotBlockPublicAccessState', async () => (await ec2.send(new GetSnapshotBlockPublicAccessStateCommand({}))).State ?? 'unblocked'),
    instances(s),
    attempt(progress, 'DescribeSecurityGroups', () => collectPages(paginateDescribeSecurityGroups({ client: ec2 }, {}), (p) => p.SecurityGroups?.map((g) => ({
      id: g.GroupId ?? '', arn: arn('security-group', g.GroupId ?? ''), name: g.GroupName ?? '', vpcId: g.VpcId,
      ingress: permissions(g.IpPermissions), egress: permissions(g.IpPermissionsEgress),
    })))),
    attempt(progress, 'DescribeVolumes', () => collectPages(paginateDescribeVolumes({ client: ec2 }, {}), (p) => p.Volumes?.map((v) => ({
      id: v.VolumeId ?? '', arn: arn('volume', v.VolumeId ?? ''), state: v.State, encrypted: v.Encrypted ?? false, kmsKeyId: v.KmsKeyId,
      attachedTo: (v.Attachments ?? []).map((a) => a.InstanceId ?? '').filter(Boolean),
    })))),
    snapshots(s),
    attempt(progress, 'DescribeNetworkAcls', () => collectPages(paginateDescribeNetworkAcls({ client: ec2 }, {}), (p) => p.NetworkAcls?.map((n) => ({
      id: n.NetworkAclId ?? '', arn: arn('network-acl', n.NetworkAclId ?? ''), vpcId: n.VpcId, isDefault: n.IsDefault ?? false,
      entries: (n.Entries ?? []).map((e) => ({
        ruleNumber: e.RuleNumber ?? 0, protocol: e.Protocol ?? '-1', action: e.RuleAction ?? '', egress: e.Egress ?? false,
        cidr: e.CidrBlock, ipv6Cidr: e.Ipv6CidrBlock, fromPort: e.PortRange?.From, toPort: e.PortRange?.To,
      })),
    })))),
    attempt(progress, 'DescribeVpcs', () => collectPages(paginateDescribeVpcs({ client: ec2 }, {}), (p) => p.Vpcs?.map((v) => ({
      id: v.VpcId ?? '', arn: arn('vpc', v.VpcId ?? ''), isDefault: v.IsDefault ?? false,
    })))),
    attempt(progress, 'DescribeFlowLogs', () => collectPages(paginateDescribeFlowLogs({ client: ec2 }, {}), (p) => p.FlowLogs?.map((f) => f.ResourceId ?? ''))),
  ]);
  return {
    ebsEncryptionByDefault: ebsDefault, instanceMetadataDefaults: imdsDefaults, snapshotBlockPublicAccess: snapshotBpa,
    instances: instanceList, securityGroups: groups, volumes, snapshots: snapshotList, networkAcls: nacls, vpcs, flowLogResourceIds: flowLogs,
  };
}
