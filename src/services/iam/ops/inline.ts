/**
 * Inline policies embedded in users, groups and roles: Put/Get/Delete/List{User,Group,Role}Policy.
 * The size quota is per entity, over all its inline policies together (whitespace not counted).
 */
import type { IamApi } from '../../../generated/iam/api.js';
import type { RequestContext } from '../../../server/context.js';
import { accountOf, encodeDocument, paginate, type PageInput } from '../common.js';
import type { IamDeps } from '../deps.js';
import { POLICY_SIZE_QUOTAS, validatePolicyDocument } from '../documents.js';
import { findGroup, findRole, findUser } from '../entities.js';
import { iamErrors } from '../errors.js';
import type { EntityType } from '../tables.js';

type InlineOps = Pick<IamApi,
  'putUserPolicy' | 'getUserPolicy' | 'deleteUserPolicy' | 'listUserPolicies' |
  'putGroupPolicy' | 'getGroupPolicy' | 'deleteGroupPolicy' | 'listGroupPolicies' |
  'putRolePolicy' | 'getRolePolicy' | 'deleteRolePolicy' | 'listRolePolicies'>;

const compactLength = (document: string) => document.replace(/\s+/g, '').length;

export function inlineOps(deps: IamDeps): InlineOps {
  const { db } = deps;
  const entity = async (ctx: RequestContext, type: EntityType, name: string): Promise<{ id: string; name: string }> => {
    const accountId = accountOf(ctx);
    if (type === 'user') { const r = await findUser(deps, accountId, name); return { id: r.user_id, name: r.user_name }; }
    if (type === 'group') { const r = await findGroup(deps, accountId, name); return { id: r.group_id, name: r.group_name }; }
    const r = await findRole(deps, accountId, name);
    return { id: r.role_id, name: r.role_name };
  };

  async function put(ctx: RequestContext, type: EntityType, name: string, policyName: string, document: string): Promise<void> {
    const accountId = accountOf(ctx);
    const { id } = await entity(ctx, type, name);
    validatePolicyDocument(document, 'identity');
    await db.transaction().execute(async (tx) => {
      const others = await tx.selectFrom('iam_inline_policies').select(['policy_name', 'document'])
        .where('entity_type', '=', type).where('entity_id', '=', id).execute();
      const total = others.filter((o) => o.policy_name !== policyName).reduce((n, o) => n + compactLength(o.document), compactLength(document));
      const { quota, limit } = POLICY_SIZE_QUOTAS[type];
      if (total > limit) throw iamErrors.quota(quota, limit);
      await tx.insertInto('iam_inline_policies')
        .values({ account_id: accountId, entity_type: type, entity_id: id, policy_name: policyName, document })
        .onConflict((oc) => oc.columns(['entity_type', 'entity_id', 'policy_name']).doUpdateSet({ document }))
        .execute();
    });
    deps.changes.bump(accountId);
  }

  async function get(ctx: RequestContext, type: EntityType, name: string, policyName: string) {
    const e = await entity(ctx, type, name);
    const row = await db.selectFrom('iam_inline_policies').select('document')
      .where('entity_type', '=', type).where('entity_id', '=', e.id).where('policy_name', '=', policyName).executeTakeFirst();
    if (!row) throw iamErrors.noSuchInlinePolicy(type, policyName);
    return { entityName: e.name, PolicyName: policyName, PolicyDocument: encodeDocument(row.document) };
  }

  async function remove(ctx: RequestContext, type: EntityType, name: string, policyName: string): Promise<void> {
    const { id } = await entity(ctx, type, name);
    const result = await db.deleteFrom('iam_inline_policies')
      .where('entity_type', '=', type).where('entity_id', '=', id).where('policy_name', '=', policyName).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw iamErrors.noSuchInlinePolicy(type, policyName);
    deps.changes.bump(accountOf(ctx));
  }

  async function list(ctx: RequestContext, type: EntityType, name: string, input: PageInput) {
    const { id } = await entity(ctx, type, name);
    const rows = await db.selectFrom('iam_inline_policies').select('policy_name')
      .where('entity_type', '=', type).where('entity_id', '=', id).orderBy('policy_name').execute();
    const page = paginate(rows.map((r) => r.policy_name), input);
    return { PolicyNames: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
  }

  return {
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html */
    putUserPolicy: (ctx, i) => put(ctx, 'user', i.UserName, i.PolicyName, i.PolicyDocument),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUserPolicy.html */
    getUserPolicy: async (ctx, i) => {
      const { entityName, ...rest } = await get(ctx, 'user', i.UserName, i.PolicyName);
      return { UserName: entityName, ...rest };
    },
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUserPolicy.html */
    deleteUserPolicy: (ctx, i) => remove(ctx, 'user', i.UserName, i.PolicyName),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUserPolicies.html */
    listUserPolicies: (ctx, i) => list(ctx, 'user', i.UserName, i),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutGroupPolicy.html */
    putGroupPolicy: (ctx, i) => put(ctx, 'group', i.GroupName, i.PolicyName, i.PolicyDocument),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetGroupPolicy.html */
    getGroupPolicy: async (ctx, i) => {
      const { entityName, ...rest } = await get(ctx, 'group', i.GroupName, i.PolicyName);
      return { GroupName: entityName, ...rest };
    },
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroupPolicy.html */
    deleteGroupPolicy: (ctx, i) => remove(ctx, 'group', i.GroupName, i.PolicyName),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListGroupPolicies.html */
    listGroupPolicies: (ctx, i) => list(ctx, 'group', i.GroupName, i),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html */
    putRolePolicy: (ctx, i) => put(ctx, 'role', i.RoleName, i.PolicyName, i.PolicyDocument),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html */
    getRolePolicy: async (ctx, i) => {
      const { entityName, ...rest } = await get(ctx, 'role', i.RoleName, i.PolicyName);
      return { RoleName: entityName, ...rest };
    },
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePolicy.html */
    deleteRolePolicy: (ctx, i) => remove(ctx, 'role', i.RoleName, i.PolicyName),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRolePolicies.html */
    listRolePolicies: (ctx, i) => list(ctx, 'role', i.RoleName, i),
  };
}
