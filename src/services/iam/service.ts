/**
 * IAM and STS, wired to the runtime: they share the identity tables, the change feed that keeps
 * the principal-policy cache honest, and the MFA checks.
 */
import { CredentialResolver, SessionTokens } from '../../auth/principal.js';
import type { ServiceBinding } from '../../server/gateway.js';
import type { Background, Runtime } from '../../server/services.js';
import { stsActions } from '../sts/actions.js';
import { MfaChecks } from '../sts/assume-role.js';
import { StsProvider } from '../sts/provider.js';
import { sessionSweeper } from '../sts/sessions.js';
import { iamActions } from './actions.js';
import { IamChanges, type IamDeps } from './deps.js';
import { CLUSTER_TTL_MS, IamPrincipalPolicies, TTL_MS } from './principal-policies.js';
import { createIamProvider } from './provider.js';

export interface IdentityServices {
  iam: ServiceBinding;
  sts: ServiceBinding;
  /** What the PolicyAuthorizer asks for a caller's policies. */
  principalPolicies: IamPrincipalPolicies;
  /** What the gateway asks for the secret and principal of an access key. */
  credentials: CredentialResolver;
  background: Background;
}

/** Builds IAM and STS. */
export function buildIdentity(rt: Runtime): IdentityServices {
  const deps: IamDeps = { db: rt.db, sealer: rt.sealer, clock: rt.clock, changes: new IamChanges() };
  const mfa = new MfaChecks(deps);
  const tokens = new SessionTokens(rt.db, rt.sealer);
  const ttlMs = rt.config?.database ? CLUSTER_TTL_MS : TTL_MS;
  return {
    iam: { provider: createIamProvider(deps), actions: iamActions },
    sts: { provider: new StsProvider({ iam: deps, tokens, mfa }), actions: stsActions(deps, mfa) },
    principalPolicies: new IamPrincipalPolicies(deps, ttlMs),
    credentials: new CredentialResolver(rt.db, rt.sealer, rt.clock, { generation: () => deps.changes.total, ttlMs }),
    background: sessionSweeper(deps),
  };
}
