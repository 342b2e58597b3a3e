import type { Principal } from '../server/context.js';
import { parseArn } from './arn.js';

/**
 * How a resource-based policy's Principal (or a grant's grantee) names the caller. The evaluation
 * logic treats these differently within one account:
 * - 'direct': the caller's own ARN (IAM user, role session, federated-user session, the account
 *   root itself) or everyone (`*`). Not limited by implicit denies in identity policies,
 *   permissions boundaries or session policies.
 * - 'issuer': the role a session was assumed from (or the IAM user a federated session came from).
 *   Limited by implicit denies in permissions boundaries and session policies.
 * - 'account': the caller's account (`arn:aws:iam::<id>:root` or the bare id): delegates to that
 *   account's IAM policies, which must allow too.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow
 */
export type PrincipalMatch = 'direct' | 'issuer' | 'account';

/** The Principal / NotPrincipal element, compiled. */
export interface PrincipalSet {
  /** `"*"` or `{"AWS": "*"}`: everyone, anonymous callers included. */
  any: boolean;
  /** AWS principals, account ids rewritten as `arn:aws:iam::<id>:root`. */
  aws: Set<string>;
  service: Set<string>;
  federated: Set<string>;
  canonicalUser: Set<string>;
}

/** The root ARN of an account: what `"AWS": "123456789012"` means. */
export function accountRootArn(accountId: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/** Normalizes one `"AWS"` entry: a bare 12-digit account id stands for the account's root ARN. */
export function normalizeAwsPrincipal(entry: string): string {
  return /^\d{12}$/.test(entry) ? accountRootArn(entry) : entry;
}

/**
 * The ARN a session was issued from: the role of an assumed-role session (with its path when the
 * credential store recorded it; AWS's session ARN drops the path), or the IAM user of a federated
 * user session when known.
 */
export function issuerArn(p: Principal): string | undefined {
  if (p.sessionIssuerArn) return p.sessionIssuerArn;
  if (p.type !== 'AssumedRole') return undefined;
  const arn = parseArn(p.arn);
  const m = arn && /^assumed-role\/([^/]+)\/.+$/.exec(arn.resource);
  return m ? `arn:${arn.partition}:iam::${arn.account}:role/${m[1]}` : undefined;
}

/**
 * The ARN `aws:PrincipalArn` reports: the role ARN (not the session) for assumed roles.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function principalArn(p: Principal): string {
  return p.type === 'AssumedRole' ? (issuerArn(p) ?? p.arn) : p.arn;
}

function partitionOf(p: Principal): string {
  return parseArn(p.arn)?.partition ?? 'aws';
}

/** How `set` names the caller, or undefined if it doesn't. */
export function matchPrincipal(set: PrincipalSet, p: Principal | null): PrincipalMatch | undefined {
  if (set.any) return 'direct';
  if (!p || p.type === 'Anonymous') return undefined;
  if (p.type === 'AWSService') return set.service.has(p.arn) ? 'direct' : undefined;
  if (set.aws.size === 0) return undefined;
  if (set.aws.has(p.arn)) return 'direct';
  const issuer = issuerArn(p);
  if (issuer && set.aws.has(issuer)) return 'issuer';
  if (set.aws.has(accountRootArn(p.accountId, partitionOf(p)))) return p.type === 'Root' ? 'direct' : 'account';
  return undefined;
}

/**
 * Whether a NotPrincipal element applies to the caller. AWS may check the account, then the role,
 * then the session, so the caller escapes the statement only if every one of those identities is
 * listed. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
 */
export function notPrincipalApplies(set: PrincipalSet, p: Principal | null): boolean {
  if (set.any) return false;
  if (!p || p.type === 'Anonymous') return true;
  if (p.type === 'AWSService') return !set.service.has(p.arn);
  const chain = [accountRootArn(p.accountId, partitionOf(p)), p.arn];
  const issuer = issuerArn(p);
  if (issuer) chain.push(issuer);
  return chain.some((arn) => !set.aws.has(arn));
}
