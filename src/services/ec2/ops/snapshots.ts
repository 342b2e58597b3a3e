/**
 * EBS snapshots: CreateSnapshot, DescribeSnapshots, DeleteSnapshot, and who may create volumes
 * from them (ModifySnapshotAttribute / DescribeSnapshotAttribute `createVolumePermission`; group
 * `all` makes a snapshot public). A snapshot answers `pending` and is `completed` from then on.
 */
import type { RequestContext } from '../../../server/context.js';
import type {
  CreateSnapshotRequest, CreateVolumePermission, DeleteSnapshotRequest, DescribeSnapshotAttributeRequest, DescribeSnapshotAttributeResult,
  DescribeSnapshotsRequest, DescribeSnapshotsResult, ModifySnapshotAttributeRequest, Snapshot, Tag,
} from '../../../generated/ec2/shapes.js';
import { scopeOf, type Ec2Deps } from '../deps.js';
import { dryRunIfAsked, idsWithMaxResults, invalidValue, operationNotPermitted, snapshotNotFound, volumeNotFound } from '../errors.js';
import { compileFilters } from '../filters.js';
import { checkIds, newId } from '../ids.js';
import { paginate } from '../paging.js';
import type { PermissionChange, SnapshotRow } from '../store-ebs.js';
import { tagsFromSpecifications } from './tags.js';

function snapshotView(s: SnapshotRow, tags: Tag[] | undefined, state: 'pending' | 'completed' = 'completed'): Snapshot {
  return {
    SnapshotId: s.snapshot_id, VolumeId: s.volume_id, State: state, StartTime: new Date(s.start_time), Progress: state === 'completed' ? '100%' : '',
    OwnerId: s.account_id, Description: s.description, VolumeSize: s.volume_size, Encrypted: s.encrypted === 1, KmsKeyId: s.kms_key_arn ?? undefined,
    StorageTier: 'standard', Tags: tags ?? [],
  };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSnapshot.html */
export async function createSnapshot(deps: Ec2Deps, ctx: RequestContext, input: CreateSnapshotRequest): Promise<Snapshot> {
  dryRunIfAsked(input);
  checkIds('volume', [input.VolumeId]);
  const scope = scopeOf(ctx);
  const volume = await deps.store.ebs.volume(scope, input.VolumeId);
  if (!volume) throw volumeNotFound(input.VolumeId);
  const tags = tagsFromSpecifications(input.TagSpecifications, 'snapshot', ['snapshot']);
  const row: SnapshotRow = {
    snapshot_id: newId('snapshot'), account_id: scope.accountId, region: scope.region, volume_id: volume.volume_id, volume_size: volume.size,
    description: input.Description ?? '', encrypted: volume.encrypted, kms_key_arn: volume.kms_key_arn, start_time: deps.clock.now().toISOString(),
  };
  await deps.store.ebs.insertSnapshot(scope, row, tags);
  return snapshotView(row, tags, 'pending');
}

const SNAPSHOT_FILTERS = ['description', 'encrypted', 'owner-alias', 'owner-id', 'progress', 'snapshot-id', 'start-time', 'status', 'storage-tier',
  'volume-id', 'volume-size'];

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSnapshots.html */
export async function describeSnapshots(deps: Ec2Deps, ctx: RequestContext, input: DescribeSnapshotsRequest): Promise<DescribeSnapshotsResult> {
  dryRunIfAsked(input);
  checkIds('snapshot', input.SnapshotIds);
  if (input.SnapshotIds?.length && input.MaxResults !== undefined) throw idsWithMaxResults('snapshotSet');
  const matches = compileFilters(input.Filters, SNAPSHOT_FILTERS);
  const scope = scopeOf(ctx);
  const visible = await deps.store.ebs.visibleSnapshots(scope);
  const missingId = (input.SnapshotIds ?? []).find((id) => !visible.some((s) => s.snapshot_id === id));
  if (missingId) throw snapshotNotFound(missingId);
  const permissions = await deps.store.ebs.permissions(visible.map((s) => s.snapshot_id));
  // OwnerIds: `self` or account ids (`amazon` owns nothing here); RestorableByUserIds: `self`, `all` or account ids.
  const owners = (input.OwnerIds ?? []).map((o) => (o === 'self' ? scope.accountId : o));
  const restorableBy = (input.RestorableByUserIds ?? []).map((u) => (u === 'self' ? scope.accountId : u));
  const restorable = (s: SnapshotRow, who: string) => permissions.some((p) => p.snapshot_id === s.snapshot_id
    && ((p.kind === 'group' && p.grantee === 'all') || (who !== 'all' && p.kind === 'user' && p.grantee === who)))
    || (who !== 'all' && s.account_id === who);
  const tags = await deps.store.tags.byResource(scope, visible.map((s) => s.snapshot_id));
  const selected = visible.filter((s) => (!input.SnapshotIds?.length || input.SnapshotIds.includes(s.snapshot_id))
    && (!owners.length || owners.includes(s.account_id))
    && (!restorableBy.length || restorableBy.some((who) => restorable(s, who))));
  const views = selected.map((s) => snapshotView(s, s.account_id === scope.accountId ? tags.get(s.snapshot_id) : []))
    .filter((v) => matches({
      fields: {
        description: [v.Description], encrypted: [v.Encrypted], 'owner-alias': [], 'owner-id': [v.OwnerId], progress: [v.Progress],
        'snapshot-id': [v.SnapshotId], 'start-time': [v.StartTime!.toISOString()], status: [v.State], 'storage-tier': [v.StorageTier],
        'volume-id': [v.VolumeId], 'volume-size': [v.VolumeSize],
      },
      tags: v.Tags,
    }));
  const page = paginate(views, (v) => `${v.StartTime!.toISOString()}|${v.SnapshotId}`, input.MaxResults, input.NextToken);
  return { Snapshots: page.items, NextToken: page.nextToken };
}

/** A snapshot the caller owns (only its owner may delete it or change who can use it). */
async function ownSnapshot(deps: Ec2Deps, ctx: RequestContext, snapshotId: string): Promise<SnapshotRow> {
  checkIds('snapshot', [snapshotId]);
  const scope = scopeOf(ctx);
  const snapshot = (await deps.store.ebs.visibleSnapshots(scope)).find((s) => s.snapshot_id === snapshotId && s.account_id === scope.accountId);
  if (!snapshot) throw snapshotNotFound(snapshotId);
  return snapshot;
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSnapshot.html */
export async function deleteSnapshot(deps: Ec2Deps, ctx: RequestContext, input: DeleteSnapshotRequest): Promise<void> {
  dryRunIfAsked(input);
  const snapshot = await ownSnapshot(deps, ctx, input.SnapshotId);
  await deps.store.ebs.deleteSnapshot(scopeOf(ctx), snapshot.snapshot_id);
}

function toChanges(list: readonly CreateVolumePermission[] | undefined): PermissionChange[] {
  return (list ?? []).map((p) => (p.Group !== undefined ? { kind: 'group' as const, grantee: p.Group } : { kind: 'user' as const, grantee: p.UserId ?? '' }));
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySnapshotAttribute.html */
export async function modifySnapshotAttribute(deps: Ec2Deps, ctx: RequestContext, input: ModifySnapshotAttributeRequest): Promise<void> {
  dryRunIfAsked(input);
  const snapshot = await ownSnapshot(deps, ctx, input.SnapshotId);
  if (input.Attribute !== undefined && input.Attribute !== 'createVolumePermission') {
    // EC2's wording was not found: product codes cannot be changed on a snapshot.
    throw invalidValue(`Value (${input.Attribute}) for parameter attribute is invalid. Only createVolumePermission can be modified.`);
  }
  let add = toChanges(input.CreateVolumePermission?.Add);
  let remove = toChanges(input.CreateVolumePermission?.Remove);
  // The older form: OperationType with UserIds and GroupNames.
  const legacy = [...(input.UserIds ?? []).map((u) => ({ kind: 'user' as const, grantee: u })), ...(input.GroupNames ?? []).map((g) => ({ kind: 'group' as const, grantee: g }))];
  if (input.OperationType === 'add') add = add.concat(legacy);
  if (input.OperationType === 'remove') remove = remove.concat(legacy);
  if (add.some((p) => p.kind === 'user' && !/^\d{12}$/.test(p.grantee))) {
    throw invalidValue(`Value (${add.find((p) => p.kind === 'user' && !/^\d{12}$/.test(p.grantee))!.grantee}) for parameter userId is invalid.`);
  }
  if (snapshot.encrypted === 1 && add.some((p) => p.kind === 'group')) {
    throw operationNotPermitted('Encrypted snapshots cannot be shared publicly');
  }
  // Another account cannot use the AWS managed key of the owner's account, so EC2 refuses to share.
  if (snapshot.encrypted === 1 && add.length && snapshot.kms_key_arn && (await deps.kms.find(ctx, snapshot.kms_key_arn))?.awsManaged) {
    throw invalidValue('Encrypted snapshots with EBS default key cannot be shared');
  }
  await deps.store.ebs.changePermissions(snapshot.snapshot_id, add, remove);
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSnapshotAttribute.html */
export async function describeSnapshotAttribute(deps: Ec2Deps, ctx: RequestContext, input: DescribeSnapshotAttributeRequest): Promise<DescribeSnapshotAttributeResult> {
  dryRunIfAsked(input);
  const snapshot = await ownSnapshot(deps, ctx, input.SnapshotId);
  if (input.Attribute === 'productCodes') return { SnapshotId: snapshot.snapshot_id, ProductCodes: [] };
  const permissions = await deps.store.ebs.permissions([snapshot.snapshot_id]);
  return {
    SnapshotId: snapshot.snapshot_id,
    CreateVolumePermissions: permissions.map((p) => (p.kind === 'group' ? { Group: p.grantee as 'all' } : { UserId: p.grantee })),
  };
}
