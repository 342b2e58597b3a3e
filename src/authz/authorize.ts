import type { RequestContext } from '../server/context.js';
import type { ActionSpec, Authorizer } from './types.js';

export type Decision = 'allow' | 'deny';

/** The authorizer until IAM policies are enforced: see {@link authorize}. */
export const rootOnlyAuthorizer: Authorizer = {
  async authorize(ctx, spec, input) {
    return authorize(ctx, spec, await spec.resources(ctx, input));
  },
};

/**
 * The authorization decision for one request. Until IAM users, policies and grants exist the only
 * principals are account roots, which AWS lets do everything in their own account; anonymous
 * callers are refused unless the operation needs no permission and is authenticated.
 */
export function authorize(ctx: RequestContext, spec: ActionSpec, resources: string[]): Decision {
  const principal = ctx.principal;
  if (!principal) return 'deny';
  if (spec.noPermissionRequired) return 'allow';
  const inOwnAccount = resources.every((arn) => arn === '*' || arnAccount(arn) === '' || arnAccount(arn) === principal.accountId);
  return principal.type === 'Root' && inOwnAccount ? 'allow' : 'deny';
}

/** The account field of an ARN (`arn:partition:service:region:account:resource`); '' for S3 buckets. */
function arnAccount(arn: string): string {
  return arn.split(':')[4] ?? '';
}
