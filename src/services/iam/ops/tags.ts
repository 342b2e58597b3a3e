/**
 * Tag*, Untag* and List*Tags for users, roles, customer managed policies and MFA devices.
 */
import type { IamApi } from '../../../generated/iam/api.js';
import type { Tag } from '../../../generated/iam/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { accountOf, paginate } from '../common.js';
import type { IamDeps } from '../deps.js';
import { findRole, findUser } from '../entities.js';
import { iamErrors } from '../errors.js';
import { findCustomerPolicy } from '../policy-store.js';
import type { TaggedType } from '../tables.js';
import { deleteTags, readTags, writeTags } from '../tag-store.js';

type TagOps = Pick<IamApi,
  'tagUser' | 'untagUser' | 'listUserTags' | 'tagRole' | 'untagRole' | 'listRoleTags' |
  'tagPolicy' | 'untagPolicy' | 'listPolicyTags' | 'tagMFADevice' | 'untagMFADevice' | 'listMFADeviceTags'>;

/** The tagging operations of every taggable IAM resource. */
export function tagOps(deps: IamDeps): TagOps {
  const target = {
    user: async (ctx: RequestContext, name: string) => (await findUser(deps, accountOf(ctx), name)).user_id,
    role: async (ctx: RequestContext, name: string) => (await findRole(deps, accountOf(ctx), name)).role_id,
    policy: async (ctx: RequestContext, arn: string) => (await findCustomerPolicy(deps, accountOf(ctx), arn, 'notFound')).policy_id,
    mfa: async (ctx: RequestContext, serial: string) => {
      const row = await deps.db.selectFrom('iam_mfa_devices').select('serial_number')
        .where('account_id', '=', accountOf(ctx)).where('serial_number', '=', serial).executeTakeFirst();
      if (!row) throw iamErrors.noSuchMfaDevice(serial);
      return row.serial_number;
    },
  };
  const tag = async (ctx: RequestContext, type: TaggedType, key: string, tags: Tag[]) => {
    const id = await target[type](ctx, key);
    await deps.db.transaction().execute((tx) => writeTags(tx, accountOf(ctx), type, id, tags));
    // Principal tags feed aws:PrincipalTag conditions.
    deps.changes.bump(accountOf(ctx));
  };
  const untag = async (ctx: RequestContext, type: TaggedType, key: string, keys: string[]) => {
    await deleteTags(deps.db, type, await target[type](ctx, key), keys);
    deps.changes.bump(accountOf(ctx));
  };
  const list = async (ctx: RequestContext, type: TaggedType, key: string, page: { Marker?: string; MaxItems?: number }) => {
    const p = paginate(await readTags(deps.db, type, await target[type](ctx, key)), page);
    return { Tags: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
  };
  return {
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagUser.html */
    tagUser: (ctx, i) => tag(ctx, 'user', i.UserName, i.Tags),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagUser.html */
    untagUser: (ctx, i) => untag(ctx, 'user', i.UserName, i.TagKeys),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUserTags.html */
    listUserTags: (ctx, i) => list(ctx, 'user', i.UserName, i),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagRole.html */
    tagRole: (ctx, i) => tag(ctx, 'role', i.RoleName, i.Tags),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagRole.html */
    untagRole: (ctx, i) => untag(ctx, 'role', i.RoleName, i.TagKeys),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoleTags.html */
    listRoleTags: (ctx, i) => list(ctx, 'role', i.RoleName, i),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagPolicy.html */
    tagPolicy: (ctx, i) => tag(ctx, 'policy', i.PolicyArn, i.Tags),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagPolicy.html */
    untagPolicy: (ctx, i) => untag(ctx, 'policy', i.PolicyArn, i.TagKeys),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicyTags.html */
    listPolicyTags: (ctx, i) => list(ctx, 'policy', i.PolicyArn, i),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagMFADevice.html */
    tagMFADevice: (ctx, i) => tag(ctx, 'mfa', i.SerialNumber, i.Tags),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagMFADevice.html */
    untagMFADevice: (ctx, i) => untag(ctx, 'mfa', i.SerialNumber, i.TagKeys),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListMFADeviceTags.html */
    listMFADeviceTags: (ctx, i) => list(ctx, 'mfa', i.SerialNumber, i),
  };
}
