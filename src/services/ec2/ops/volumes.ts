/** EBS volumes: CreateVolume, DescribeVolumes, DeleteVolume, AttachVolume, DetachVolume. */
import type { RequestContext } from '../../../server/context.js';
import { AwsError } from '../../../errors.js';
import type {
  AttachVolumeRequest, CreateVolumeRequest, DeleteVolumeRequest, DescribeVolumesRequest, DescribeVolumesResult, DetachVolumeRequest, Tag, Volume,
  VolumeAttachment,
} from '../../../generated/ec2/shapes.js';
import { scopeOf, type Ec2Deps } from '../deps.js';
import {
  dryRunIfAsked, idsWithMaxResults, incorrectState, instancesNotFound, invalidCombination, invalidValue, invalidZone, missing, snapshotNotFound,
  volumeNotFound,
} from '../errors.js';
import { compileFilters } from '../filters.js';
import { checkIds, isId, malformedId, newId } from '../ids.js';
import { paginate } from '../paging.js';
import type { VolumeRow } from '../store-instances.js';
import { volumeEncryption } from './ebs-defaults.js';
import { visibleInstances } from './instance-view.js';
import { zonesOf } from './regions.js';
import { tagsFromSpecifications } from './tags.js';

/** Size bounds (GiB) per volume type. */
const SIZE_LIMITS: Record<string, [number, number]> = {
  gp2: [1, 16384], gp3: [1, 16384], io1: [4, 16384], io2: [4, 65536], st1: [125, 16384], sc1: [125, 16384], standard: [1, 1024],
};

/** The settings of a new volume of `type`: checks EC2 applies before anything is created. */
export function volumeShape(type: string, size: number, iops: number | undefined, throughput: number | undefined, multiAttach: boolean):
  { iops: number | null; throughput: number | null } {
  const [min, max] = SIZE_LIMITS[type] ?? [1, 16384];
  if (size > max) throw invalidValue(`Volume of ${size}GiB is too large; maximum is ${max}GiB.`);
  if (size < min) throw invalidValue(`Volume of ${size}GiB is too small; minimum is ${min}GiB.`);
  const provisioned = type === 'io1' || type === 'io2';
  if (provisioned && iops === undefined) throw missing(`The parameter iops must be specified for ${type} volumes.`);
  if (iops !== undefined && !provisioned && type !== 'gp3') throw invalidCombination(`The parameter iops is not supported for ${type} volumes.`);
  if (throughput !== undefined && type !== 'gp3') throw invalidCombination(`The parameter throughput is not supported for ${type} volumes.`);
  if (multiAttach && !provisioned) throw invalidCombination(`The parameter multiAttachEnabled is not supported for ${type} volumes.`);
  if (type === 'gp3') return { iops: iops ?? 3000, throughput: throughput ?? 125 };
  if (type === 'gp2') return { iops: Math.min(16000, Math.max(100, 3 * size)), throughput: null };
  return { iops: iops ?? null, throughput: null };
}

function attachmentView(v: VolumeRow, state: VolumeAttachment['State'] = 'attached'): VolumeAttachment {
  return {
    VolumeId: v.volume_id, InstanceId: v.instance_id ?? undefined, Device: v.device ?? undefined, State: state,
    AttachTime: v.attach_time ? new Date(v.attach_time) : undefined, DeleteOnTermination: v.delete_on_termination === 1,
  };
}

function volumeView(v: VolumeRow, tags: Tag[] | undefined, state: Volume['State'] = v.state as Volume['State']): Volume {
  return {
    VolumeId: v.volume_id, Size: v.size, SnapshotId: v.snapshot_id ?? '', AvailabilityZone: v.availability_zone,
    AvailabilityZoneId: zonesOf(v.region).find((z) => z.ZoneName === v.availability_zone)?.ZoneId, State: state,
    CreateTime: new Date(v.created_at), Attachments: v.instance_id ? [attachmentView(v)] : [], VolumeType: v.volume_type as Volume['VolumeType'],
    Iops: v.iops ?? undefined, Throughput: v.throughput ?? undefined, Encrypted: v.encrypted === 1, KmsKeyId: v.kms_key_arn ?? undefined,
    MultiAttachEnabled: v.multi_attach === 1, Tags: tags ?? [],
  };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVolume.html */
export async function createVolume(deps: Ec2Deps, ctx: RequestContext, input: CreateVolumeRequest): Promise<Volume> {
  dryRunIfAsked(input);
  const zones = zonesOf(ctx.region);
  const zone = input.AvailabilityZone !== undefined
    ? zones.find((z) => z.ZoneName === input.AvailabilityZone)
    : zones.find((z) => z.ZoneId === input.AvailabilityZoneId);
  if (input.AvailabilityZone === undefined && input.AvailabilityZoneId === undefined) {
    throw missing('The request must contain the parameter AvailabilityZone');
  }
  if (!zone) throw invalidZone(input.AvailabilityZone ?? input.AvailabilityZoneId!);
  if (input.Size === undefined && input.SnapshotId === undefined) throw missing('The request must contain the parameter size/snapshot');
  const scope = scopeOf(ctx);
  let snapshot;
  if (input.SnapshotId !== undefined) {
    if (!isId('snapshot', input.SnapshotId)) throw malformedId('snapshot', input.SnapshotId);
    snapshot = (await deps.store.ebs.visibleSnapshots(scope)).find((s) => s.snapshot_id === input.SnapshotId);
    if (!snapshot) throw snapshotNotFound(input.SnapshotId);
  }
  const size = input.Size ?? snapshot!.volume_size;
  if (snapshot && size < snapshot.volume_size) throw invalidValue(`Volume of ${size}GiB is too small; minimum is ${snapshot.volume_size}GiB.`);
  const type = input.VolumeType ?? 'gp2';
  const shape = volumeShape(type, size, input.Iops, input.Throughput, input.MultiAttachEnabled === true);
  const tags = tagsFromSpecifications(input.TagSpecifications, 'volume', ['volume']);
  const encryption = await volumeEncryption(deps, ctx, input, snapshot && { encrypted: snapshot.encrypted === 1, kmsKeyArn: snapshot.kms_key_arn });
  const row: VolumeRow = {
    volume_id: newId('volume'), account_id: scope.accountId, region: scope.region, availability_zone: zone.ZoneName!, size, volume_type: type,
    iops: shape.iops, throughput: shape.throughput, encrypted: encryption.encrypted ? 1 : 0, kms_key_arn: encryption.kmsKeyArn,
    snapshot_id: snapshot?.snapshot_id ?? null, multi_attach: input.MultiAttachEnabled ? 1 : 0, state: 'available',
    created_at: deps.clock.now().toISOString(), instance_id: null, device: null, attach_time: null, delete_on_termination: 0,
  };
  // EBS checks the key after answering: a volume under a missing or unusable key never becomes available.
  if (encryption.keyUsable) await deps.store.ebs.insertVolume(scope, row, tags);
  return volumeView(row, tags, 'creating');
}

const VOLUME_FILTERS = ['attachment.attach-time', 'attachment.delete-on-termination', 'attachment.device', 'attachment.instance-id',
  'attachment.status', 'availability-zone', 'availability-zone-id', 'create-time', 'encrypted', 'multi-attach-enabled', 'size', 'snapshot-id',
  'status', 'volume-id', 'volume-type', 'fast-restored'];

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumes.html */
export async function describeVolumes(deps: Ec2Deps, ctx: RequestContext, input: DescribeVolumesRequest): Promise<DescribeVolumesResult> {
  dryRunIfAsked(input);
  checkIds('volume', input.VolumeIds);
  if (input.VolumeIds?.length && input.MaxResults !== undefined) throw idsWithMaxResults('volumeSet');
  const matches = compileFilters(input.Filters, VOLUME_FILTERS);
  const scope = scopeOf(ctx);
  const rows = await deps.store.ebs.volumes(scope);
  const missingId = (input.VolumeIds ?? []).find((id) => !rows.some((v) => v.volume_id === id));
  if (missingId) throw volumeNotFound(missingId);
  const tags = await deps.store.tags.byResource(scope, rows.map((v) => v.volume_id));
  const views = rows.filter((v) => !input.VolumeIds?.length || input.VolumeIds.includes(v.volume_id))
    .map((v) => volumeView(v, tags.get(v.volume_id)))
    .filter((v) => {
      const a = v.Attachments![0];
      return matches({
        fields: {
          'attachment.attach-time': [a?.AttachTime?.toISOString()], 'attachment.delete-on-termination': [a?.DeleteOnTermination],
          'attachment.device': [a?.Device], 'attachment.instance-id': [a?.InstanceId], 'attachment.status': [a?.State],
          'availability-zone': [v.AvailabilityZone], 'availability-zone-id': [v.AvailabilityZoneId], 'create-time': [v.CreateTime!.toISOString()],
          encrypted: [v.Encrypted], 'multi-attach-enabled': [v.MultiAttachEnabled], size: [v.Size], 'snapshot-id': [v.SnapshotId],
          status: [v.State], 'volume-id': [v.VolumeId], 'volume-type': [v.VolumeType], 'fast-restored': [false],
        },
        tags: v.Tags,
      });
    });
  const page = paginate(views, (v) => `${v.CreateTime!.toISOString()}|${v.VolumeId}`, input.MaxResults, input.NextToken, { min: 5, max: 500 });
  return { Volumes: page.items, NextToken: page.nextToken };
}

async function ownVolume(deps: Ec2Deps, ctx: RequestContext, volumeId: string): Promise<VolumeRow> {
  if (!isId('volume', volumeId)) throw malformedId('volume', volumeId);
  const volume = await deps.store.ebs.volume(scopeOf(ctx), volumeId);
  if (!volume) throw volumeNotFound(volumeId);
  return volume;
}

const volumeInUse = (message: string) => new AwsError('VolumeInUse', message, { status: 400 });

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVolume.html */
export async function deleteVolume(deps: Ec2Deps, ctx: RequestContext, input: DeleteVolumeRequest): Promise<void> {
  dryRunIfAsked(input);
  const volume = await ownVolume(deps, ctx, input.VolumeId);
  if (volume.instance_id || !(await deps.store.ebs.deleteVolume(scopeOf(ctx), volume.volume_id))) {
    const current = (await deps.store.ebs.volume(scopeOf(ctx), volume.volume_id)) ?? volume;
    throw volumeInUse(`Volume ${volume.volume_id} is currently attached to ${current.instance_id ?? volume.instance_id}`);
  }
}

/** Linux (`/dev/sdf`, `/dev/xvdf`) and Windows (`xvdf`) EBS device names. */
const DEVICE_NAME = /^(\/dev\/(sd|xvd)[a-z]{1,2}|xvd[a-z]{1,2})$/;

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachVolume.html */
export async function attachVolume(deps: Ec2Deps, ctx: RequestContext, input: AttachVolumeRequest): Promise<VolumeAttachment> {
  dryRunIfAsked(input);
  checkIds('instance', [input.InstanceId]);
  const volume = await ownVolume(deps, ctx, input.VolumeId);
  const instance = (await visibleInstances(deps, ctx)).find((i) => i.instance_id === input.InstanceId);
  if (!instance) throw instancesNotFound([input.InstanceId]);
  if (!DEVICE_NAME.test(input.Device)) throw invalidValue(`Value (${input.Device}) for parameter device is invalid. ${input.Device} is not a valid EBS device name.`);
  if (volume.instance_id) throw volumeInUse(`${volume.volume_id} is already attached to an instance`);
  if (instance.state === 'terminated') throw incorrectState(`Instance '${instance.instance_id}' is not 'running'.`);
  if (volume.availability_zone !== instance.availability_zone) {
    throw new AwsError('InvalidVolume.ZoneMismatch',
      `The volume '${volume.volume_id}' is not in the same availability zone as instance '${instance.instance_id}'`, { status: 400 });
  }
  const attached = await deps.store.ebs.attachedTo([instance.instance_id]);
  if (input.Device === instance.root_device_name || attached.some((v) => v.device === input.Device)) {
    throw invalidValue(`Invalid value '${input.Device}' for unixDevice. Attachment point ${input.Device} is already in use`);
  }
  const patch = { state: 'in-use', instance_id: instance.instance_id, device: input.Device, attach_time: deps.clock.now().toISOString(), delete_on_termination: 0 };
  if (!(await deps.store.ebs.updateVolumeIf(volume.volume_id, 'available', patch))) {
    throw volumeInUse(`${volume.volume_id} is already attached to an instance`);
  }
  return attachmentView({ ...volume, ...patch }, 'attaching');
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachVolume.html */
export async function detachVolume(deps: Ec2Deps, ctx: RequestContext, input: DetachVolumeRequest): Promise<VolumeAttachment> {
  dryRunIfAsked(input);
  const volume = await ownVolume(deps, ctx, input.VolumeId);
  // EC2 writes no space before "is": Volume 'vol-...'is in the 'available' state.
  if (!volume.instance_id) throw incorrectState(`Volume '${volume.volume_id}'is in the 'available' state.`);
  if ((input.InstanceId !== undefined && input.InstanceId !== volume.instance_id) || (input.Device !== undefined && input.Device !== volume.device)) {
    // EC2's wording for a mismatched attachment was not found.
    throw new AwsError('InvalidAttachment.NotFound',
      `The volume '${volume.volume_id}' is not attached to instance '${input.InstanceId ?? volume.instance_id}' as device '${input.Device ?? volume.device}'`, { status: 400 });
  }
  const patch = { state: 'available', instance_id: null, device: null, attach_time: null, delete_on_termination: 0 };
  if (!(await deps.store.ebs.updateVolumeIf(volume.volume_id, 'in-use', patch))) {
    throw incorrectState(`Volume '${volume.volume_id}'is in the 'available' state.`);
  }
  return attachmentView(volume, 'detaching');
}
