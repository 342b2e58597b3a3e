/**
 * Lookups of users, groups and roles by name (case-insensitive, as IAM resolves them), and the
 * response shapes built from their rows.
 */
import type { Selectable } from 'kysely';
import type { Group, Role, User } from '../../generated/iam/shapes.js';
import { dateOf, encodeDocument, nameKey } from './common.js';
import type { IamDeps } from './deps.js';
import { iamErrors } from './errors.js';
import type { IamGroupsTable, IamRolesTable, IamUsersTable } from './tables.js';

export type UserRow = Selectable<IamUsersTable>;
export type GroupRow = Selectable<IamGroupsTable>;
export type RoleRow = Selectable<IamRolesTable>;

export async function findUser(deps: IamDeps, accountId: string, name: string): Promise<UserRow> {
  const row = await deps.db.selectFrom('iam_users').selectAll()
    .where('account_id', '=', accountId).where('name_key', '=', nameKey(name)).executeTakeFirst();
  if (!row) throw iamErrors.noSuchEntity('user', name);
  return row;
}

export async function findGroup(deps: IamDeps, accountId: string, name: string): Promise<GroupRow> {
  const row = await deps.db.selectFrom('iam_groups').selectAll()
    .where('account_id', '=', accountId).where('name_key', '=', nameKey(name)).executeTakeFirst();
  if (!row) throw iamErrors.noSuchEntity('group', name);
  return row;
}

export async function findRole(deps: IamDeps, accountId: string, name: string): Promise<RoleRow> {
  const row = await findRoleOrUndefined(deps, accountId, name);
  if (!row) throw iamErrors.noSuchEntity('role', name);
  return row;
}

async function findRoleOrUndefined(deps: IamDeps, accountId: string, name: string): Promise<RoleRow | undefined> {
  return deps.db.selectFrom('iam_roles').selectAll()
    .where('account_id', '=', accountId).where('name_key', '=', nameKey(name)).executeTakeFirst();
}

/** The `User` structure of GetUser, ListUsers, CreateUser ... */
export function userShape(row: UserRow): User {
  return {
    Path: row.path,
    UserName: row.user_name,
    UserId: row.user_id,
    Arn: row.arn,
    CreateDate: new Date(row.created_at),
    PasswordLastUsed: dateOf(row.password_last_used),
    PermissionsBoundary: row.permissions_boundary_arn
      ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: row.permissions_boundary_arn }
      : undefined,
  };
}

export function groupShape(row: GroupRow): Group {
  return { Path: row.path, GroupName: row.group_name, GroupId: row.group_id, Arn: row.arn, CreateDate: new Date(row.created_at) };
}

/** The `Role` structure; `detail` adds what only GetRole (and ListRoles) carry. */
export function roleShape(row: RoleRow, detail: 'create' | 'get' | 'list'): Role {
  const role: Role = {
    Path: row.path,
    RoleName: row.role_name,
    RoleId: row.role_id,
    Arn: row.arn,
    CreateDate: new Date(row.created_at),
    AssumeRolePolicyDocument: encodeDocument(row.trust_policy),
    Description: row.description ?? undefined,
    PermissionsBoundary: row.permissions_boundary_arn
      ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: row.permissions_boundary_arn }
      : undefined,
  };
  if (detail !== 'create') role.MaxSessionDuration = row.max_session_duration;
  if (detail === 'get') {
    role.RoleLastUsed = row.last_used_at ? { LastUsedDate: new Date(row.last_used_at), Region: row.last_used_region ?? undefined } : {};
  }
  return role;
}
