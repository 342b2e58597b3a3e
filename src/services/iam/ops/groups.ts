/**
 * IAM groups and their members: Create/Get/List/Update/DeleteGroup, AddUserToGroup,
 * RemoveUserFromGroup, ListGroupsForUser.
 */
import type { IamApi } from '../../../generated/iam/api.js';
import { accountOf, byName, iamArn, nameKey, paginate, underPath } from '../common.js';
import type { IamDeps } from '../deps.js';
import { findGroup, findUser, groupShape, userShape, type GroupRow } from '../entities.js';
import { iamErrors } from '../errors.js';
import { newUniqueId } from '../ids.js';

type GroupOps = Pick<IamApi, 'createGroup' | 'getGroup' | 'listGroups' | 'updateGroup' | 'deleteGroup' |
  'addUserToGroup' | 'removeUserFromGroup' | 'listGroupsForUser'>;

/** AWS's quota on the groups one user belongs to. */
const GROUPS_PER_USER = 10;

export function groupOps(deps: IamDeps): GroupOps {
  const { db } = deps;
  return {
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html */
    async createGroup(ctx, input) {
      const accountId = accountOf(ctx);
      const path = input.Path ?? '/';
      const row: GroupRow = {
        group_id: newUniqueId('AGPA'),
        account_id: accountId,
        group_name: input.GroupName,
        name_key: nameKey(input.GroupName),
        path,
        arn: iamArn(accountId, 'group', path, input.GroupName),
        created_at: deps.clock.now().toISOString(),
      };
      await db.transaction().execute(async (tx) => {
        const clash = await tx.selectFrom('iam_groups').select('group_id')
          .where('account_id', '=', accountId).where('name_key', '=', row.name_key).executeTakeFirst();
        if (clash) throw iamErrors.alreadyExists('group', input.GroupName);
        await tx.insertInto('iam_groups').values(row).execute();
      });
      return { Group: groupShape(row) };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetGroup.html */
    async getGroup(ctx, input) {
      const group = await findGroup(deps, accountOf(ctx), input.GroupName);
      const users = await db.selectFrom('iam_group_members as m').innerJoin('iam_users as u', 'u.user_id', 'm.user_id')
        .selectAll('u').where('m.group_id', '=', group.group_id).execute();
      const page = paginate(users.sort(byName((u) => u.user_name)), input);
      return { Group: groupShape(group), Users: page.items.map(userShape), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListGroups.html */
    async listGroups(ctx, input) {
      const rows = await db.selectFrom('iam_groups').selectAll().where('account_id', '=', accountOf(ctx)).execute();
      const page = paginate(rows.filter((r) => underPath(r.path, input.PathPrefix)).sort(byName((r) => r.group_name)), input);
      return { Groups: page.items.map(groupShape), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateGroup.html */
    async updateGroup(ctx, input) {
      const accountId = accountOf(ctx);
      const group = await findGroup(deps, accountId, input.GroupName);
      const name = input.NewGroupName ?? group.group_name;
      const path = input.NewPath ?? group.path;
      await db.transaction().execute(async (tx) => {
        if (nameKey(name) !== group.name_key) {
          const clash = await tx.selectFrom('iam_groups').select('group_id')
            .where('account_id', '=', accountId).where('name_key', '=', nameKey(name)).executeTakeFirst();
          if (clash) throw iamErrors.alreadyExists('group', name);
        }
        await tx.updateTable('iam_groups')
          .set({ group_name: name, name_key: nameKey(name), path, arn: iamArn(accountId, 'group', path, name) })
          .where('group_id', '=', group.group_id).execute();
      });
      deps.changes.bump(accountId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroup.html */
    async deleteGroup(ctx, input) {
      const accountId = accountOf(ctx);
      const group = await findGroup(deps, accountId, input.GroupName);
      const id = group.group_id;
      if (await db.selectFrom('iam_group_members').select('user_id').where('group_id', '=', id).executeTakeFirst()) {
        throw iamErrors.deleteConflict('group members');
      }
      if (await db.selectFrom('iam_inline_policies').select('policy_name').where('entity_type', '=', 'group').where('entity_id', '=', id).executeTakeFirst()) {
        throw iamErrors.deleteConflict('policies');
      }
      if (await db.selectFrom('iam_attachments').select('policy_arn').where('entity_type', '=', 'group').where('entity_id', '=', id).executeTakeFirst()) {
        throw iamErrors.deleteConflict('attached policies');
      }
      await db.deleteFrom('iam_groups').where('group_id', '=', id).execute();
      deps.changes.bump(accountId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html */
    async addUserToGroup(ctx, input) {
      const accountId = accountOf(ctx);
      const group = await findGroup(deps, accountId, input.GroupName);
      const user = await findUser(deps, accountId, input.UserName);
      await db.transaction().execute(async (tx) => {
        const member = await tx.selectFrom('iam_group_members').select('user_id')
          .where('group_id', '=', group.group_id).where('user_id', '=', user.user_id).executeTakeFirst();
        if (member) return; // AWS answers success when the user already belongs to the group.
        const { n } = await tx.selectFrom('iam_group_members').select((eb) => eb.fn.countAll<number>().as('n'))
          .where('user_id', '=', user.user_id).executeTakeFirstOrThrow();
        if (Number(n) >= GROUPS_PER_USER) throw iamErrors.quota('GroupsPerUser', GROUPS_PER_USER);
        await tx.insertInto('iam_group_members')
          .values({ group_id: group.group_id, user_id: user.user_id, added_at: deps.clock.now().toISOString() }).execute();
      });
      deps.changes.bump(accountId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_RemoveUserFromGroup.html */
    async removeUserFromGroup(ctx, input) {
      const accountId = accountOf(ctx);
      // AWS resolves the user first: an unknown user in an unknown group is reported as the user.
      const user = await findUser(deps, accountId, input.UserName);
      const group = await findGroup(deps, accountId, input.GroupName);
      await db.deleteFrom('iam_group_members').where('group_id', '=', group.group_id).where('user_id', '=', user.user_id).execute();
      deps.changes.bump(accountId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListGroupsForUser.html */
    async listGroupsForUser(ctx, input) {
      const user = await findUser(deps, accountOf(ctx), input.UserName);
      const rows = await db.selectFrom('iam_group_members as m').innerJoin('iam_groups as g', 'g.group_id', 'm.group_id')
        .selectAll('g').where('m.user_id', '=', user.user_id).execute();
      const page = paginate(rows.sort(byName((g) => g.group_name)), input);
      return { Groups: page.items.map(groupShape), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },
  };
}
