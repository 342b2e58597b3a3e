/**
 * AssumeRole: temporary credentials for a role, within its trust policy.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 *
 * Who may assume the role is decided in the gateway like every other authorization (actions.ts:
 * the role's trust policy, sts:TagSession and sts:SetSourceIdentity); here the request is checked
 * and the session made.
 */
import { accessDenied } from '../../authz/denied.js';
import type { ResourcePolicy } from '../../authz/types.js';
import { AwsError } from '../../errors.js';
import type { AssumeRoleRequest, AssumeRoleResponse } from '../../generated/sts/shapes.js';
import type { RequestContext } from '../../server/context.js';
import type { SessionTokens } from '../../auth/principal.js';
import { nameKey } from '../iam/common.js';
import type { IamDeps } from '../iam/deps.js';
import { validatePolicyDocument } from '../iam/documents.js';
import type { RoleRow } from '../iam/entities.js';
import { verifyMfaCode } from '../iam/ops/mfa.js';
import { mintSession } from './sessions.js';

/** Role sessions made from a role session (role chaining) last at most an hour. */
const CHAINED_MAX_SECONDS = 3600;
const DEFAULT_SECONDS = 3600;
/** AWS's allowance for session policies and tags, which it packs into the token. */
const PACKED_LIMIT = 2048;

/** `arn:aws:iam::<account>:role[/path]/<name>` split up, or undefined when RoleArn isn't a role ARN. */
function parseRoleArn(arn: string): { accountId: string; path: string; name: string } | undefined {
  const m = /^arn:aws:iam::(\d{12}):role(\/(?:[\x21-\x7e]*\/)?)([\w+=,.@-]+)$/.exec(arn);
  return m ? { accountId: m[1]!, path: m[2]!, name: m[3]! } : undefined;
}

/** The role a RoleArn names, if it exists (same path, name regardless of case). */
export async function roleForArn(deps: IamDeps, arn: string): Promise<RoleRow | undefined> {
  const parsed = parseRoleArn(arn);
  if (!parsed) return undefined;
  return deps.db.selectFrom('iam_roles').selectAll()
    .where('account_id', '=', parsed.accountId).where('name_key', '=', nameKey(parsed.name)).where('path', '=', parsed.path)
    .executeTakeFirst();
}

/** The trust policy as the resource policy that must allow explicitly (as a KMS key policy must). */
export function trustPolicy(role: RoleRow): ResourcePolicy {
  return { document: role.trust_policy, accountId: role.account_id, kind: 'kms-key' };
}

/**
 * MFA presented with a request (SerialNumber + TokenCode), checked once per request: the trust
 * policy's conditions see aws:MultiFactorAuthPresent, and the session remembers it. A code is good
 * once, so the first check's answer is the one kept (keyed by the decoded input object).
 */
export class MfaChecks {
  private readonly checks = new WeakMap<object, Promise<boolean>>();

  constructor(private readonly deps: IamDeps) {}

  /** Whether the request carries a valid code of an MFA device of the calling IAM user. */
  check(ctx: RequestContext, input: { SerialNumber?: string; TokenCode?: string }): Promise<boolean> {
    let result = this.checks.get(input);
    if (!result) {
      result = this.verify(ctx, input);
      this.checks.set(input, result);
    }
    return result;
  }

  private async verify(ctx: RequestContext, input: { SerialNumber?: string; TokenCode?: string }): Promise<boolean> {
    const p = ctx.principal;
    if (!input.SerialNumber || !input.TokenCode || !p) return false;
    const userId = p.type === 'IAMUser' ? p.principalId : p.type === 'Root' ? null : undefined;
    if (userId === undefined) return false;
    return verifyMfaCode(this.deps, p.accountId, input.SerialNumber, userId, input.TokenCode);
  }
}

/** AWS's answers to a wrong MFA code and to a device that isn't the caller's. */
export function mfaFailed(): AwsError {
  return new AwsError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. ', { status: 403 });
}

function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterValue', message, { status: 400 });
}

/** Session tags: at most 50, keys unique regardless of case, transitive keys among them. */
function checkSessionTags(input: AssumeRoleRequest): Record<string, string> {
  const tags: Record<string, string> = {};
  const seen = new Set<string>();
  for (const tag of input.Tags ?? []) {
    const key = tag.Key.toLowerCase();
    if (seen.has(key)) throw invalidParameter('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(key);
    tags[tag.Key] = tag.Value;
  }
  for (const key of input.TransitiveTagKeys ?? []) {
    if (!seen.has(key.toLowerCase())) throw invalidParameter('The specified transitive tag key must be included in the requested tags.');
  }
  return tags;
}

/** The share of AWS's packing allowance the session policy, managed policy ARNs and tags take, in percent. */
function packedPolicySize(input: AssumeRoleRequest): number {
  const policy = input.Policy ? input.Policy.replace(/\s+/g, '').length : 0;
  const arns = (input.PolicyArns ?? []).reduce((n, p) => n + (p.arn?.length ?? 0), 0);
  const tags = (input.Tags ?? []).reduce((n, t) => n + t.Key.length + t.Value.length, 0);
  return Math.ceil(((policy + arns + tags) / PACKED_LIMIT) * 100);
}

export interface AssumeRoleDeps {
  iam: IamDeps;
  tokens: SessionTokens;
  mfa: MfaChecks;
}

export async function assumeRole(d: AssumeRoleDeps, ctx: RequestContext, input: AssumeRoleRequest): Promise<AssumeRoleResponse> {
  const caller = ctx.principal!;
  if (caller.type === 'Root') throw new AwsError('AccessDenied', 'Roles may not be assumed by root accounts.', { status: 403 });
  if (!parseRoleArn(input.RoleArn)) throw new AwsError('ValidationError', `${input.RoleArn} is invalid`, { status: 400 });
  const role = await roleForArn(d.iam, input.RoleArn);
  if (!role) throw accessDenied('query', caller.arn, 'sts:AssumeRole', input.RoleArn);

  const chained = caller.type === 'AssumedRole';
  const duration = input.DurationSeconds ?? DEFAULT_SECONDS;
  if (chained && duration > CHAINED_MAX_SECONDS) {
    throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.', { status: 400 });
  }
  if (duration > role.max_session_duration) {
    throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', { status: 400 });
  }
  if (input.Policy !== undefined) validatePolicyDocument(input.Policy, 'identity');
  const tags = checkSessionTags(input);
  const packed = packedPolicySize(input);
  if (packed > 100) throw new AwsError('PackedPolicyTooLarge', `Packed policy consumes ${packed}% of allotted space, please use smaller policy.`);

  const mfa = input.SerialNumber !== undefined || input.TokenCode !== undefined;
  if (mfa && !(await d.mfa.check(ctx, input))) throw mfaFailed();
  // Chained sessions keep the source identity they started with.
  const sourceIdentity = input.SourceIdentity ?? caller.sourceIdentity;

  const assumedRoleId = `${role.role_id}:${input.RoleSessionName}`;
  const arn = `arn:aws:sts::${role.account_id}:assumed-role/${role.role_name}/${input.RoleSessionName}`;
  const credentials = await mintSession(d.iam, d.tokens, {
    accountId: role.account_id,
    principalType: 'AssumedRole',
    principalArn: arn,
    principalId: assumedRoleId,
    issuerArn: role.arn,
    roleId: role.role_id,
    sessionName: input.RoleSessionName,
    sessionPolicy: input.Policy,
    sessionPolicyArns: (input.PolicyArns ?? []).flatMap((p) => (p.arn ? [p.arn] : [])),
    sessionTags: tags,
    sourceIdentity,
    mfaAuthenticated: mfa,
    durationSeconds: duration,
  });
  await d.iam.db.updateTable('iam_roles').set({ last_used_at: d.iam.clock.now().toISOString(), last_used_region: ctx.region })
    .where('role_id', '=', role.role_id).execute();
  return {
    Credentials: credentials,
    AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: arn },
    PackedPolicySize: input.Policy !== undefined || input.PolicyArns?.length || input.Tags?.length ? packed : undefined,
    SourceIdentity: sourceIdentity,
  };
}
