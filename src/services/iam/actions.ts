/**
 * IAM operation -> IAM action (`iam:<Operation>`), the resource ARNs it acts on and its condition
 * keys (iam:PolicyARN, iam:PermissionsBoundary, aws:RequestTag/*, aws:TagKeys).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
 *
 * Requests name users, groups and roles by name only; their ARNs here carry the path the request
 * gives (CreateUser ... Path) or none. Policies written for `user/*`, `role/*` or exact names of
 * path-less entities match as in AWS; a policy naming an entity's full path does not match a
 * request that only names it.
 */
import type { ActionSpec, ActionTable } from '../../authz/types.js';
import type { RequestContext } from '../../server/context.js';
import { iamArn } from './common.js';

type Input = Record<string, any>;
type Keys = Record<string, string | string[]>;

/** The user a request names, or the caller itself when it names none (GetUser, CreateAccessKey ...). */
function userArn(ctx: RequestContext, input: Input): string {
  if (input.UserName !== undefined) return iamArn(ctx.accountId, 'user', input.Path ?? '/', input.UserName);
  return ctx.principal?.arn ?? '*';
}

const resources = {
  user: (ctx: RequestContext, i: Input) => [userArn(ctx, i)],
  group: (ctx: RequestContext, i: Input) => [iamArn(ctx.accountId, 'group', i.Path ?? '/', i.GroupName)],
  role: (ctx: RequestContext, i: Input) => [iamArn(ctx.accountId, 'role', i.Path ?? '/', i.RoleName)],
  policy: (ctx: RequestContext, i: Input) => [i.PolicyArn ?? iamArn(ctx.accountId, 'policy', i.Path ?? '/', i.PolicyName)],
  mfa: (ctx: RequestContext, i: Input) => [i.SerialNumber ?? iamArn(ctx.accountId, 'mfa', i.Path ?? '/', i.VirtualMFADeviceName)],
  any: () => ['*'],
};

type ResourceKind = keyof typeof resources;

/** aws:RequestTag/* and aws:TagKeys of a request that sets tags (or aws:TagKeys of one that removes them). */
function tagKeys(i: Input): Keys {
  const keys: Keys = {};
  if (Array.isArray(i.Tags) && i.Tags.length) {
    for (const t of i.Tags as Array<{ Key: string; Value: string }>) keys[`aws:RequestTag/${t.Key}`] = t.Value;
    keys['aws:TagKeys'] = (i.Tags as Array<{ Key: string }>).map((t) => t.Key);
  }
  if (Array.isArray(i.TagKeys)) keys['aws:TagKeys'] = i.TagKeys as string[];
  return keys;
}

function conditions(_ctx: RequestContext, i: Input): Keys {
  const keys = tagKeys(i);
  if (typeof i.PolicyArn === 'string') keys['iam:PolicyARN'] = i.PolicyArn;
  if (typeof i.PermissionsBoundary === 'string') keys['iam:PermissionsBoundary'] = i.PermissionsBoundary;
  return keys;
}

/** Each implemented operation and the kind of resource it acts on. */
const OPERATIONS: Record<string, ResourceKind> = {
  CreateUser: 'user', GetUser: 'user', UpdateUser: 'user', DeleteUser: 'user', ListUsers: 'any',
  PutUserPermissionsBoundary: 'user', DeleteUserPermissionsBoundary: 'user',
  CreateGroup: 'group', GetGroup: 'group', UpdateGroup: 'group', DeleteGroup: 'group', ListGroups: 'any',
  AddUserToGroup: 'group', RemoveUserFromGroup: 'group', ListGroupsForUser: 'user',
  CreateRole: 'role', GetRole: 'role', UpdateRole: 'role', UpdateRoleDescription: 'role', UpdateAssumeRolePolicy: 'role',
  DeleteRole: 'role', ListRoles: 'any', PutRolePermissionsBoundary: 'role', DeleteRolePermissionsBoundary: 'role',
  CreatePolicy: 'policy', GetPolicy: 'policy', DeletePolicy: 'policy', ListPolicies: 'any',
  CreatePolicyVersion: 'policy', GetPolicyVersion: 'policy', ListPolicyVersions: 'policy', DeletePolicyVersion: 'policy',
  SetDefaultPolicyVersion: 'policy', ListEntitiesForPolicy: 'policy',
  AttachUserPolicy: 'user', DetachUserPolicy: 'user', ListAttachedUserPolicies: 'user',
  AttachGroupPolicy: 'group', DetachGroupPolicy: 'group', ListAttachedGroupPolicies: 'group',
  AttachRolePolicy: 'role', DetachRolePolicy: 'role', ListAttachedRolePolicies: 'role',
  PutUserPolicy: 'user', GetUserPolicy: 'user', DeleteUserPolicy: 'user', ListUserPolicies: 'user',
  PutGroupPolicy: 'group', GetGroupPolicy: 'group', DeleteGroupPolicy: 'group', ListGroupPolicies: 'group',
  PutRolePolicy: 'role', GetRolePolicy: 'role', DeleteRolePolicy: 'role', ListRolePolicies: 'role',
  CreateAccessKey: 'user', ListAccessKeys: 'user', UpdateAccessKey: 'user', DeleteAccessKey: 'user', GetAccessKeyLastUsed: 'any',
  CreateLoginProfile: 'user', GetLoginProfile: 'user', UpdateLoginProfile: 'user', DeleteLoginProfile: 'user',
  UpdateAccountPasswordPolicy: 'any', GetAccountPasswordPolicy: 'any', DeleteAccountPasswordPolicy: 'any',
  CreateVirtualMFADevice: 'mfa', DeleteVirtualMFADevice: 'mfa', ListVirtualMFADevices: 'any',
  EnableMFADevice: 'user', DeactivateMFADevice: 'user', ListMFADevices: 'user',
  TagUser: 'user', UntagUser: 'user', ListUserTags: 'user', TagRole: 'role', UntagRole: 'role', ListRoleTags: 'role',
  TagPolicy: 'policy', UntagPolicy: 'policy', ListPolicyTags: 'policy',
  TagMFADevice: 'mfa', UntagMFADevice: 'mfa', ListMFADeviceTags: 'mfa',
  GetAccountSummary: 'any', CreateAccountAlias: 'any', DeleteAccountAlias: 'any', ListAccountAliases: 'any',
  GenerateCredentialReport: 'any', GetCredentialReport: 'any',
  SimulatePrincipalPolicy: 'any', SimulateCustomPolicy: 'any',
};

/** The IAM action table: every operation the IAM provider implements. */
export const iamActions: ActionTable = Object.fromEntries(Object.entries(OPERATIONS).map(([op, kind]): [string, ActionSpec] => [
  op,
  {
    action: `iam:${op}`,
    // SimulatePrincipalPolicy acts on the principal it simulates.
    resources: op === 'SimulatePrincipalPolicy' ? (_ctx, i: Input) => [i.PolicySourceArn] : resources[kind],
    conditions,
  },
]));
