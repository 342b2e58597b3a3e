/**
 * Managed policies and their versions: Create/Get/List/DeletePolicy, Create/Get/List/Delete
 * PolicyVersion, SetDefaultPolicyVersion, ListEntitiesForPolicy. AWS managed policies answer
 * the read operations from code; version ids are never reused (v1, v2, ... v6 after a deletion).
 */
import { AwsError } from '../../../errors.js';
import type { IamApi } from '../../../generated/iam/api.js';
import type { Policy, PolicyVersion } from '../../../generated/iam/shapes.js';
import { accountOf, byName, encodeDocument, iamArn, nameKey, paginate, underPath } from '../common.js';
import type { IamDeps } from '../deps.js';
import { checkPolicySize, validatePolicyDocument } from '../documents.js';
import { iamErrors } from '../errors.js';
import { newUniqueId } from '../ids.js';
import { awsManagedPolicies, awsManagedPolicy, awsPolicyShape, isAwsManagedArn } from '../managed-policies.js';
import { customerPolicyShape, findAttachable, findCustomerPolicy, policyShape, usageCounts, type PolicyRow } from '../policy-store.js';
import { deleteTags, readTags, writeTags } from '../tag-store.js';

type PolicyOps = Pick<IamApi, 'createPolicy' | 'getPolicy' | 'listPolicies' | 'deletePolicy' | 'createPolicyVersion' |
  'getPolicyVersion' | 'listPolicyVersions' | 'deletePolicyVersion' | 'setDefaultPolicyVersion' | 'listEntitiesForPolicy'>;

/** AWS keeps at most five versions of a managed policy. */
const MAX_VERSIONS = 5;

function checkDocument(document: string): void {
  validatePolicyDocument(document, 'identity');
  checkPolicySize(document, 'managed');
}

export function policyOps(deps: IamDeps): PolicyOps {
  const { db } = deps;
  const bump = (accountId: string) => deps.changes.bump(accountId);

  /** A version of any policy the account can read (AWS managed: only the default version). */
  async function version(accountId: string, arn: string, versionId: string): Promise<PolicyVersion> {
    if (isAwsManagedArn(arn)) {
      const p = awsManagedPolicy(arn);
      if (!p || p.versionId !== versionId) throw iamErrors.noSuchVersion(arn, versionId);
      return { Document: encodeDocument(p.document), VersionId: p.versionId, IsDefaultVersion: true, CreateDate: p.updateDate };
    }
    const row = await db.selectFrom('iam_policies as p').innerJoin('iam_policy_versions as v', 'v.policy_id', 'p.policy_id')
      .select(['v.document', 'v.version_id', 'v.created_at', 'p.default_version_id'])
      .where('p.account_id', '=', accountId).where('p.arn', '=', arn).where('v.version_id', '=', versionId).executeTakeFirst();
    if (!row) throw iamErrors.noSuchVersion(arn, versionId);
    return { Document: encodeDocument(row.document), VersionId: row.version_id, IsDefaultVersion: row.version_id === row.default_version_id, CreateDate: new Date(row.created_at) };
  }

  /** The customer policy a version operation names; AWS words a missing one as a missing v1. */
  async function versionedPolicy(accountId: string, arn: string, versionId = 'v1'): Promise<PolicyRow> {
    const row = await db.selectFrom('iam_policies').selectAll().where('account_id', '=', accountId).where('arn', '=', arn).executeTakeFirst();
    if (!row) throw iamErrors.noSuchVersion(arn, versionId);
    return row;
  }

  return {
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html */
    async createPolicy(ctx, input) {
      const accountId = accountOf(ctx);
      checkDocument(input.PolicyDocument);
      const path = input.Path ?? '/';
      const now = deps.clock.now().toISOString();
      const row: PolicyRow = {
        policy_id: newUniqueId('ANPA'),
        account_id: accountId,
        policy_name: input.PolicyName,
        name_key: nameKey(input.PolicyName),
        path,
        arn: iamArn(accountId, 'policy', path, input.PolicyName),
        description: input.Description ?? null,
        default_version_id: 'v1',
        next_version: 2,
        created_at: now,
        updated_at: now,
      };
      await db.transaction().execute(async (tx) => {
        const clash = await tx.selectFrom('iam_policies').select('policy_id')
          .where('account_id', '=', accountId).where('name_key', '=', row.name_key).executeTakeFirst();
        if (clash) throw iamErrors.policyAlreadyExists(input.PolicyName);
        await tx.insertInto('iam_policies').values(row).execute();
        await tx.insertInto('iam_policy_versions').values({ policy_id: row.policy_id, version_id: 'v1', document: input.PolicyDocument, created_at: now }).execute();
        await writeTags(tx, accountId, 'policy', row.policy_id, input.Tags);
      });
      // CreatePolicy answers without the description (GetPolicy has it).
      const policy: Policy = { ...customerPolicyShape(row, 0, 0), Description: undefined, Tags: input.Tags?.length ? input.Tags : undefined };
      return { Policy: policy };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicy.html */
    async getPolicy(ctx, input) {
      const accountId = accountOf(ctx);
      if (isAwsManagedArn(input.PolicyArn)) return { Policy: await policyShape(db, accountId, await findAttachable(deps, accountId, input.PolicyArn)) };
      const row = await findCustomerPolicy(deps, accountId, input.PolicyArn, 'notFound');
      const shape = await policyShape(db, accountId, { kind: 'customer', arn: row.arn, name: row.policy_name, row });
      return { Policy: { ...shape, Tags: await readTags(db, 'policy', row.policy_id) } };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicies.html */
    async listPolicies(ctx, input) {
      const accountId = accountOf(ctx);
      const scope = input.Scope ?? 'All';
      const attachments = await db.selectFrom('iam_attachments').select('policy_arn').where('account_id', '=', accountId).execute();
      const boundaryRows = [
        ...await db.selectFrom('iam_users').select('permissions_boundary_arn as arn').where('account_id', '=', accountId).execute(),
        ...await db.selectFrom('iam_roles').select('permissions_boundary_arn as arn').where('account_id', '=', accountId).execute(),
      ];
      const count = (list: Array<string | null>, arn: string) => list.filter((a) => a === arn).length;
      const attached = attachments.map((a) => a.policy_arn);
      const boundaries = boundaryRows.map((b) => b.arn);
      let policies: Policy[] = [];
      if (scope !== 'Local') policies.push(...awsManagedPolicies().map((p) => awsPolicyShape(p, count(attached, p.arn), count(boundaries, p.arn))));
      if (scope !== 'AWS') {
        const rows = await db.selectFrom('iam_policies').selectAll().where('account_id', '=', accountId).execute();
        policies.push(...rows.map((r) => customerPolicyShape(r, count(attached, r.arn), count(boundaries, r.arn))));
      }
      policies = policies.filter((p) => underPath(p.Path!, input.PathPrefix));
      if (input.OnlyAttached) policies = policies.filter((p) => p.AttachmentCount! > 0 || p.PermissionsBoundaryUsageCount! > 0);
      if (input.PolicyUsageFilter === 'PermissionsPolicy' && input.OnlyAttached) policies = policies.filter((p) => p.AttachmentCount! > 0);
      if (input.PolicyUsageFilter === 'PermissionsBoundary' && input.OnlyAttached) policies = policies.filter((p) => p.PermissionsBoundaryUsageCount! > 0);
      const page = paginate(policies.sort(byName((p) => p.PolicyName!)), input);
      // ListPolicies leaves out descriptions and tags.
      return { Policies: page.items.map((p) => ({ ...p, Description: undefined })), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html */
    async deletePolicy(ctx, input) {
      const accountId = accountOf(ctx);
      const row = await findCustomerPolicy(deps, accountId, input.PolicyArn, 'notFound');
      const usage = await usageCounts(db, accountId, row.arn);
      if (usage.attachments > 0 || usage.boundaries > 0) throw iamErrors.deleteConflict('attachments');
      const versions = await db.selectFrom('iam_policy_versions').select('version_id').where('policy_id', '=', row.policy_id).execute();
      if (versions.length > 1) {
        throw new AwsError('DeleteConflict', "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
      }
      await db.transaction().execute(async (tx) => {
        await deleteTags(tx, 'policy', row.policy_id);
        await tx.deleteFrom('iam_policy_versions').where('policy_id', '=', row.policy_id).execute();
        await tx.deleteFrom('iam_policies').where('policy_id', '=', row.policy_id).execute();
      });
      bump(accountId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html */
    async createPolicyVersion(ctx, input) {
      const accountId = accountOf(ctx);
      const row = await versionedPolicy(accountId, input.PolicyArn);
      checkDocument(input.PolicyDocument);
      const now = deps.clock.now().toISOString();
      const versionId = `v${row.next_version}`;
      await db.transaction().execute(async (tx) => {
        const { n } = await tx.selectFrom('iam_policy_versions').select((eb) => eb.fn.countAll<number>().as('n'))
          .where('policy_id', '=', row.policy_id).executeTakeFirstOrThrow();
        if (Number(n) >= MAX_VERSIONS) {
          throw new AwsError('LimitExceeded', `A managed policy can have up to ${MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version.`);
        }
        await tx.insertInto('iam_policy_versions').values({ policy_id: row.policy_id, version_id: versionId, document: input.PolicyDocument, created_at: now }).execute();
        await tx.updateTable('iam_policies').set({
          next_version: row.next_version + 1,
          updated_at: now,
          default_version_id: input.SetAsDefault ? versionId : row.default_version_id,
        }).where('policy_id', '=', row.policy_id).execute();
      });
      bump(accountId);
      return { PolicyVersion: { VersionId: versionId, IsDefaultVersion: input.SetAsDefault ?? false, CreateDate: new Date(now) } };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicyVersion.html */
    async getPolicyVersion(ctx, input) {
      return { PolicyVersion: await version(accountOf(ctx), input.PolicyArn, input.VersionId) };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicyVersions.html */
    async listPolicyVersions(ctx, input) {
      const accountId = accountOf(ctx);
      if (isAwsManagedArn(input.PolicyArn)) {
        const p = awsManagedPolicy(input.PolicyArn);
        if (!p) throw iamErrors.policyNotFound(input.PolicyArn);
        return { Versions: [{ VersionId: p.versionId, IsDefaultVersion: true, CreateDate: p.updateDate }], IsTruncated: false };
      }
      const row = await findCustomerPolicy(deps, accountId, input.PolicyArn, 'notFound');
      const versions = await db.selectFrom('iam_policy_versions').select(['version_id', 'created_at']).where('policy_id', '=', row.policy_id).execute();
      // Newest first, as AWS lists them.
      versions.sort((a, b) => Number(b.version_id.slice(1)) - Number(a.version_id.slice(1)));
      const page = paginate(versions, input);
      return {
        Versions: page.items.map((v) => ({ VersionId: v.version_id, IsDefaultVersion: v.version_id === row.default_version_id, CreateDate: new Date(v.created_at) })),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicyVersion.html */
    async deletePolicyVersion(ctx, input) {
      const accountId = accountOf(ctx);
      const row = await versionedPolicy(accountId, input.PolicyArn, input.VersionId);
      if (row.default_version_id === input.VersionId) throw new AwsError('DeleteConflict', 'Cannot delete the default version of a policy.');
      const result = await db.deleteFrom('iam_policy_versions').where('policy_id', '=', row.policy_id).where('version_id', '=', input.VersionId).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw iamErrors.noSuchVersion(input.PolicyArn, input.VersionId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_SetDefaultPolicyVersion.html */
    async setDefaultPolicyVersion(ctx, input) {
      const accountId = accountOf(ctx);
      const row = await versionedPolicy(accountId, input.PolicyArn, input.VersionId);
      const exists = await db.selectFrom('iam_policy_versions').select('version_id')
        .where('policy_id', '=', row.policy_id).where('version_id', '=', input.VersionId).executeTakeFirst();
      if (!exists) throw iamErrors.noSuchVersion(input.PolicyArn, input.VersionId);
      await db.updateTable('iam_policies').set({ default_version_id: input.VersionId, updated_at: deps.clock.now().toISOString() })
        .where('policy_id', '=', row.policy_id).execute();
      bump(accountId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html */
    async listEntitiesForPolicy(ctx, input) {
      const accountId = accountOf(ctx);
      await findAttachable(deps, accountId, input.PolicyArn);
      const filter = input.EntityFilter;
      const usage = input.PolicyUsageFilter;
      const want = (type: 'User' | 'Group' | 'Role') => filter === undefined || filter === type;
      const attachedIds = new Set((usage === 'PermissionsBoundary' ? [] : await db.selectFrom('iam_attachments').select('entity_id')
        .where('account_id', '=', accountId).where('policy_arn', '=', input.PolicyArn).execute()).map((a) => a.entity_id));
      const boundary = usage !== 'PermissionsPolicy';
      const users = want('User') ? (await db.selectFrom('iam_users').selectAll().where('account_id', '=', accountId).execute())
        .filter((u) => attachedIds.has(u.user_id) || (boundary && u.permissions_boundary_arn === input.PolicyArn)) : [];
      const roles = want('Role') ? (await db.selectFrom('iam_roles').selectAll().where('account_id', '=', accountId).execute())
        .filter((r) => attachedIds.has(r.role_id) || (boundary && r.permissions_boundary_arn === input.PolicyArn)) : [];
      const groups = want('Group') ? (await db.selectFrom('iam_groups').selectAll().where('account_id', '=', accountId).execute())
        .filter((g) => attachedIds.has(g.group_id)) : [];
      type Entry = { kind: 'user' | 'group' | 'role'; name: string; id: string; path: string };
      const all: Entry[] = [
        ...groups.map((g) => ({ kind: 'group' as const, name: g.group_name, id: g.group_id, path: g.path })),
        ...users.map((u) => ({ kind: 'user' as const, name: u.user_name, id: u.user_id, path: u.path })),
        ...roles.map((r) => ({ kind: 'role' as const, name: r.role_name, id: r.role_id, path: r.path })),
      ].filter((e) => underPath(e.path, input.PathPrefix));
      const page = paginate(all, input);
      return {
        PolicyGroups: page.items.filter((e) => e.kind === 'group').map((e) => ({ GroupName: e.name, GroupId: e.id })),
        PolicyUsers: page.items.filter((e) => e.kind === 'user').map((e) => ({ UserName: e.name, UserId: e.id })),
        PolicyRoles: page.items.filter((e) => e.kind === 'role').map((e) => ({ RoleName: e.name, RoleId: e.id })),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },
  };
}
