import type { ActionSpec, ActionTable } from '../../authz/types.js';
import type { AssumeRoleRequest } from '../../generated/sts/shapes.js';
import type { IamDeps } from '../iam/deps.js';
import { roleForArn, trustPolicy, type MfaChecks } from './assume-role.js';

/** The condition keys an AssumeRole request carries into its trust policy and the caller's policies. */
function assumeRoleKeys(input: AssumeRoleRequest, mfa: boolean): Record<string, string | string[]> {
  const keys: Record<string, string | string[]> = { 'sts:RoleSessionName': input.RoleSessionName };
  if (input.ExternalId !== undefined) keys['sts:ExternalId'] = input.ExternalId;
  if (input.SourceIdentity !== undefined) keys['sts:SourceIdentity'] = input.SourceIdentity;
  if (input.Tags?.length) {
    for (const tag of input.Tags) keys[`aws:RequestTag/${tag.Key}`] = tag.Value;
    keys['aws:TagKeys'] = input.Tags.map((t) => t.Key);
  }
  if (input.TransitiveTagKeys?.length) keys['sts:TransitiveTagKeys'] = input.TransitiveTagKeys;
  // The MFA presented with AssumeRole itself (long-term keys otherwise carry no MFA key at all).
  if (mfa) {
    keys['aws:MultiFactorAuthPresent'] = 'true';
    keys['aws:MultiFactorAuthAge'] = '0';
  }
  return keys;
}

/**
 * STS operation -> IAM action.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
 *
 * AssumeRole is judged against the role's trust policy, which must allow explicitly (naming the
 * caller, or its account and then the caller's identity policies too), with sts:ExternalId,
 * sts:RoleSessionName, sts:SourceIdentity, request tags and the MFA presented as condition keys.
 * Passing session tags or a source identity also needs sts:TagSession / sts:SetSourceIdentity,
 * on the same terms.
 */
export function stsActions(deps: IamDeps, mfa: MfaChecks): ActionTable {
  const onRole = (action: string): ActionSpec<AssumeRoleRequest> => ({
    action,
    resources: (_ctx, input) => [input.RoleArn],
    // The MFA code is checked before the trust policy's conditions see it (once per request).
    conditions: async (ctx, input) => assumeRoleKeys(input, input.SerialNumber && input.TokenCode ? await mfa.check(ctx, input) : false),
    async resourcePolicy(_ctx, input) {
      const role = await roleForArn(deps, input.RoleArn);
      return role ? trustPolicy(role) : undefined;
    },
  });
  return {
    // "No permissions are required to perform this operation" (STS API reference).
    GetCallerIdentity: { action: 'sts:GetCallerIdentity', resources: () => ['*'], noPermissionRequired: true },
    GetSessionToken: { action: 'sts:GetSessionToken', resources: () => ['*'], noPermissionRequired: true },
    AssumeRole: {
      ...onRole('sts:AssumeRole'),
      also: async (_ctx, input: AssumeRoleRequest) => [
        ...(input.Tags?.length ? [onRole('sts:TagSession')] : []),
        ...(input.SourceIdentity !== undefined ? [onRole('sts:SetSourceIdentity')] : []),
      ],
    },
    GetAccessKeyInfo: { action: 'sts:GetAccessKeyInfo', resources: () => ['*'] },
    DecodeAuthorizationMessage: { action: 'sts:DecodeAuthorizationMessage', resources: () => ['*'] },
  };
}
