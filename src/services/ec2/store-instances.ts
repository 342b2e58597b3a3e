/** Instances, the security groups of their network interface, and what a launch creates with them. */
import type { Selectable, Updateable } from 'kysely';
import type { Db } from '../../store/database.js';
import { deleteTagsOf, insertTags, type Scope, type TagPair } from './store-tags.js';
import type { Ec2InstanceGroupsTable, Ec2InstancesTable, Ec2VolumesTable } from './tables.js';

export type InstanceRow = Selectable<Ec2InstancesTable>;
export type InstanceGroupRow = Selectable<Ec2InstanceGroupsTable>;
export type VolumeRow = Selectable<Ec2VolumesTable>;

/** Everything one RunInstances call writes. */
export interface Launch {
  instances: InstanceRow[];
  groups: InstanceGroupRow[];
  volumes: VolumeRow[];
  instanceTags: readonly TagPair[];
  volumeTags: readonly TagPair[];
}

export class InstanceStore {
  constructor(private readonly db: Db) {}

  /** Every instance of an account's Region, terminated ones included, in launch order. */
  async list(scope: Scope): Promise<InstanceRow[]> {
    return this.db.selectFrom('ec2_instances').selectAll()
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region)
      .orderBy('created_at').orderBy('launch_index').execute();
  }

  async byClientToken(scope: Scope, clientToken: string): Promise<InstanceRow[]> {
    return this.db.selectFrom('ec2_instances').selectAll()
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region).where('client_token', '=', clientToken)
      .orderBy('launch_index').execute();
  }

  /** Instances of the Region that are not terminated (what counts against the instance limit). */
  async countLive(scope: Scope): Promise<number> {
    const row = await this.db.selectFrom('ec2_instances').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region).where('state', '!=', 'terminated')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async groupLinks(instanceIds: readonly string[]): Promise<InstanceGroupRow[]> {
    if (!instanceIds.length) return [];
    return this.db.selectFrom('ec2_instance_groups').selectAll().where('instance_id', 'in', instanceIds)
      .orderBy('instance_id').orderBy('position').execute();
  }

  async insertLaunch(scope: Scope, launch: Launch): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('ec2_instances').values(launch.instances).execute();
      if (launch.groups.length) await tx.insertInto('ec2_instance_groups').values(launch.groups).execute();
      if (launch.volumes.length) await tx.insertInto('ec2_volumes').values(launch.volumes).execute();
      for (const i of launch.instances) await insertTags(tx, scope, i.instance_id, 'instance', launch.instanceTags);
      for (const v of launch.volumes) await insertTags(tx, scope, v.volume_id, 'volume', launch.volumeTags);
    });
  }

  async update(instanceId: string, patch: Updateable<Ec2InstancesTable>): Promise<void> {
    await this.db.updateTable('ec2_instances').set(patch).where('instance_id', '=', instanceId).execute();
  }

  /**
   * Terminates instances: the state, and what AWS releases with them. Their network interface goes
   * (and with it their security groups); volumes marked DeleteOnTermination are deleted, the
   * others detached.
   */
  async terminate(scope: Scope, instanceIds: readonly string[], patch: Updateable<Ec2InstancesTable>): Promise<void> {
    if (!instanceIds.length) return;
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('ec2_instances').set(patch).where('instance_id', 'in', instanceIds).execute();
      await tx.deleteFrom('ec2_instance_groups').where('instance_id', 'in', instanceIds).execute();
      const doomed = (await tx.selectFrom('ec2_volumes').select('volume_id')
        .where('instance_id', 'in', instanceIds).where('delete_on_termination', '=', 1).execute()).map((v) => v.volume_id);
      await deleteTagsOf(tx, scope, doomed);
      if (doomed.length) await tx.deleteFrom('ec2_volumes').where('volume_id', 'in', doomed).execute();
      await tx.updateTable('ec2_volumes')
        .set({ state: 'available', instance_id: null, device: null, attach_time: null, delete_on_termination: 0 })
        .where('instance_id', 'in', instanceIds).execute();
    });
  }

  /** Forgets instances terminated before `before` (EC2 shows terminated instances for about an hour). */
  async purgeTerminated(before: string): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const gone = await tx.selectFrom('ec2_instances').select(['instance_id', 'account_id', 'region'])
        .where('state', '=', 'terminated').where('terminated_at', '<', before).execute();
      for (const i of gone) await deleteTagsOf(tx, { accountId: i.account_id, region: i.region }, [i.instance_id]);
      const ids = gone.map((i) => i.instance_id);
      if (ids.length) await tx.deleteFrom('ec2_instances').where('instance_id', 'in', ids).execute();
      return ids.length;
    });
  }
}
