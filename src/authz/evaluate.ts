import type { Principal } from '../server/context.js';
import { arnAccount, arnMatch, compileArnPattern, splitArn, wildcardMatch } from './arn.js';
import { compilePolicy, type CompiledPolicy, type CompiledStatement } from './policy.js';
import { matchPrincipal, notPrincipalApplies, type PrincipalMatch } from './principals.js';
import type { AclGrantee, GrantView, ResourcePolicy } from './types.js';
import { resolveTemplate, type Lookup } from './variables.js';
import { grantMatch } from './grants.js';

/**
 * The policy evaluation logic, as a pure function: the same answers for enforcement (the
 * PolicyAuthorizer) and for IAM's SimulatePrincipalPolicy / SimulateCustomPolicy.
 *
 * - Within one account: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow
 *   An explicit Deny in any policy wins; otherwise an Allow in an identity policy (within the
 *   permissions boundary and session policies) or in the resource policy allows, where the
 *   principal the resource policy names decides which implicit denies still apply.
 * - Across accounts both sides must allow: the caller's own policies and the resource policy.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 * - KMS key policies (and role trust policies) must allow explicitly: identity policies count only
 *   where the key policy lets the caller's account use them.
 *   https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
 * - The account root is not limited by identity policies (it has none) but is by resource policies.
 */

export interface EvaluationRequest {
  /** The caller; null for an anonymous request. */
  principal: Principal | null;
  action: string;
  resource: string;
  /** The request context (condition keys; names are case-insensitive). */
  context: Record<string, string | string[]>;
  /** Identity-based policy documents of the caller. */
  identity: string[];
  boundary?: string;
  session?: string[];
  resourcePolicy?: ResourcePolicy;
  grants?: GrantView[];
  /** ACL grantees holding the permission the action needs: they allow as the resource policy does. */
  acl?: AclGrantee[];
}

export type PolicySource = 'identity' | 'resource' | 'boundary' | 'session' | 'grant' | 'acl';

export interface EvaluationResult {
  decision: 'allowed' | 'explicitDeny' | 'implicitDeny';
  /** Every statement (and grant) that applied to the request. */
  matchedStatements: Array<{ source: PolicySource; sid?: string; effect: 'Allow' | 'Deny' }>;
  /**
   * For a denial, the end of AWS's access-denied sentence naming the policy type that decided it:
   * `with an explicit deny in a resource-based policy`, `because no resource-based policy allows
   * the kms:Decrypt action`. https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
   */
  reason?: string;
}

/** The policy types as AWS's access-denied messages name them. */
const POLICY_TYPE: Record<PolicySource, string> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  grant: 'resource-based policy',
  acl: 'resource-based policy',
};
const explicitReason = (source: PolicySource) => `with an explicit deny in ${source === 'identity' ? 'an' : 'a'} ${POLICY_TYPE[source]}`;
const implicitReason = (source: PolicySource, action: string) => `because no ${POLICY_TYPE[source]} allows the ${action} action`;

/**
 * The root user of the bucket owner's account can always read, replace and delete the bucket
 * policy, even when the policy denies it: the way out of a lock-out.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
 */
const ROOT_BUCKET_POLICY_ACTIONS = new Set(['s3:getbucketpolicy', 's3:putbucketpolicy', 's3:deletebucketpolicy']);

/** The evaluation of one request, shared by the statement scans. */
class Scan {
  readonly matched: EvaluationResult['matchedStatements'] = [];
  deny = false;
  readonly lookup: Lookup;
  readonly action: string;
  readonly segments: string[] | undefined;

  constructor(readonly req: EvaluationRequest) {
    // Condition keys are case-insensitive: the context is re-keyed in lower case, when first needed.
    let map: Map<string, string[]> | undefined;
    this.lookup = (key) => {
      if (!map) {
        map = new Map();
        for (const k in req.context) {
          const v = req.context[k]!;
          map.set(k.toLowerCase(), Array.isArray(v) ? v : [v]);
        }
      }
      return map.get(key);
    };
    this.action = req.action.toLowerCase();
    this.segments = splitArn(req.resource);
  }

  /** Whether the statement covers this action, resource (and, in resource policies, caller) under its conditions. */
  applies(s: CompiledStatement): boolean {
    let actionHit = false;
    for (const p of s.action.patterns) {
      if (wildcardMatch(p, this.action)) {
        actionHit = true;
        break;
      }
    }
    if (actionHit === s.action.not) return false;
    if (s.resource) {
      let resourceHit = false;
      for (const e of s.resource.entries) {
        let pattern = e.fixed;
        if (!pattern) {
          if (!this.req.resource.startsWith(e.template!.prefix)) continue;
          // A variable without a value leaves the entry matching nothing (in NotResource too).
          const resolved = resolveTemplate(e.template!, this.lookup);
          if (!resolved) continue;
          pattern = compileArnPattern(resolved);
        }
        if (arnMatch(pattern, this.req.resource, this.segments)) {
          resourceHit = true;
          break;
        }
      }
      if (resourceHit === s.resource.not) return false;
    }
    return !s.condition || s.condition(this.lookup);
  }

  /** Compiles a stored document; one that can't be read counts as a Deny, never as nothing. */
  private load(text: string, source: PolicySource): CompiledPolicy | undefined {
    try {
      return compilePolicy(text);
    } catch {
      this.deny = true;
      this.matched.push({ source, sid: '(unreadable policy document)', effect: 'Deny' });
      return undefined;
    }
  }

  /** Scans principal-side policies (no Principal element); true if one allows. */
  allows(texts: string[], source: PolicySource): boolean {
    let allow = false;
    for (const text of texts) {
      const policy = this.load(text, source);
      if (!policy) continue;
      for (const s of policy.statements) {
        if (!this.applies(s)) continue;
        this.matched.push({ source, sid: s.sid, effect: s.effect });
        if (s.effect === 'Deny') this.deny = true;
        else allow = true;
      }
    }
    return allow;
  }

  /** Scans the resource policy; returns the strongest way an Allow names the caller. */
  resourceAllows(text: string): PrincipalMatch | undefined {
    const policy = text.trim() === '' ? { statements: [] } : this.load(text, 'resource');
    if (!policy) return undefined;
    let best: PrincipalMatch | undefined;
    for (const s of policy.statements) {
      let how: PrincipalMatch | undefined;
      if (!s.principal) how = undefined;
      else if (s.principal.not) how = notPrincipalApplies(s.principal.set, this.req.principal) ? 'direct' : undefined;
      else how = matchPrincipal(s.principal.set, this.req.principal);
      if (!how || !this.applies(s)) continue;
      this.matched.push({ source: 'resource', sid: s.sid, effect: s.effect });
      if (s.effect === 'Deny') this.deny = true;
      else best = stronger(best, how);
    }
    return best;
  }

  grantAllows(grants: GrantView[]): PrincipalMatch | undefined {
    let best: PrincipalMatch | undefined;
    for (const g of grants) {
      const how = grantMatch(g, this.req.principal, this.action, this.req.context);
      if (!how) continue;
      this.matched.push({ source: 'grant', sid: g.grantId, effect: 'Allow' });
      best = stronger(best, how);
    }
    return best;
  }
}

/**
 * How an ACL grant names the caller: AllUsers anyone, AuthenticatedUsers any signed caller, both
 * like a policy's `"Principal": "*"`; a canonical user id names an account, like its root ARN.
 */
function aclMatch(grantees: AclGrantee[], p: Principal | null): PrincipalMatch | undefined {
  let best: PrincipalMatch | undefined;
  for (const g of grantees) {
    if (g.kind === 'AllUsers' || (g.kind === 'AuthenticatedUsers' && p !== null && p.type !== 'AWSService')) return 'direct';
    if (g.kind === 'Account' && p !== null && p.type !== 'AWSService' && p.accountId === g.accountId) best = p.type === 'Root' ? 'direct' : 'account';
  }
  return best;
}

const STRENGTH: Record<PrincipalMatch, number> = { account: 1, issuer: 2, direct: 3 };

function stronger(a: PrincipalMatch | undefined, b: PrincipalMatch): PrincipalMatch {
  return a && STRENGTH[a] >= STRENGTH[b] ? a : b;
}

/** Evaluates one action on one resource. Pure: everything it needs is in the request. */
export function evaluate(req: EvaluationRequest): EvaluationResult {
  const scan = new Scan(req);
  const p = req.principal && req.principal.type !== 'Anonymous' ? req.principal : null;
  const isRoot = p?.type === 'Root';
  const session = req.session && req.session.length > 0 ? req.session : undefined;

  // Every policy is scanned: an explicit Deny in any of them decides.
  const identityAllows = isRoot || (p !== null && scan.allows(req.identity, 'identity'));
  const boundaryAllows = req.boundary === undefined || scan.allows([req.boundary], 'boundary');
  // Without session policies a role session keeps its role's permissions; a federated user has none.
  const sessionAllows = session ? scan.allows(session, 'session') : p?.type !== 'FederatedUser';
  const policyMatch = req.resourcePolicy ? scan.resourceAllows(req.resourcePolicy.document) : undefined;
  // ACL grants allow as resource-policy statements do (they never deny).
  const byAcl = req.acl?.length ? aclMatch(req.acl, p) : undefined;
  if (byAcl) scan.matched.push({ source: 'acl', effect: 'Allow' });
  const resourceMatch = byAcl ? stronger(policyMatch, byAcl) : policyMatch;
  const grantMatch = req.grants?.length ? scan.grantAllows(req.grants) : undefined;
  const result = (decision: EvaluationResult['decision'], missing?: PolicySource): EvaluationResult => {
    if (decision === 'allowed') return { decision, matchedStatements: scan.matched };
    const denied = scan.matched.find((m) => m.effect === 'Deny');
    const reason = decision === 'explicitDeny' ? explicitReason(denied?.source ?? 'identity') : implicitReason(missing ?? 'identity', req.action);
    return { decision, matchedStatements: scan.matched, reason };
  };

  // AWS-owned resources (`arn:aws:iam::aws:policy/...`) belong to no account: they are readable
  // as if they were the caller's own, never judged cross-account.
  const resourceAccount = arnAccount(req.resource);
  const owner = req.resourcePolicy?.accountId || (/^\d{12}$/.test(resourceAccount) ? resourceAccount : '') || p?.accountId;
  const sameAccount = p !== null && p.accountId === owner;
  if (isRoot && sameAccount && req.resourcePolicy?.kind === 'standard' && ROOT_BUCKET_POLICY_ACTIONS.has(scan.action)) return result('allowed');
  if (scan.deny) return result('explicitDeny');
  // Anonymous callers and AWS service principals have no policies of their own: only the resource side can allow.
  if (!p || p.type === 'AWSService') return result(resourceMatch === 'direct' ? 'allowed' : 'implicitDeny', 'resource');

  const principalSide = identityAllows && boundaryAllows && sessionAllows;
  // Which of the caller's own policies failed to allow, when they did.
  const principalGap: PolicySource = !identityAllows ? 'identity' : !boundaryAllows ? 'boundary' : 'session';
  // A grant of the resource side to the caller itself, or to its role (within boundary and session policies).
  const directly = (m: PrincipalMatch | undefined) => m === 'direct' || (m === 'issuer' && boundaryAllows && sessionAllows);
  const viaAccount = (m: PrincipalMatch | undefined) => m !== undefined && principalSide;

  if (!sameAccount) {
    // Cross-account: the resource side must name the caller (or its account) and the caller's own
    // policies must allow too. KMS grants stand on their own for the grantee.
    const allowed = viaAccount(resourceMatch) || directly(grantMatch) || viaAccount(grantMatch);
    return result(allowed ? 'allowed' : 'implicitDeny', resourceMatch || grantMatch ? principalGap : 'resource');
  }
  const explicitOnly = req.resourcePolicy !== undefined && req.resourcePolicy.kind !== 'standard';
  if (explicitOnly) {
    // The key policy must allow; naming the account delegates to the account's IAM policies.
    const allowed = directly(resourceMatch) || viaAccount(resourceMatch) || directly(grantMatch) || viaAccount(grantMatch);
    return result(allowed ? 'allowed' : 'implicitDeny', resourceMatch || grantMatch ? principalGap : 'resource');
  }
  const allowed = principalSide || directly(resourceMatch) || directly(grantMatch);
  return result(allowed ? 'allowed' : 'implicitDeny', principalGap);
}
