/**
 * Policy document checks IAM makes before it stores a policy: the policy grammar (the engine's
 * validator, the same code that compiles policies for enforcement) and IAM's size quotas, with
 * AWS's messages (MalformedPolicyDocument / LimitExceeded).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
import { parsePolicy, PolicyDocumentError, policySize } from '../../authz/policy.js';
import { iamErrors } from './errors.js';

/** Where a document is used: identity (and boundary and session) policies, or a role's trust policy. */
export type DocumentKind = 'identity' | 'trust';

/** The actions a role trust policy may name. */
const TRUST_ACTIONS = /^sts:(AssumeRole\*?|AssumeRoleWith(SAML|WebIdentity)|TagSession|SetSourceIdentity|SetContext|\*)$/;

/**
 * The size quotas IAM enforces, by where the policy goes. Whitespace does not count.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
 */
export const POLICY_SIZE_QUOTAS = {
  managed: { quota: 'PolicySize', limit: 6144 },
  user: { quota: 'UserPolicySize', limit: 2048 },
  group: { quota: 'GroupPolicySize', limit: 5120 },
  role: { quota: 'RolePolicySize', limit: 10240 },
  trust: { quota: 'ACLSizePerRole', limit: 2048 },
} as const;

export type SizeQuota = keyof typeof POLICY_SIZE_QUOTAS;

/** Throws LimitExceeded when the document, without whitespace, is over its quota. */
export function checkPolicySize(document: string, where: SizeQuota): void {
  const { quota, limit } = POLICY_SIZE_QUOTAS[where];
  if (policySize(document) > limit) throw iamErrors.quota(quota, limit);
}

/** Checks a policy document; throws MalformedPolicyDocument with AWS's text. */
export function validatePolicyDocument(text: string, kind: DocumentKind): void {
  // Trust policies word unparsable JSON their own way (UpdateAssumeRolePolicy, CreateRole).
  if (kind === 'trust' && !parses(text)) throw iamErrors.malformed('This policy contains invalid Json');
  try {
    parsePolicy(text, kind);
  } catch (err) {
    if (err instanceof PolicyDocumentError) throw iamErrors.malformed(err.message);
    throw err;
  }
  if (kind === 'trust') {
    const statements = [(JSON.parse(text) as { Statement: unknown }).Statement].flat() as Array<{ Action?: unknown; NotAction?: unknown }>;
    for (const s of statements) {
      for (const action of [s.Action ?? s.NotAction ?? []].flat() as string[]) {
        if (!TRUST_ACTIONS.test(action)) throw iamErrors.malformed('AssumeRole policy may only specify STS AssumeRole actions.');
      }
    }
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
