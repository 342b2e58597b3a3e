/**
 * Per-Region settings, VPCs and subnets. A Region's settings row is created together with its
 * default VPC, default subnets and default security group, in one transaction, the first time the
 * account uses EC2 in that Region.
 */
import type { Selectable, Transaction, Updateable } from 'kysely';
import type { Database, Db } from '../../store/database.js';
import { insertTags, type Scope, type TagPair } from './store-tags.js';
import type { Ec2RegionSettingsTable, Ec2SecurityGroupRulesTable, Ec2SecurityGroupsTable, Ec2SubnetsTable, Ec2VpcsTable } from './tables.js';

export type SettingsRow = Selectable<Ec2RegionSettingsTable>;
export type VpcRow = Selectable<Ec2VpcsTable>;
export type SubnetRow = Selectable<Ec2SubnetsTable>;
export type GroupRow = Selectable<Ec2SecurityGroupsTable>;
export type RuleRow = Selectable<Ec2SecurityGroupRulesTable>;

/** A VPC as it is created: the VPC, its subnets (default VPC only), its default security group. */
export interface NewNetwork {
  vpc: VpcRow;
  subnets: SubnetRow[];
  group: GroupRow;
  rules: RuleRow[];
}

async function insertNetwork(tx: Transaction<Database>, network: NewNetwork): Promise<void> {
  await tx.insertInto('ec2_vpcs').values(network.vpc).execute();
  if (network.subnets.length) await tx.insertInto('ec2_subnets').values(network.subnets).execute();
  await tx.insertInto('ec2_security_groups').values(network.group).execute();
  if (network.rules.length) await tx.insertInto('ec2_security_group_rules').values(network.rules).execute();
}

export class NetworkStore {
  constructor(private readonly db: Db) {}

  async settings(scope: Scope): Promise<SettingsRow | undefined> {
    return this.db.selectFrom('ec2_region_settings').selectAll()
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region).executeTakeFirst();
  }

  /**
   * The Region's settings, creating them and the default network first if this is the account's
   * first use of the Region. The insert that wins the settings row's primary key creates the
   * network, so two first requests racing create one default VPC.
   */
  async ensureRegion(settings: SettingsRow, build: () => NewNetwork): Promise<SettingsRow> {
    const scope = { accountId: settings.account_id, region: settings.region };
    const existing = await this.settings(scope);
    if (existing) return existing;
    await this.db.transaction().execute(async (tx) => {
      const inserted = await tx.insertInto('ec2_region_settings').values(settings)
        .onConflict((oc) => oc.columns(['account_id', 'region']).doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) await insertNetwork(tx, build());
    });
    return (await this.settings(scope))!;
  }

  async updateSettings(scope: Scope, patch: Updateable<Ec2RegionSettingsTable>): Promise<void> {
    await this.db.updateTable('ec2_region_settings').set(patch)
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region).execute();
  }

  async vpcs(scope: Scope): Promise<VpcRow[]> {
    return this.db.selectFrom('ec2_vpcs').selectAll()
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region).orderBy('created_at').orderBy('vpc_id').execute();
  }

  async vpc(scope: Scope, vpcId: string): Promise<VpcRow | undefined> {
    return this.db.selectFrom('ec2_vpcs').selectAll()
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region).where('vpc_id', '=', vpcId).executeTakeFirst();
  }

  async defaultVpc(scope: Scope): Promise<VpcRow | undefined> {
    return this.db.selectFrom('ec2_vpcs').selectAll()
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region).where('is_default', '=', 1).executeTakeFirst();
  }

  /** Creates a (non-default) VPC with its default security group and the VPC's tags. */
  async insertVpc(scope: Scope, network: NewNetwork, tags: readonly TagPair[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await insertNetwork(tx, network);
      await insertTags(tx, scope, network.vpc.vpc_id, 'vpc', tags);
    });
  }

  async subnets(scope: Scope): Promise<SubnetRow[]> {
    return this.db.selectFrom('ec2_subnets').selectAll()
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region).orderBy('availability_zone').orderBy('subnet_id').execute();
  }

  async subnet(scope: Scope, subnetId: string): Promise<SubnetRow | undefined> {
    return this.db.selectFrom('ec2_subnets').selectAll()
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region).where('subnet_id', '=', subnetId).executeTakeFirst();
  }
}
