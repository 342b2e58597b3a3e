/**
 * IAM users: Create/Get/List/Update/DeleteUser and their permissions boundary.
 */
import { AwsError } from '../../../errors.js';
import type { IamApi } from '../../../generated/iam/api.js';
import type { User } from '../../../generated/iam/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { accountOf, byName, iamArn, nameKey, paginate, underPath } from '../common.js';
import type { IamDeps } from '../deps.js';
import { findUser, userShape, type UserRow } from '../entities.js';
import { iamErrors } from '../errors.js';
import { newUniqueId } from '../ids.js';
import { findAttachable } from '../policy-store.js';
import { deleteTags, readTags, writeTags } from '../tag-store.js';

type UserOps = Pick<IamApi, 'createUser' | 'getUser' | 'listUsers' | 'updateUser' | 'deleteUser' |
  'putUserPermissionsBoundary' | 'deleteUserPermissionsBoundary'>;

/** A permissions boundary must name an existing managed policy; AWS calls it the scope ARN. */
export async function checkBoundary(deps: IamDeps, accountId: string, arn: string): Promise<void> {
  try {
    await findAttachable(deps, accountId, arn);
  } catch (err) {
    if (err instanceof AwsError && err.code === 'NoSuchEntity') {
      throw new AwsError('NoSuchEntity', `Scope ARN: ${arn} does not exist or is not attachable.`);
    }
    throw err;
  }
}

/**
 * The user a call without UserName means: the caller itself. AWS refuses it for callers that
 * are not IAM users (roles, federated users); the root gets its own identity.
 */
async function callerUser(deps: IamDeps, ctx: RequestContext): Promise<UserRow | 'root'> {
  const p = ctx.principal!;
  if (p.type === 'Root') return 'root';
  if (p.type !== 'IAMUser' || !p.userName) throw iamErrors.validation('Must specify userName when calling with non-User credentials');
  return findUser(deps, accountOf(ctx), p.userName);
}

/** The user named in the request, or the caller when the name is absent. */
export async function targetUser(deps: IamDeps, ctx: RequestContext, userName: string | undefined): Promise<UserRow | 'root'> {
  return userName === undefined ? callerUser(deps, ctx) : findUser(deps, accountOf(ctx), userName);
}

/** Like {@link targetUser}, for operations that have nothing to do for the root (no password, no MFA here). */
export async function requireUser(deps: IamDeps, ctx: RequestContext, userName: string | undefined): Promise<UserRow> {
  const user = await targetUser(deps, ctx, userName);
  if (user === 'root') throw iamErrors.validation('Must specify userName when calling with non-User credentials');
  return user;
}

export function userOps(deps: IamDeps): UserOps {
  const { db } = deps;
  return {
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html */
    async createUser(ctx, input) {
      const accountId = accountOf(ctx);
      const path = input.Path ?? '/';
      if (input.PermissionsBoundary) await checkBoundary(deps, accountId, input.PermissionsBoundary);
      const row: UserRow = {
        user_id: newUniqueId('AIDA'),
        account_id: accountId,
        user_name: input.UserName,
        name_key: nameKey(input.UserName),
        path,
        arn: iamArn(accountId, 'user', path, input.UserName),
        permissions_boundary_arn: input.PermissionsBoundary ?? null,
        password_last_used: null,
        created_at: deps.clock.now().toISOString(),
      };
      await db.transaction().execute(async (tx) => {
        const clash = await tx.selectFrom('iam_users').select('user_id')
          .where('account_id', '=', accountId).where('name_key', '=', row.name_key).executeTakeFirst();
        if (clash) throw iamErrors.alreadyExists('user', input.UserName);
        await tx.insertInto('iam_users').values(row).execute();
        await writeTags(tx, accountId, 'user', row.user_id, input.Tags);
      });
      return { User: { ...userShape(row), Tags: input.Tags?.length ? input.Tags : undefined } };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html */
    async getUser(ctx, input) {
      const user = await targetUser(deps, ctx, input.UserName);
      if (user === 'root') {
        const account = await db.selectFrom('accounts').select('created_at').where('id', '=', ctx.accountId).executeTakeFirstOrThrow();
        // AWS describes the root by its ARN and the account id only.
        return { User: { UserId: ctx.accountId, Arn: `arn:aws:iam::${ctx.accountId}:root`, CreateDate: new Date(account.created_at) } as User };
      }
      const tags = await readTags(db, 'user', user.user_id);
      return { User: { ...userShape(user), Tags: tags.length ? tags : undefined } };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html */
    async listUsers(ctx, input) {
      const rows = await db.selectFrom('iam_users').selectAll().where('account_id', '=', accountOf(ctx)).execute();
      const page = paginate(rows.filter((r) => underPath(r.path, input.PathPrefix)).sort(byName((r) => r.user_name)), input);
      return { Users: page.items.map(userShape), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateUser.html */
    async updateUser(ctx, input) {
      const accountId = accountOf(ctx);
      const user = await findUser(deps, accountId, input.UserName);
      const name = input.NewUserName ?? user.user_name;
      const path = input.NewPath ?? user.path;
      const arn = iamArn(accountId, 'user', path, name);
      await db.transaction().execute(async (tx) => {
        if (nameKey(name) !== user.name_key) {
          const clash = await tx.selectFrom('iam_users').select('user_id')
            .where('account_id', '=', accountId).where('name_key', '=', nameKey(name)).executeTakeFirst();
          if (clash) throw iamErrors.alreadyExists('user', name);
        }
        await tx.updateTable('iam_users').set({ user_name: name, name_key: nameKey(name), path, arn })
          .where('user_id', '=', user.user_id).execute();
        // The user's access keys carry its name and ARN: callers see the new ones at once.
        await tx.updateTable('access_keys').set({ user_name: name, principal_arn: arn })
          .where('principal_id', '=', user.user_id).execute();
      });
      deps.changes.bump(accountId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html */
    async deleteUser(ctx, input) {
      const accountId = accountOf(ctx);
      const user = await findUser(deps, accountId, input.UserName);
      const id = user.user_id;
      const has = async (q: Promise<unknown>) => (await q) !== undefined;
      if (await has(db.selectFrom('iam_login_profiles').select('user_id').where('user_id', '=', id).executeTakeFirst())) throw iamErrors.deleteConflict('login profile');
      if (await has(db.selectFrom('access_keys').select('access_key_id').where('principal_id', '=', id).executeTakeFirst())) throw iamErrors.deleteConflict('access keys');
      if (await has(db.selectFrom('iam_mfa_devices').select('serial_number').where('user_id', '=', id).executeTakeFirst())) throw iamErrors.deleteConflict('MFA');
      if (await has(db.selectFrom('iam_inline_policies').select('policy_name').where('entity_type', '=', 'user').where('entity_id', '=', id).executeTakeFirst())) throw iamErrors.deleteConflict('policies');
      if (await has(db.selectFrom('iam_attachments').select('policy_arn').where('entity_type', '=', 'user').where('entity_id', '=', id).executeTakeFirst())) throw iamErrors.deleteConflict('attached policies');
      if (await has(db.selectFrom('iam_group_members').select('group_id').where('user_id', '=', id).executeTakeFirst())) throw iamErrors.deleteConflict('groups');
      await db.transaction().execute(async (tx) => {
        await deleteTags(tx, 'user', id);
        await tx.deleteFrom('iam_users').where('user_id', '=', id).execute();
      });
      deps.changes.bump(accountId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPermissionsBoundary.html */
    async putUserPermissionsBoundary(ctx, input) {
      const accountId = accountOf(ctx);
      const user = await findUser(deps, accountId, input.UserName);
      await checkBoundary(deps, accountId, input.PermissionsBoundary);
      await db.updateTable('iam_users').set({ permissions_boundary_arn: input.PermissionsBoundary }).where('user_id', '=', user.user_id).execute();
      deps.changes.bump(accountId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUserPermissionsBoundary.html */
    async deleteUserPermissionsBoundary(ctx, input) {
      const accountId = accountOf(ctx);
      const user = await findUser(deps, accountId, input.UserName);
      await db.updateTable('iam_users').set({ permissions_boundary_arn: null }).where('user_id', '=', user.user_id).execute();
      deps.changes.bump(accountId);
    },
  };
}
