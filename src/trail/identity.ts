/**
 * The `userIdentity` element of a CloudTrail event, per principal type, as AWS writes it.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
import type { Principal } from '../server/context.js';

/**
 * What the trail knows of a temporary session beyond the Principal itself. STS may attach it to
 * the principal it resolves (`principal.session`); without it the event carries what the ARNs tell.
 */
export interface SessionFacts {
  /** When the temporary credentials were issued (`sessionContext.attributes.creationDate`). */
  issuedAt?: Date;
  mfaAuthenticated?: boolean;
  /** The role or user that issued the session, when the ARN alone cannot say (role paths). */
  /** principalId is absent when unknown (a federating IAM user's unique id). */
  issuer?: { type: 'Role' | 'IAMUser' | 'Root'; principalId?: string; arn: string; accountId: string; userName?: string };
}

export type TrailPrincipal = Principal & { session?: SessionFacts };

export type UserIdentity = Record<string, unknown>;

/** S3 logs unsigned requests under this pseudo-account. */
export const ANONYMOUS_IDENTITY: UserIdentity = { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' };

/** Second-precision ISO 8601, the form CloudTrail writes every time in. */
export function trailTime(date: Date): string {
  // Every event of a second shows the same text: the last one is kept.
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastSecond.second) lastSecond = { second, text: `${date.toISOString().slice(0, -5)}Z` };
  return lastSecond.text;
}

let lastSecond = { second: NaN, text: '' };

/**
 * The identity of a call. `accessKeyId` is the key the request was signed with; `invokedBy`
 * names the AWS service that called on the principal's behalf.
 */
export function userIdentity(principal: TrailPrincipal | null, accessKeyId: string | undefined, invokedBy?: string): UserIdentity {
  if (!principal || principal.type === 'Anonymous') return invokedBy ? { type: 'AWSService', invokedBy } : { ...ANONYMOUS_IDENTITY };
  const key = accessKeyId ?? principal.accessKeyId;
  const base: UserIdentity = {
    type: principal.type,
    principalId: principal.principalId,
    arn: principal.arn,
    accountId: principal.accountId,
  };
  if (principal.type === 'AWSService') return { type: 'AWSService', invokedBy: invokedBy ?? principal.principalId };
  if (key) base.accessKeyId = key;
  if (principal.type === 'IAMUser' && principal.userName) base.userName = principal.userName;
  if (principal.type === 'AssumedRole' || principal.type === 'FederatedUser') {
    base.sessionContext = sessionContext(principal);
  }
  if (invokedBy) base.invokedBy = invokedBy;
  return base;
}

function sessionContext(principal: TrailPrincipal): Record<string, unknown> {
  const facts = principal.session ?? {};
  const attributes: Record<string, string> = {};
  if (facts.issuedAt) attributes.creationDate = trailTime(facts.issuedAt);
  attributes.mfaAuthenticated = String(facts.mfaAuthenticated ?? false);
  const issuer = facts.issuer ?? issuerFromArn(principal);
  return issuer ? { sessionIssuer: { ...issuer }, attributes } : { attributes };
}

/**
 * Who issued a session, from what the principal carries: `sessionIssuerArn` (the role with its
 * path, or the IAM user that federated) when IAM set it, else the role the assumed-role ARN names.
 */
function issuerFromArn(principal: Principal): SessionFacts['issuer'] | undefined {
  const m = /^arn:([^:]+):sts::(\d{12}):(assumed-role|federated-user)\/([^/]+)/.exec(principal.arn);
  if (!m) return undefined;
  const [, partition, accountId, kind, name] = m;
  if (kind === 'assumed-role') {
    const arn = principal.sessionIssuerArn ?? `arn:${partition}:iam::${accountId}:role/${name}`;
    return { type: 'Role', principalId: principal.principalId.split(':')[0]!, arn, accountId: accountId!, userName: arn.slice(arn.lastIndexOf('/') + 1) };
  }
  const issuer = principal.sessionIssuerArn;
  if (!issuer) return undefined;
  const root = issuer.endsWith(':root');
  return root
    ? { type: 'Root', principalId: accountId!, arn: issuer, accountId: accountId! }
    : { type: 'IAMUser', arn: issuer, accountId: accountId!, userName: issuer.slice(issuer.lastIndexOf('/') + 1) };
}

/**
 * The "User name" event history shows and LookupEvents `Username` matches: `root` for the
 * account root, the user name, the role session name, or the calling service.
 */
export function lookupUsername(principal: Principal | null, invokedBy?: string): string | undefined {
  if (!principal) return invokedBy;
  switch (principal.type) {
    case 'Root': return 'root';
    case 'IAMUser': return principal.userName ?? principal.arn.slice(principal.arn.lastIndexOf('/') + 1);
    case 'AssumedRole':
    case 'FederatedUser': return principal.arn.slice(principal.arn.lastIndexOf('/') + 1);
    case 'AWSService': return invokedBy ?? principal.principalId;
    default: return undefined;
  }
}
