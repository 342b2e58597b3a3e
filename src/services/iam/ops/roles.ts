/**
 * IAM roles: Create/Get/List/Update/DeleteRole, UpdateRoleDescription, UpdateAssumeRolePolicy and
 * the role's permissions boundary. The trust policy is checked against the trust-policy grammar and
 * its principals against the identities Coffer hosts.
 */
import type { IamApi } from '../../../generated/iam/api.js';
import { accountOf, byName, iamArn, nameKey, paginate, underPath } from '../common.js';
import type { IamDeps } from '../deps.js';
import { checkPolicySize, validatePolicyDocument } from '../documents.js';
import { findRole, roleShape, type RoleRow } from '../entities.js';
import { iamErrors } from '../errors.js';
import { newUniqueId } from '../ids.js';
import { deleteTags, readTags, writeTags } from '../tag-store.js';
import { checkBoundary } from './users.js';

type RoleOps = Pick<IamApi, 'createRole' | 'getRole' | 'listRoles' | 'updateRole' | 'updateRoleDescription' |
  'updateAssumeRolePolicy' | 'deleteRole' | 'putRolePermissionsBoundary' | 'deleteRolePermissionsBoundary'>;

const DEFAULT_MAX_SESSION = 3600;

/**
 * A trust policy is valid JSON in the trust grammar, within its size quota, and every IAM user or
 * role it names in an account Coffer hosts exists (AWS resolves principals when it stores them).
 */
async function checkTrustPolicy(deps: IamDeps, document: string): Promise<void> {
  validatePolicyDocument(document, 'trust');
  checkPolicySize(document, 'trust');
  const statements = [JSON.parse(document).Statement].flat() as Array<{ Principal?: unknown; NotPrincipal?: unknown }>;
  for (const s of statements) {
    const principal = s.Principal ?? s.NotPrincipal;
    if (typeof principal !== 'object' || principal === null) continue;
    for (const arn of [(principal as { AWS?: string | string[] }).AWS ?? []].flat()) {
      const m = /^arn:aws:iam::(\d{12}):(user|role)(\/.*\/|\/)([^/]+)$/.exec(arn);
      if (!m) continue;
      const [, account, type, path, name] = m as unknown as [string, string, 'user' | 'role', string, string];
      const hosted = await deps.db.selectFrom('accounts').select('id').where('id', '=', account).executeTakeFirst();
      if (!hosted) continue;
      const table = type === 'user' ? 'iam_users' : 'iam_roles';
      const found = await deps.db.selectFrom(table).select('arn')
        .where('account_id', '=', account).where('name_key', '=', nameKey(name)).where('path', '=', path).executeTakeFirst();
      if (!found) throw iamErrors.malformed(`Invalid principal in policy: "AWS":"${arn}"`);
    }
  }
}

export function roleOps(deps: IamDeps): RoleOps {
  const { db } = deps;
  const bump = (accountId: string) => deps.changes.bump(accountId);
  return {
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html */
    async createRole(ctx, input) {
      const accountId = accountOf(ctx);
      const path = input.Path ?? '/';
      await checkTrustPolicy(deps, input.AssumeRolePolicyDocument);
      if (input.PermissionsBoundary) await checkBoundary(deps, accountId, input.PermissionsBoundary);
      const row: RoleRow = {
        role_id: newUniqueId('AROA'),
        account_id: accountId,
        role_name: input.RoleName,
        name_key: nameKey(input.RoleName),
        path,
        arn: iamArn(accountId, 'role', path, input.RoleName),
        trust_policy: input.AssumeRolePolicyDocument,
        description: input.Description ?? null,
        max_session_duration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION,
        permissions_boundary_arn: input.PermissionsBoundary ?? null,
        last_used_at: null,
        last_used_region: null,
        created_at: deps.clock.now().toISOString(),
      };
      await db.transaction().execute(async (tx) => {
        const clash = await tx.selectFrom('iam_roles').select('role_id')
          .where('account_id', '=', accountId).where('name_key', '=', row.name_key).executeTakeFirst();
        if (clash) throw iamErrors.alreadyExists('role', input.RoleName);
        await tx.insertInto('iam_roles').values(row).execute();
        await writeTags(tx, accountId, 'role', row.role_id, input.Tags);
      });
      return { Role: { ...roleShape(row, 'create'), Tags: input.Tags?.length ? input.Tags : undefined } };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html */
    async getRole(ctx, input) {
      const role = await findRole(deps, accountOf(ctx), input.RoleName);
      const tags = await readTags(db, 'role', role.role_id);
      return { Role: { ...roleShape(role, 'get'), Tags: tags.length ? tags : undefined } };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html */
    async listRoles(ctx, input) {
      const rows = await db.selectFrom('iam_roles').selectAll().where('account_id', '=', accountOf(ctx)).execute();
      const page = paginate(rows.filter((r) => underPath(r.path, input.PathPrefix)).sort(byName((r) => r.role_name)), input);
      return { Roles: page.items.map((r) => roleShape(r, 'list')), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html */
    async updateRole(ctx, input) {
      const role = await findRole(deps, accountOf(ctx), input.RoleName);
      await db.updateTable('iam_roles').set({
        description: input.Description ?? role.description,
        max_session_duration: input.MaxSessionDuration ?? role.max_session_duration,
      }).where('role_id', '=', role.role_id).execute();
      return {};
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRoleDescription.html */
    async updateRoleDescription(ctx, input) {
      const role = await findRole(deps, accountOf(ctx), input.RoleName);
      await db.updateTable('iam_roles').set({ description: input.Description }).where('role_id', '=', role.role_id).execute();
      return { Role: roleShape({ ...role, description: input.Description }, 'create') };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html */
    async updateAssumeRolePolicy(ctx, input) {
      const role = await findRole(deps, accountOf(ctx), input.RoleName);
      await checkTrustPolicy(deps, input.PolicyDocument);
      await db.updateTable('iam_roles').set({ trust_policy: input.PolicyDocument }).where('role_id', '=', role.role_id).execute();
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html */
    async deleteRole(ctx, input) {
      const accountId = accountOf(ctx);
      const role = await findRole(deps, accountId, input.RoleName);
      const id = role.role_id;
      if (await db.selectFrom('iam_inline_policies').select('policy_name').where('entity_type', '=', 'role').where('entity_id', '=', id).executeTakeFirst()) {
        throw iamErrors.deleteConflict('policies');
      }
      if (await db.selectFrom('iam_attachments').select('policy_arn').where('entity_type', '=', 'role').where('entity_id', '=', id).executeTakeFirst()) {
        throw iamErrors.deleteConflict('attached policies');
      }
      await db.transaction().execute(async (tx) => {
        await deleteTags(tx, 'role', id);
        await tx.deleteFrom('iam_roles').where('role_id', '=', id).execute();
      });
      bump(accountId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePermissionsBoundary.html */
    async putRolePermissionsBoundary(ctx, input) {
      const accountId = accountOf(ctx);
      const role = await findRole(deps, accountId, input.RoleName);
      await checkBoundary(deps, accountId, input.PermissionsBoundary);
      await db.updateTable('iam_roles').set({ permissions_boundary_arn: input.PermissionsBoundary }).where('role_id', '=', role.role_id).execute();
      bump(accountId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePermissionsBoundary.html */
    async deleteRolePermissionsBoundary(ctx, input) {
      const accountId = accountOf(ctx);
      const role = await findRole(deps, accountId, input.RoleName);
      await db.updateTable('iam_roles').set({ permissions_boundary_arn: null }).where('role_id', '=', role.role_id).execute();
      bump(accountId);
    },
  };
}
