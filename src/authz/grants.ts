import type { Principal } from '../server/context.js';
import { matchPrincipal, normalizeAwsPrincipal, type PrincipalMatch, type PrincipalSet } from './principals.js';
import type { GrantView } from './types.js';

/**
 * KMS grants: each allows its grant operations on its key to its grantee principal (an AWS
 * principal, or a service principal such as `cloudtrail.amazonaws.com`), never denies, and may
 * require the request's encryption context to equal (EncryptionContextEquals) or include
 * (EncryptionContextSubset) given pairs, compared case-sensitively, and the call to be made on
 * behalf of a given resource (SourceArn: the request's aws:SourceArn, which only calls an AWS
 * service makes for a resource carry).
 * https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/create-grant-overview.html#grant-constraints
 */

/** DescribeKey and RetireGrant have no encryption context: constraints don't apply to them. */
const NO_CONTEXT = new Set(['kms:describekey', 'kms:retiregrant']);
const CONTEXT_PREFIX = 'kms:encryptioncontext:';

/** The principal set of a grant's grantee or retiring principal: an AWS principal or a service principal. */
function setOf(aws: string | undefined, service: string | undefined): PrincipalSet {
  return {
    any: false,
    aws: new Set(aws === undefined ? [] : [normalizeAwsPrincipal(aws)]),
    service: new Set(service === undefined ? [] : [service]),
    federated: new Set(),
    canonicalUser: new Set(),
  };
}

/**
 * The request's encryption context, read from its `kms:EncryptionContext:<key>` condition keys
 * with the key's own case (condition key names are case-insensitive, context keys are not).
 */
function requestEncryptionContext(context: Record<string, string | string[]>): Map<string, string> {
  const ec = new Map<string, string>();
  for (const [k, v] of Object.entries(context)) {
    if (k.length > CONTEXT_PREFIX.length && k.slice(0, CONTEXT_PREFIX.length).toLowerCase() === CONTEXT_PREFIX) {
      ec.set(k.slice(CONTEXT_PREFIX.length), Array.isArray(v) ? (v[0] ?? '') : v);
    }
  }
  return ec;
}

/** A SourceArn constraint holds only for a call made on behalf of exactly that resource. */
function sourceArnMet(g: GrantView, context: Record<string, string | string[]>): boolean {
  const want = g.constraints?.SourceArn;
  if (want === undefined) return true;
  const entry = Object.entries(context).find(([k]) => k.toLowerCase() === 'aws:sourcearn');
  return entry !== undefined && entry[1] === want;
}

function constraintsMet(g: GrantView, context: Record<string, string | string[]>): boolean {
  const c = g.constraints;
  if (!c || (!c.EncryptionContextEquals && !c.EncryptionContextSubset)) return true;
  const ec = requestEncryptionContext(context);
  if (c.EncryptionContextEquals) {
    const want = Object.entries(c.EncryptionContextEquals);
    if (want.length !== ec.size || !want.every(([k, v]) => ec.get(k) === v)) return false;
  }
  if (c.EncryptionContextSubset) {
    if (!Object.entries(c.EncryptionContextSubset).every(([k, v]) => ec.get(k) === v)) return false;
  }
  return true;
}

/**
 * How a grant allows this call: by naming the caller (or its role, or its account) as grantee of
 * one of its operations, or, for kms:RetireGrant, as its retiring principal. `action` is lower-case.
 */
export function grantMatch(g: GrantView, principal: Principal | null, action: string, context: Record<string, string | string[]>): PrincipalMatch | undefined {
  if (!principal) return undefined;
  if (action === 'kms:retiregrant' && (g.retiringPrincipal || g.retiringServicePrincipal)) {
    const how = matchPrincipal(setOf(g.retiringPrincipal, g.retiringServicePrincipal), principal);
    if (how) return how;
  }
  if (!g.operations.some((op) => `kms:${op.toLowerCase()}` === action)) return undefined;
  const how = matchPrincipal(setOf(g.granteePrincipal, g.granteeServicePrincipal), principal);
  if (!how || !sourceArnMet(g, context)) return undefined;
  return NO_CONTEXT.has(action) || constraintsMet(g, context) ? how : undefined;
}
