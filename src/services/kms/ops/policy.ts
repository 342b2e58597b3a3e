/** GetKeyPolicy, PutKeyPolicy, ListKeyPolicies. A key has one policy, named "default". */
import { AwsError } from '../../../errors.js';
import type * as S from '../../../generated/kms/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { resolveKey, type KmsDeps } from '../key-lookup.js';
import { checkLockout, validateKeyPolicy } from '../key-policy.js';

function checkPolicyName(name: string | undefined): void {
  if (name !== undefined && name !== 'default') throw new AwsError('NotFoundException', 'No such policy exists');
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyPolicy.html */
export async function getKeyPolicy(deps: KmsDeps, ctx: RequestContext, input: S.GetKeyPolicyRequest): Promise<S.GetKeyPolicyResponse> {
  checkPolicyName(input.PolicyName);
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  return { Policy: key.policy, PolicyName: 'default' };
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
 * Validated, and refused if it would lock the caller out of PutKeyPolicy, unless
 * BypassPolicyLockoutSafetyCheck.
 */
export async function putKeyPolicy(deps: KmsDeps, ctx: RequestContext, input: S.PutKeyPolicyRequest): Promise<void> {
  checkPolicyName(input.PolicyName);
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  const statements = validateKeyPolicy(input.Policy);
  if (!input.BypassPolicyLockoutSafetyCheck) checkLockout(statements, ctx.principal!);
  await deps.store.updateKey(key.arn, { policy: input.Policy });
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeyPolicies.html */
export async function listKeyPolicies(deps: KmsDeps, ctx: RequestContext, input: S.ListKeyPoliciesRequest): Promise<S.ListKeyPoliciesResponse> {
  await resolveKey(deps, ctx, input.KeyId, false);
  return { PolicyNames: ['default'], Truncated: false };
}
