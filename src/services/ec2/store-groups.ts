/** Security groups and their rules. */
import type { Db } from '../../store/database.js';
import { deleteTagsOf, insertTags, type Scope, type TagPair } from './store-tags.js';
import type { GroupRow, RuleRow } from './store-network.js';

export class GroupStore {
  constructor(private readonly db: Db) {}

  async list(scope: Scope): Promise<GroupRow[]> {
    return this.db.selectFrom('ec2_security_groups').selectAll()
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region).orderBy('created_at').orderBy('group_id').execute();
  }

  async get(scope: Scope, groupId: string): Promise<GroupRow | undefined> {
    return this.db.selectFrom('ec2_security_groups').selectAll()
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region).where('group_id', '=', groupId).executeTakeFirst();
  }

  async byName(vpcId: string, name: string): Promise<GroupRow | undefined> {
    return this.db.selectFrom('ec2_security_groups').selectAll()
      .where('vpc_id', '=', vpcId).where('group_name', '=', name).executeTakeFirst();
  }

  /** Rules of an account's Region (or of some groups), in each group's authorization order. */
  async rules(scope: Scope, groupIds?: readonly string[]): Promise<RuleRow[]> {
    if (groupIds && !groupIds.length) return [];
    let q = this.db.selectFrom('ec2_security_group_rules').selectAll()
      .where('account_id', '=', scope.accountId).where('region', '=', scope.region);
    if (groupIds) q = q.where('group_id', 'in', groupIds);
    return q.orderBy('group_id').orderBy('position').execute();
  }

  /** Creates a group with its initial rules and tags; false if the VPC has a group of that name. */
  async insert(scope: Scope, group: GroupRow, rules: RuleRow[], tags: readonly TagPair[]): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const taken = await tx.selectFrom('ec2_security_groups').select('group_id')
        .where('vpc_id', '=', group.vpc_id).where('group_name', '=', group.group_name).executeTakeFirst();
      if (taken) return false;
      await tx.insertInto('ec2_security_groups').values(group).execute();
      if (rules.length) await tx.insertInto('ec2_security_group_rules').values(rules).execute();
      await insertTags(tx, scope, group.group_id, 'security-group', tags);
      return true;
    });
  }

  /**
   * What keeps a group from being deleted: instances that use it, and rules of other groups that
   * reference it.
   */
  async dependents(groupId: string): Promise<{ instances: number; referencingRules: number }> {
    const instances = await this.db.selectFrom('ec2_instance_groups').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('group_id', '=', groupId).executeTakeFirstOrThrow();
    const rules = await this.db.selectFrom('ec2_security_group_rules').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('referenced_group_id', '=', groupId).where('group_id', '!=', groupId).executeTakeFirstOrThrow();
    return { instances: Number(instances.n), referencingRules: Number(rules.n) };
  }

  /** Deletes a group, its rules and their tags. */
  async delete(scope: Scope, groupId: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const ruleIds = (await tx.selectFrom('ec2_security_group_rules').select('rule_id').where('group_id', '=', groupId).execute()).map((r) => r.rule_id);
      await deleteTagsOf(tx, scope, [groupId, ...ruleIds]);
      await tx.deleteFrom('ec2_security_group_rules').where('group_id', '=', groupId).execute();
      await tx.deleteFrom('ec2_security_groups').where('group_id', '=', groupId).execute();
    });
  }

  /**
   * Appends rules to a group (positions after its last rule) with their tags, re-checking in the
   * transaction that none duplicates a stored rule (`sameRule`) and that the group stays within
   * `maxPerDirection` rules per direction. Returns the stored rules, or why it refused.
   */
  async addRules(scope: Scope, groupId: string, rules: Array<Omit<RuleRow, 'position'>>, tags: readonly TagPair[],
    sameRule: (a: Omit<RuleRow, 'position'>, b: RuleRow) => boolean, maxPerDirection: number):
    Promise<{ added: RuleRow[] } | { duplicate: Omit<RuleRow, 'position'> } | { limit: true }> {
    return this.db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('ec2_security_group_rules').selectAll().where('group_id', '=', groupId).execute();
      const duplicate = rules.find((r) => existing.some((e) => sameRule(r, e)));
      if (duplicate) return { duplicate };
      for (const egress of [0, 1]) {
        const count = existing.filter((e) => e.is_egress === egress).length + rules.filter((r) => r.is_egress === egress).length;
        if (count > maxPerDirection) return { limit: true as const };
      }
      let position = existing.reduce((max, e) => Math.max(max, e.position), -1);
      const added = rules.map((r) => ({ ...r, position: ++position }));
      if (added.length) await tx.insertInto('ec2_security_group_rules').values(added).execute();
      for (const r of added) await insertTags(tx, scope, r.rule_id, 'security-group-rule', tags);
      return { added };
    });
  }

  /** Deletes rules (and their tags) by id. */
  async deleteRules(scope: Scope, ruleIds: readonly string[]): Promise<void> {
    if (!ruleIds.length) return;
    await this.db.transaction().execute(async (tx) => {
      await deleteTagsOf(tx, scope, ruleIds);
      await tx.deleteFrom('ec2_security_group_rules').where('rule_id', 'in', ruleIds).execute();
    });
  }
}
