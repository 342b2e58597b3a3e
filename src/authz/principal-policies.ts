import type { Principal } from '../server/context.js';

/**
 * Everything about a caller that authorization needs and only IAM/STS knows. The IAM service
 * implements {@link PrincipalPolicySource}; the PolicyAuthorizer asks it once per request (never
 * for the account root, which has no policies).
 */
export interface PrincipalPolicies {
  /** Identity-based policy documents in effect (JSON): inline + attached managed, of the user and its groups, or of the role. */
  identity: string[];
  /** Permissions boundary document, if any. */
  boundary?: string;
  /**
   * Session policies of an assumed-role / federated session (inline Policy + PolicyArns
   * documents). Absent (or empty) when the session was created without any: a role session then
   * has its role's permissions, a federated-user session has none.
   */
  session?: string[];
  /** aws:PrincipalTag/* (role/user tags, with session tags overriding). */
  tags: Record<string, string>;
  /**
   * aws:MultiFactorAuthPresent. Leave undefined for long-term access keys (AWS omits the key
   * then); set true/false for temporary credentials.
   */
  mfaAuthenticated?: boolean;
  /** When the temporary credentials were issued (aws:TokenIssueTime); undefined for long-term keys. */
  tokenIssuedAt?: Date;
}

/** Where the PolicyAuthorizer gets a caller's policies from (the IAM service). */
export interface PrincipalPolicySource {
  policiesFor(principal: Principal): Promise<PrincipalPolicies>;
}
