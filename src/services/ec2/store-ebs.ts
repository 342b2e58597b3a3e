/** EBS volumes, snapshots and who may create volumes from a snapshot. */
import type { Selectable, Updateable } from 'kysely';
import type { Db } from '../../store/database.js';
import type { VolumeRow } from './store-instances.js';
import { deleteTagsOf, insertTags, type Scope, type TagPair } from './store-tags.js';
import type { Ec2SnapshotPermissionsTable, Ec2SnapshotsTable, Ec2VolumesTable } from './tables.js';

export type SnapshotRow = Selectable<Ec2SnapshotsTable>;
export type SnapshotPermissionRow = Selectable<Ec2SnapshotPermissionsTable>;
export interface PermissionChange {
  kind: 'group' | 'user';
  grantee: string;
}

export class EbsStore {
  constructor(private readonly db: Db) {}

  async volumes(scope: Scope): Promise<VolumeRow[]> {
    return this.db.selectFrom('ec2_volumes').selectAll()
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region).orderBy('created_at').orderBy('volume_id').execute();
  }

  async volume(scope: Scope, volumeId: string): Promise<VolumeRow | undefined> {
    return this.db.selectFrom('ec2_volumes').selectAll()
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region).where('volume_id', '=', volumeId).executeTakeFirst();
  }

  /** Volumes attached to any of the instances. */
  async attachedTo(instanceIds: readonly string[]): Promise<VolumeRow[]> {
    if (!instanceIds.length) return [];
    return this.db.selectFrom('ec2_volumes').selectAll().where('instance_id', 'in', instanceIds).orderBy('attach_time').orderBy('volume_id').execute();
  }

  async insertVolume(scope: Scope, volume: VolumeRow, tags: readonly TagPair[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('ec2_volumes').values(volume).execute();
      await insertTags(tx, scope, volume.volume_id, 'volume', tags);
    });
  }

  /**
   * Attaches or detaches: applies `patch` only while the volume is still in `expectedState`, so
   * two racing AttachVolume calls cannot both win. True if applied.
   */
  async updateVolumeIf(volumeId: string, expectedState: string, patch: Updateable<Ec2VolumesTable>): Promise<boolean> {
    const result = await this.db.updateTable('ec2_volumes').set(patch)
      .where('volume_id', '=', volumeId).where('state', '=', expectedState).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Deletes a volume (and its tags) if it is still detached. True if deleted. */
  async deleteVolume(scope: Scope, volumeId: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const result = await tx.deleteFrom('ec2_volumes').where('volume_id', '=', volumeId).where('state', '=', 'available').executeTakeFirst();
      if (Number(result.numDeletedRows) !== 1) return false;
      await deleteTagsOf(tx, scope, [volumeId]);
      return true;
    });
  }

  /**
   * Snapshots in the Region the account may see: its own, those shared with it, public ones
   * (createVolumePermission group `all`) of any account.
   */
  async visibleSnapshots(scope: Scope): Promise<SnapshotRow[]> {
    return this.db.selectFrom('ec2_snapshots').selectAll()
      .where('region', '=', scope.region)
      .where((eb) => eb.or([
        eb('account_id', '=', scope.accountId),
        eb('snapshot_id', 'in', eb.selectFrom('ec2_snapshot_permissions').select('snapshot_id').where((p) => p.or([
          p.and([p('kind', '=', 'group'), p('grantee', '=', 'all')]),
          p.and([p('kind', '=', 'user'), p('grantee', '=', scope.accountId)]),
        ]))),
      ]))
      .orderBy('start_time').orderBy('snapshot_id').execute();
  }

  async permissions(snapshotIds: readonly string[]): Promise<SnapshotPermissionRow[]> {
    if (!snapshotIds.length) return [];
    return this.db.selectFrom('ec2_snapshot_permissions').selectAll().where('snapshot_id', 'in', snapshotIds)
      .orderBy('snapshot_id').orderBy('kind').orderBy('grantee').execute();
  }

  async insertSnapshot(scope: Scope, snapshot: SnapshotRow, tags: readonly TagPair[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('ec2_snapshots').values(snapshot).execute();
      await insertTags(tx, scope, snapshot.snapshot_id, 'snapshot', tags);
    });
  }

  async deleteSnapshot(scope: Scope, snapshotId: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('ec2_snapshot_permissions').where('snapshot_id', '=', snapshotId).execute();
      await deleteTagsOf(tx, scope, [snapshotId]);
      await tx.deleteFrom('ec2_snapshots').where('snapshot_id', '=', snapshotId).execute();
    });
  }

  /** Adds and removes createVolumePermission entries in one transaction. */
  async changePermissions(snapshotId: string, add: readonly PermissionChange[], remove: readonly PermissionChange[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const p of add) {
        await tx.insertInto('ec2_snapshot_permissions').values({ snapshot_id: snapshotId, kind: p.kind, grantee: p.grantee })
          .onConflict((oc) => oc.columns(['snapshot_id', 'kind', 'grantee']).doNothing()).execute();
      }
      for (const p of remove) {
        await tx.deleteFrom('ec2_snapshot_permissions')
          .where('snapshot_id', '=', snapshotId).where('kind', '=', p.kind).where('grantee', '=', p.grantee).execute();
      }
    });
  }
}
