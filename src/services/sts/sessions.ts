/**
 * Temporary credentials: an `ASIA...` access key id, a secret sealed by the root key, and a session
 * token the caller must present with every request, stored only as an HMAC. Sessions expire on
 * service time; the resolver answers ExpiredToken after that, and a sweep deletes them a day later
 * (until then a late caller still gets ExpiredToken rather than an unknown key).
 */
import { sessionSecretAad, type SessionTokens } from '../../auth/principal.js';
import type { Credentials } from '../../generated/sts/shapes.js';
import type { PrincipalType } from '../../server/context.js';
import { newSecretAccessKey } from '../../server/bootstrap.js';
import { periodicJob } from '../../server/periodic-job.js';
import type { Background } from '../../server/services.js';
import type { IamDeps } from '../iam/deps.js';
import { newSessionToken, newTemporaryAccessKeyId } from '../iam/ids.js';

/** Who a session acts as and what narrows it. */
export interface SessionSpec {
  accountId: string;
  principalType: PrincipalType;
  principalArn: string;
  principalId: string;
  issuerArn?: string;
  userName?: string;
  roleId?: string;
  userId?: string;
  sessionName?: string;
  sessionPolicy?: string;
  sessionPolicyArns?: string[];
  sessionTags?: Record<string, string>;
  sourceIdentity?: string;
  mfaAuthenticated: boolean;
  durationSeconds: number;
}

/** Expired sessions are kept this long, so their callers hear "expired" rather than "unknown". */
const KEEP_EXPIRED_MS = 24 * 3600_000;

/** Creates the session and returns its credentials: the only time the secret and token are seen. */
export async function mintSession(deps: IamDeps, tokens: SessionTokens, spec: SessionSpec): Promise<Credentials> {
  const accessKeyId = newTemporaryAccessKeyId();
  const secret = newSecretAccessKey();
  const token = newSessionToken();
  const now = deps.clock.now();
  const expires = new Date(now.getTime() + spec.durationSeconds * 1000);
  await deps.db.insertInto('sts_sessions').values({
    access_key_id: accessKeyId,
    account_id: spec.accountId,
    token_hmac: await tokens.mac(token),
    secret_sealed: deps.sealer.seal(sessionSecretAad(accessKeyId), Buffer.from(secret, 'utf8')),
    principal_type: spec.principalType,
    principal_arn: spec.principalArn,
    principal_id: spec.principalId,
    issuer_arn: spec.issuerArn ?? null,
    user_name: spec.userName ?? null,
    role_id: spec.roleId ?? null,
    user_id: spec.userId ?? null,
    session_name: spec.sessionName ?? null,
    session_policy: spec.sessionPolicy ?? null,
    session_policy_arns: spec.sessionPolicyArns?.length ? JSON.stringify(spec.sessionPolicyArns) : null,
    session_tags: spec.sessionTags && Object.keys(spec.sessionTags).length ? JSON.stringify(spec.sessionTags) : null,
    source_identity: spec.sourceIdentity ?? null,
    mfa_authenticated: spec.mfaAuthenticated ? 1 : 0,
    created_at: now.toISOString(),
    expires_at: expires.toISOString(),
  }).execute();
  return { AccessKeyId: accessKeyId, SecretAccessKey: secret, SessionToken: token, Expiration: expires };
}

/** The background job that deletes sessions long expired. */
export function sessionSweeper(deps: IamDeps): Background {
  const sweep = async () => {
    const cutoff = new Date(deps.clock.now().getTime() - KEEP_EXPIRED_MS).toISOString();
    await deps.db.deleteFrom('sts_sessions').where('expires_at', '<', cutoff).execute();
  };
  // A failed sweep changes nothing; the next one (an hour later) tries again.
  return periodicJob({ pass: sweep, intervalMs: 3600_000, onError: () => undefined });
}
