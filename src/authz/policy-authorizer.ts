import type { RequestContext } from '../server/context.js';
import { buildContextKeys, type ContextKeys } from './context-keys.js';
import { evaluate, type EvaluationRequest } from './evaluate.js';
import type { PrincipalPolicies, PrincipalPolicySource } from './principal-policies.js';
import type { AclGrantee, ActionSpec, Authorizer } from './types.js';

/** The account root, AWS services and anonymous callers have no identity policies, boundary, session or tags. */
const NO_POLICIES: PrincipalPolicies = { identity: [], tags: {} };
const HAS_POLICIES = new Set(['IAMUser', 'AssumedRole', 'FederatedUser']);

/**
 * The authorizer the gateway calls on every request: gathers the caller's policies (from IAM), the
 * resource policy and grants (from the operation's ActionSpec) and the request context, and
 * evaluates every resource the operation touches (with the action the request needs, and the
 * resource's ACL where the service has one). All of them must be allowed.
 */
export class PolicyAuthorizer implements Authorizer {
  constructor(private readonly source: PrincipalPolicySource) {}

  async authorize(ctx: RequestContext, spec: ActionSpec, input: unknown): Promise<'allow' | 'deny'> {
    const principal = ctx.principal && ctx.principal.type !== 'Anonymous' ? ctx.principal : null;
    // "No permissions are required" still requires a signed request.
    if (spec.noPermissionRequired) return principal ? 'allow' : 'deny';
    const resources = await spec.resources(ctx, input);
    // The three look-ups run concurrently.
    const [policies, resourcePolicy, grants] = await Promise.all([
      principal && HAS_POLICIES.has(principal.type) ? this.source.policiesFor(principal) : NO_POLICIES,
      spec.resourcePolicy?.(ctx, input),
      spec.grants?.(ctx, input),
    ]);
    const operationKeys = await spec.conditions?.(ctx, input);
    // Built on first use: most statements carry no condition and most calls meet none (the root,
    // a key policy's "Enable IAM policies" statement), and the keys cost more than the evaluation.
    let context: ContextKeys | undefined;
    const contextOf = () => (context ??= buildContextKeys(ctx, principal ? policies : undefined, operationKeys));
    const action = spec.actionFor?.(ctx, input) ?? spec.action;
    // ACLs are looked up only when the policies alone leave a resource implicitly denied: the
    // common case (an allowed caller) pays nothing for them.
    let acl: AclGrantee[] | undefined;
    // An operation that names no resource is evaluated against "*", never waved through.
    for (const resource of resources.length > 0 ? resources : ['*']) {
      const request: EvaluationRequest = {
        principal,
        action,
        resource,
        get context() {
          return contextOf();
        },
        identity: policies.identity,
        boundary: policies.boundary,
        session: policies.session,
        resourcePolicy,
        grants,
      };
      let { decision, reason } = evaluate(request);
      if (decision === 'implicitDeny' && spec.acl) {
        acl ??= await spec.acl(ctx, input, action);
        if (acl.length > 0) ({ decision, reason } = evaluate({ ...request, acl }));
      }
      if (decision !== 'allowed') {
        // The refusal names the action, resource and policy type that decided it, as AWS's does.
        ctx.denial = { action, resource, reason: reason! };
        return 'deny';
      }
    }
    for (const extra of (await spec.also?.(ctx, input)) ?? []) if ((await this.authorize(ctx, extra, input)) === 'deny') return 'deny';
    return 'allow';
  }
}
