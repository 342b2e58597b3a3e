/**
 * Managed policy attachments: Attach/Detach/ListAttached{User,Group,Role}Policies. Up to ten
 * managed policies per entity (AWS's default quota).
 */
import type { IamApi } from '../../../generated/iam/api.js';
import type { RequestContext } from '../../../server/context.js';
import { accountOf, paginate, type PageInput } from '../common.js';
import type { IamDeps } from '../deps.js';
import { findGroup, findRole, findUser } from '../entities.js';
import { iamErrors } from '../errors.js';
import { awsManagedPolicy, isAwsManagedArn } from '../managed-policies.js';
import { findAttachable } from '../policy-store.js';
import type { EntityType } from '../tables.js';

type AttachmentOps = Pick<IamApi,
  'attachUserPolicy' | 'detachUserPolicy' | 'listAttachedUserPolicies' |
  'attachGroupPolicy' | 'detachGroupPolicy' | 'listAttachedGroupPolicies' |
  'attachRolePolicy' | 'detachRolePolicy' | 'listAttachedRolePolicies'>;

const MAX_ATTACHED = 10;
const QUOTA: Record<EntityType, string> = { user: 'PoliciesPerUser', group: 'PoliciesPerGroup', role: 'PoliciesPerRole' };

export function attachmentOps(deps: IamDeps): AttachmentOps {
  const { db } = deps;
  const entity = async (ctx: RequestContext, type: EntityType, name: string): Promise<string> => {
    const accountId = accountOf(ctx);
    if (type === 'user') return (await findUser(deps, accountId, name)).user_id;
    if (type === 'group') return (await findGroup(deps, accountId, name)).group_id;
    return (await findRole(deps, accountId, name)).role_id;
  };

  async function attach(ctx: RequestContext, type: EntityType, name: string, arn: string): Promise<void> {
    const accountId = accountOf(ctx);
    const id = await entity(ctx, type, name);
    await findAttachable(deps, accountId, arn);
    await db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('iam_attachments').select('policy_arn')
        .where('entity_type', '=', type).where('entity_id', '=', id).execute();
      if (existing.some((e) => e.policy_arn === arn)) return;
      if (existing.length >= MAX_ATTACHED) throw iamErrors.quota(QUOTA[type], MAX_ATTACHED);
      await tx.insertInto('iam_attachments')
        .values({ account_id: accountId, entity_type: type, entity_id: id, policy_arn: arn, attached_at: deps.clock.now().toISOString() }).execute();
    });
    deps.changes.bump(accountId);
  }

  async function detach(ctx: RequestContext, type: EntityType, name: string, arn: string): Promise<void> {
    const id = await entity(ctx, type, name);
    const result = await db.deleteFrom('iam_attachments')
      .where('entity_type', '=', type).where('entity_id', '=', id).where('policy_arn', '=', arn).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw iamErrors.policyNotFound(arn);
    deps.changes.bump(accountOf(ctx));
  }

  async function list(ctx: RequestContext, type: EntityType, name: string, input: PageInput & { PathPrefix?: string }) {
    const id = await entity(ctx, type, name);
    const rows = await db.selectFrom('iam_attachments as a').leftJoin('iam_policies as p', 'p.arn', 'a.policy_arn')
      .select(['a.policy_arn', 'p.policy_name', 'p.path', 'a.attached_at'])
      .where('a.entity_type', '=', type).where('a.entity_id', '=', id).orderBy('a.attached_at').orderBy('a.policy_arn').execute();
    const attached = rows.map((r) => {
      const aws = isAwsManagedArn(r.policy_arn) ? awsManagedPolicy(r.policy_arn) : undefined;
      return { PolicyArn: r.policy_arn, PolicyName: aws?.name ?? r.policy_name ?? r.policy_arn.split('/').pop()!, path: aws ? '/' : r.path ?? '/' };
    }).filter((p) => input.PathPrefix === undefined || p.path.startsWith(input.PathPrefix));
    const page = paginate(attached, input);
    return {
      AttachedPolicies: page.items.map(({ PolicyArn, PolicyName }) => ({ PolicyName, PolicyArn })),
      IsTruncated: page.IsTruncated,
      Marker: page.Marker,
    };
  }

  return {
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html */
    attachUserPolicy: (ctx, i) => attach(ctx, 'user', i.UserName, i.PolicyArn),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachUserPolicy.html */
    detachUserPolicy: (ctx, i) => detach(ctx, 'user', i.UserName, i.PolicyArn),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedUserPolicies.html */
    listAttachedUserPolicies: (ctx, i) => list(ctx, 'user', i.UserName, i),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachGroupPolicy.html */
    attachGroupPolicy: (ctx, i) => attach(ctx, 'group', i.GroupName, i.PolicyArn),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachGroupPolicy.html */
    detachGroupPolicy: (ctx, i) => detach(ctx, 'group', i.GroupName, i.PolicyArn),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedGroupPolicies.html */
    listAttachedGroupPolicies: (ctx, i) => list(ctx, 'group', i.GroupName, i),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html */
    attachRolePolicy: (ctx, i) => attach(ctx, 'role', i.RoleName, i.PolicyArn),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachRolePolicy.html */
    detachRolePolicy: (ctx, i) => detach(ctx, 'role', i.RoleName, i.PolicyArn),
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedRolePolicies.html */
    listAttachedRolePolicies: (ctx, i) => list(ctx, 'role', i.RoleName, i),
  };
}
