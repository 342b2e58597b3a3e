/**
 * Managed policy lookups shared by the policy, attachment and principal-policy code: customer
 * managed policies in the account's tables, AWS managed ones in code.
 */
import type { Selectable } from 'kysely';
import type { Policy } from '../../generated/iam/shapes.js';
import type { Db } from '../../store/database.js';
import type { IamDeps } from './deps.js';
import { iamErrors } from './errors.js';
import { awsManagedPolicy, awsPolicyShape, isAwsManagedArn, type AwsManagedPolicy } from './managed-policies.js';
import type { IamPoliciesTable } from './tables.js';

export type PolicyRow = Selectable<IamPoliciesTable>;

/** A policy an entity can attach: an AWS managed one, or a customer managed one of the account. */
export type AttachablePolicy = { kind: 'aws'; arn: string; name: string; policy: AwsManagedPolicy } | { kind: 'customer'; arn: string; name: string; row: PolicyRow };

/**
 * A customer managed policy of the account, by ARN. `missing` picks AWS's wording for the
 * operation: GetPolicy/DeletePolicy/Tag say "was not found", attach says "not attachable".
 */
export async function findCustomerPolicy(deps: IamDeps, accountId: string, arn: string, missing: 'notFound' | 'notAttachable'): Promise<PolicyRow> {
  const row = await deps.db.selectFrom('iam_policies').selectAll()
    .where('account_id', '=', accountId).where('arn', '=', arn).executeTakeFirst();
  if (!row) throw missing === 'notFound' ? iamErrors.policyNotFound(arn) : iamErrors.notAttachable(arn);
  return row;
}

/** The policy an Attach*Policy / boundary / session PolicyArns names, or NoSuchEntity. */
export async function findAttachable(deps: IamDeps, accountId: string, arn: string): Promise<AttachablePolicy> {
  if (isAwsManagedArn(arn)) {
    const policy = awsManagedPolicy(arn);
    if (!policy) throw iamErrors.notAttachable(arn);
    return { kind: 'aws', arn, name: policy.name, policy };
  }
  const row = await findCustomerPolicy(deps, accountId, arn, 'notAttachable');
  return { kind: 'customer', arn, name: row.policy_name, row };
}

/** How many of the account's entities attach `arn`, and how many use it as a boundary. */
export async function usageCounts(db: Db, accountId: string, arn: string): Promise<{ attachments: number; boundaries: number }> {
  const a = await db.selectFrom('iam_attachments').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId).where('policy_arn', '=', arn).executeTakeFirstOrThrow();
  const u = await db.selectFrom('iam_users').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId).where('permissions_boundary_arn', '=', arn).executeTakeFirstOrThrow();
  const r = await db.selectFrom('iam_roles').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId).where('permissions_boundary_arn', '=', arn).executeTakeFirstOrThrow();
  return { attachments: Number(a.n), boundaries: Number(u.n) + Number(r.n) };
}

/** The `Policy` structure of a customer managed policy. */
export function customerPolicyShape(row: PolicyRow, attachments: number, boundaries: number): Policy {
  return {
    PolicyName: row.policy_name,
    PolicyId: row.policy_id,
    Arn: row.arn,
    Path: row.path,
    DefaultVersionId: row.default_version_id,
    AttachmentCount: attachments,
    PermissionsBoundaryUsageCount: boundaries,
    IsAttachable: true,
    Description: row.description ?? undefined,
    CreateDate: new Date(row.created_at),
    UpdateDate: new Date(row.updated_at),
  };
}

/** The `Policy` structure of any attachable policy, with its usage in the account. */
export async function policyShape(db: Db, accountId: string, p: AttachablePolicy): Promise<Policy> {
  const { attachments, boundaries } = await usageCounts(db, accountId, p.arn);
  return p.kind === 'aws' ? awsPolicyShape(p.policy, attachments, boundaries) : customerPolicyShape(p.row, attachments, boundaries);
}

/**
 * The default-version documents of managed policies, by ARN, in one query for the customer
 * ones. Unknown ARNs are left out: a policy deleted after it was named has no effect.
 */
export async function defaultDocuments(db: Db, arns: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const customer: string[] = [];
  for (const arn of arns) {
    const aws = isAwsManagedArn(arn) ? awsManagedPolicy(arn) : undefined;
    if (aws) out.set(arn, aws.document);
    else if (!isAwsManagedArn(arn)) customer.push(arn);
  }
  if (customer.length) {
    const rows = await db.selectFrom('iam_policies as p')
      .innerJoin('iam_policy_versions as v', (j) => j.onRef('v.policy_id', '=', 'p.policy_id').onRef('v.version_id', '=', 'p.default_version_id'))
      .select(['p.arn', 'v.document']).where('p.arn', 'in', customer).execute();
    for (const r of rows) out.set(r.arn, r.document);
  }
  return out;
}
