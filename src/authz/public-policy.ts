import { parseOperator } from './conditions.js';

/**
 * Whether a bucket policy is "public", as S3 Block Public Access decides it (GetBucketPolicyStatus,
 * BlockPublicPolicy, RestrictPublicBuckets): a policy is public unless every Allow statement grants
 * only to fixed principals, or is pinned by a condition with fixed values (no wildcard) on one of
 * the keys S3 lists.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 */

/** Condition keys that, with fixed values, make a statement open to "*" non-public. */
const PINNING_KEYS = new Set([
  'aws:sourceip', 'aws:principalorgid', 'aws:principalaccount', 'aws:principalarn', 'aws:sourcearn', 'aws:sourcevpc',
  'aws:sourcevpce', 'aws:sourceowner', 'aws:sourceaccount', 's3:x-amz-server-side-encryption-aws-kms-key-id',
  'aws:userid', 's3:dataaccesspointarn', 's3:dataaccesspointaccount',
]);

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

/** A condition entry pins the statement if it requires one of PINNING_KEYS to equal fixed values. */
function pins(operator: string, key: string, values: unknown): boolean {
  const op = parseOperator(operator);
  if (!op || op.info.negated || op.ifExists || op.set === 'all') return false;
  const k = key.toLowerCase();
  if (!PINNING_KEYS.has(k)) return false;
  const strings = list(values).map(String);
  if (strings.length === 0) return false;
  switch (op.info.kind) {
    case 'ip':
      return strings.every((s) => !s.endsWith('/0'));
    case 'string':
    case 'stringIgnoreCase':
    case 'stringLike':
    case 'arn':
      // Wildcards don't pin (`AROLEID:*` is any session of a role), except an access point ARN
      // pattern with a fixed account.
      return strings.every((s) => !/[*?]/.test(s) || (k === 's3:dataaccesspointarn' && /^arn:[^:]+:s3:[^:]+:\d{12}:accesspoint\/\*$/.test(s)));
    default:
      return false;
  }
}

function grantsToEveryone(s: Record<string, unknown>): boolean {
  if (s.NotPrincipal !== undefined) return true;
  const p = s.Principal;
  if (p === '*') return true;
  if (typeof p !== 'object' || p === null) return false;
  const byType = p as Record<string, unknown>;
  return list(byType.AWS).includes('*') || byType.Federated !== undefined;
}

function pinned(s: Record<string, unknown>): boolean {
  const block = s.Condition;
  if (typeof block !== 'object' || block === null) return false;
  return Object.entries(block as Record<string, Record<string, unknown>>).some(([operator, keys]) =>
    Object.entries(keys ?? {}).some(([key, values]) => pins(operator, key, values)));
}

/** True if the bucket policy document grants public access. */
export function isPublicPolicy(document: string): boolean {
  if (document.trim() === '') return false;
  const doc = JSON.parse(document) as { Statement?: unknown };
  return list(doc.Statement).some((raw) => {
    const s = raw as Record<string, unknown>;
    return s.Effect === 'Allow' && grantsToEveryone(s) && !pinned(s);
  });
}

/** The policy's Deny statements alone ('' when it has none): what still binds a caller it may not grant to. */
export function denyStatements(document: string): string {
  const doc = JSON.parse(document) as Record<string, unknown>;
  const denies = list(doc.Statement).filter((s) => (s as Record<string, unknown>).Effect === 'Deny');
  return denies.length === 0 ? '' : JSON.stringify({ ...doc, Statement: denies });
}

/**
 * The policy as RestrictPublicBuckets lets it act on callers outside the bucket owner's account
 * (other than AWS services): its Deny statements only. S3 hands this to the authorizer instead of
 * the stored document when the setting is on and the policy is public.
 */
export function restrictPublicPolicy(document: string): string {
  return denyStatements(document);
}
