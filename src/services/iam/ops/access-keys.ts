/**
 * Long-term access keys of IAM users (and of the root, when it manages its own): Create/List/
 * Update/DeleteAccessKey and GetAccessKeyLastUsed. Secrets are sealed by the root key and shown
 * once, in the CreateAccessKey response.
 */
import { secretAad } from '../../../auth/principal.js';
import { AwsError } from '../../../errors.js';
import type { IamApi } from '../../../generated/iam/api.js';
import type { AccessKey } from '../../../generated/iam/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { newAccessKeyId, newSecretAccessKey } from '../../../server/bootstrap.js';
import { accountOf, paginate } from '../common.js';
import type { IamDeps } from '../deps.js';
import { iamErrors } from '../errors.js';
import { targetUser } from './users.js';

type AccessKeyOps = Pick<IamApi, 'createAccessKey' | 'listAccessKeys' | 'updateAccessKey' | 'deleteAccessKey' | 'getAccessKeyLastUsed'>;

/** AWS's quota: two access keys per user (and per root). */
const KEYS_PER_USER = 2;

/** Whose keys a request manages: a user (by id) or the account root. */
interface KeyOwner { principalId: string | null; userName: string | null; arn: string; isRoot: boolean }

export function accessKeyOps(deps: IamDeps): AccessKeyOps {
  const { db } = deps;

  async function owner(ctx: RequestContext, userName: string | undefined): Promise<KeyOwner> {
    const user = await targetUser(deps, ctx, userName);
    if (user === 'root') return { principalId: null, userName: null, arn: `arn:aws:iam::${ctx.accountId}:root`, isRoot: true };
    return { principalId: user.user_id, userName: user.user_name, arn: user.arn, isRoot: false };
  }

  /** The owner's keys, oldest first (the order the credential report numbers them in). */
  function keysOf(accountId: string, o: KeyOwner) {
    const q = db.selectFrom('access_keys').selectAll().where('account_id', '=', accountId);
    return (o.isRoot ? q.where('principal_type', '=', 'Root') : q.where('principal_id', '=', o.principalId))
      .orderBy('created_at').orderBy('access_key_id').execute();
  }

  async function ownedKey(ctx: RequestContext, accessKeyId: string, userName: string | undefined) {
    const o = await owner(ctx, userName);
    const key = (await keysOf(accountOf(ctx), o)).find((k) => k.access_key_id === accessKeyId);
    if (!key) throw iamErrors.noSuchAccessKey(accessKeyId);
    return key;
  }

  return {
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html */
    async createAccessKey(ctx, input) {
      const accountId = accountOf(ctx);
      const o = await owner(ctx, input.UserName);
      const accessKeyId = newAccessKeyId();
      const secret = newSecretAccessKey();
      const now = deps.clock.now().toISOString();
      await db.transaction().execute(async (tx) => {
        const q = tx.selectFrom('access_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId);
        const { n } = await (o.isRoot ? q.where('principal_type', '=', 'Root') : q.where('principal_id', '=', o.principalId)).executeTakeFirstOrThrow();
        if (Number(n) >= KEYS_PER_USER) throw iamErrors.quota('AccessKeysPerUser', KEYS_PER_USER);
        await tx.insertInto('access_keys').values({
          access_key_id: accessKeyId,
          account_id: accountId,
          principal_arn: o.arn,
          principal_type: o.isRoot ? 'Root' : 'IAMUser',
          principal_id: o.principalId,
          user_name: o.userName,
          status: 'Active',
          secret_sealed: deps.sealer.seal(secretAad(accessKeyId), Buffer.from(secret, 'utf8')),
          created_at: now,
          last_used_at: null,
          last_used_service: null,
          last_used_region: null,
        }).execute();
      });
      deps.changes.bump(accountId);
      // The root's own keys carry no user name.
      const key = { UserName: o.userName ?? undefined, AccessKeyId: accessKeyId, Status: 'Active', SecretAccessKey: secret, CreateDate: new Date(now) };
      return { AccessKey: key as AccessKey };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html */
    async listAccessKeys(ctx, input) {
      const o = await owner(ctx, input.UserName);
      const page = paginate(await keysOf(accountOf(ctx), o), input);
      return {
        AccessKeyMetadata: page.items.map((k) => ({ UserName: k.user_name ?? undefined, AccessKeyId: k.access_key_id, Status: k.status, CreateDate: new Date(k.created_at) })),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html */
    async updateAccessKey(ctx, input) {
      const key = await ownedKey(ctx, input.AccessKeyId, input.UserName);
      if (input.Status === 'Expired') throw iamErrors.validation('1 validation error detected: Value at \'status\' failed to satisfy constraint: Member must satisfy enum value set');
      await db.updateTable('access_keys').set({ status: input.Status }).where('access_key_id', '=', key.access_key_id).execute();
      // Cached access-key rows (the request authenticator's) are read again after any IAM write.
      deps.changes.bump(accountOf(ctx));
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccessKey.html */
    async deleteAccessKey(ctx, input) {
      const key = await ownedKey(ctx, input.AccessKeyId, input.UserName);
      await db.deleteFrom('access_keys').where('access_key_id', '=', key.access_key_id).execute();
      deps.changes.bump(accountOf(ctx));
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccessKeyLastUsed.html */
    async getAccessKeyLastUsed(ctx, input) {
      const key = await db.selectFrom('access_keys').selectAll()
        .where('account_id', '=', accountOf(ctx)).where('access_key_id', '=', input.AccessKeyId).executeTakeFirst();
      // AWS doesn't tell whether a key it can't show exists: it refuses.
      if (!key) {
        throw new AwsError('AccessDenied', `User: ${ctx.principal!.arn} is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key ${input.AccessKeyId}`, { status: 403 });
      }
      return {
        UserName: key.user_name ?? undefined,
        AccessKeyLastUsed: key.last_used_at
          ? { LastUsedDate: new Date(key.last_used_at), ServiceName: key.last_used_service ?? 'N/A', Region: key.last_used_region ?? 'N/A' }
          : { ServiceName: 'N/A', Region: 'N/A' },
      };
    },
  };
}
