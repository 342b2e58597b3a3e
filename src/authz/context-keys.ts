import type { Principal, RequestContext } from '../server/context.js';
import { normalizeSourceIp } from './ip.js';
import type { PrincipalPolicies } from './principal-policies.js';
import { principalArn } from './principals.js';

/**
 * The global condition keys of a request, built from what the gateway and IAM know about it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 * Keys AWS leaves out of the request context in a situation are left out here too (a condition on
 * a missing key is false, a negated one true), so their absence is part of the contract.
 */
export type ContextKeys = Record<string, string | string[]>;

/** aws:PrincipalType: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltype */
const PRINCIPAL_TYPES: Record<string, string> = {
  Root: 'Account',
  IAMUser: 'User',
  AssumedRole: 'AssumedRole',
  FederatedUser: 'FederatedUser',
};

/**
 * Keys describing the caller: aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
 * aws:userid, aws:username (IAM users only), aws:PrincipalTag/*, aws:MultiFactorAuthPresent,
 * aws:TokenIssueTime, aws:SourceIdentity, aws:PrincipalIsAWSService.
 */
export function principalContextKeys(principal: Principal | null, policies?: PrincipalPolicies, keys: ContextKeys = {}): ContextKeys {
  if (!principal || principal.type === 'Anonymous') return keys;
  if (principal.type === 'AWSService') {
    keys['aws:PrincipalServiceName'] = principal.arn;
    keys['aws:PrincipalIsAWSService'] = 'true';
    return keys;
  }
  keys['aws:PrincipalArn'] = principalArn(principal);
  keys['aws:PrincipalAccount'] = principal.accountId;
  keys['aws:PrincipalType'] = PRINCIPAL_TYPES[principal.type] ?? principal.type;
  keys['aws:PrincipalIsAWSService'] = 'false';
  // aws:userid: the account id for root, the unique id of a user, `role-id:session` for a role session.
  keys['aws:userid'] = principal.principalId;
  if (principal.type === 'IAMUser' && principal.userName) keys['aws:username'] = principal.userName;
  if (principal.sourceIdentity) keys['aws:SourceIdentity'] = principal.sourceIdentity;
  if (policies) {
    for (const [k, v] of Object.entries(policies.tags)) keys[`aws:PrincipalTag/${k}`] = v;
    if (policies.mfaAuthenticated !== undefined) keys['aws:MultiFactorAuthPresent'] = String(policies.mfaAuthenticated);
    if (policies.tokenIssuedAt) keys['aws:TokenIssueTime'] = policies.tokenIssuedAt.toISOString();
  }
  return keys;
}

/**
 * Keys describing the request itself: aws:CurrentTime, aws:EpochTime, aws:SecureTransport,
 * aws:SourceIp, aws:RequestedRegion, aws:UserAgent, aws:ViaAWSService, aws:CalledVia*,
 * aws:SourceArn and aws:SourceAccount (a service principal's), and for KMS kms:CallerAccount and
 * kms:ViaService.
 */
export function requestContextKeys(ctx: RequestContext, keys: ContextKeys = {}): ContextKeys {
  keys['aws:CurrentTime'] = ctx.receivedAt.toISOString();
  keys['aws:EpochTime'] = String(Math.floor(ctx.receivedAt.getTime() / 1000));
  keys['aws:SecureTransport'] = String(ctx.secureTransport === true);
  keys['aws:RequestedRegion'] = ctx.region;
  if (ctx.sourceIp) keys['aws:SourceIp'] = normalizeSourceIp(ctx.sourceIp);
  if (ctx.userAgent) keys['aws:UserAgent'] = ctx.userAgent;
  const via = ctx.calledVia ?? [];
  keys['aws:ViaAWSService'] = String(via.length > 0);
  if (via.length > 0) {
    keys['aws:CalledVia'] = via;
    keys['aws:CalledViaFirst'] = via[0]!;
    keys['aws:CalledViaLast'] = via[via.length - 1]!;
  }
  if (ctx.source) {
    keys['aws:SourceArn'] = ctx.source.arn;
    keys['aws:SourceAccount'] = ctx.source.account;
  }
  if (ctx.service === 'kms') {
    if (ctx.principal && ctx.principal.type !== 'Anonymous') keys['kms:CallerAccount'] = ctx.principal.accountId;
    // kms:ViaService names the calling service with its region: `s3.us-east-1.amazonaws.com`.
    const last = via[via.length - 1];
    if (last) keys['kms:ViaService'] = last.replace(/\.amazonaws\.com$/, `.${ctx.region}.amazonaws.com`);
  }
  return keys;
}

/**
 * The complete request context for one authorization: request keys, caller keys, then the
 * operation's own keys (s3:prefix, kms:EncryptionContext:*, aws:RequestTag/*, aws:ResourceTag/*,
 * aws:TagKeys ... from its ActionSpec), which win on a clash.
 */
export function buildContextKeys(ctx: RequestContext, policies: PrincipalPolicies | undefined, operationKeys: ContextKeys | undefined): ContextKeys {
  const keys = principalContextKeys(ctx.principal, policies, requestContextKeys(ctx));
  if (operationKeys) for (const k in operationKeys) keys[k] = operationKeys[k]!;
  return keys;
}
