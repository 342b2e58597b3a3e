import { AwsError } from '../../errors.js';
import type { StsApi } from '../../generated/sts/api.js';
import type * as S from '../../generated/sts/shapes.js';
import type { RequestContext } from '../../server/context.js';
import { assumeRole, mfaFailed, type AssumeRoleDeps } from './assume-role.js';
import { mintSession } from './sessions.js';

/** GetSessionToken: 12 hours by default; at most an hour for the root. */
const SESSION_TOKEN_DEFAULT_SECONDS = 43200;
const ROOT_SESSION_MAX_SECONDS = 3600;

/** AWS Security Token Service. Operations not defined here answer as not implemented. */
export class StsProvider implements Pick<StsApi, 'getCallerIdentity' | 'assumeRole' | 'getSessionToken' | 'getAccessKeyInfo' | 'decodeAuthorizationMessage'> {
  constructor(private readonly deps: AssumeRoleDeps) {}

  /** https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html */
  async getCallerIdentity(ctx: RequestContext, _input: S.GetCallerIdentityRequest): Promise<S.GetCallerIdentityResponse> {
    const principal = ctx.principal!;
    return { UserId: principal.principalId, Account: principal.accountId, Arn: principal.arn };
  }

  /** https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html */
  assumeRole(ctx: RequestContext, input: S.AssumeRoleRequest): Promise<S.AssumeRoleResponse> {
    return assumeRole(this.deps, ctx, input);
  }

  /**
   * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
   * Credentials of the calling user (or root) for a while, MFA-authenticated when a code is given.
   */
  async getSessionToken(ctx: RequestContext, input: S.GetSessionTokenRequest): Promise<S.GetSessionTokenResponse> {
    const caller = ctx.principal!;
    if (caller.type !== 'IAMUser' && caller.type !== 'Root') {
      throw new AwsError('AccessDenied', 'Cannot call GetSessionToken with session credentials', { status: 403 });
    }
    if (caller.accessKeyId?.startsWith('ASIA')) {
      throw new AwsError('AccessDenied', 'Cannot call GetSessionToken with session credentials', { status: 403 });
    }
    let mfa = false;
    if (input.SerialNumber !== undefined || input.TokenCode !== undefined) {
      if (!(await this.deps.mfa.check(ctx, input))) throw mfaFailed();
      mfa = true;
    }
    let duration = input.DurationSeconds ?? SESSION_TOKEN_DEFAULT_SECONDS;
    if (caller.type === 'Root') duration = Math.min(duration, ROOT_SESSION_MAX_SECONDS);
    const credentials = await mintSession(this.deps.iam, this.deps.tokens, {
      accountId: caller.accountId,
      principalType: caller.type,
      principalArn: caller.arn,
      principalId: caller.principalId,
      userName: caller.userName,
      userId: caller.type === 'IAMUser' ? caller.principalId : undefined,
      mfaAuthenticated: mfa,
      durationSeconds: duration,
    });
    return { Credentials: credentials };
  }

  /** https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html */
  async getAccessKeyInfo(_ctx: RequestContext, input: S.GetAccessKeyInfoRequest): Promise<S.GetAccessKeyInfoResponse> {
    const { db } = this.deps.iam;
    const key = await db.selectFrom('access_keys').select('account_id').where('access_key_id', '=', input.AccessKeyId).executeTakeFirst()
      ?? await db.selectFrom('sts_sessions').select('account_id').where('access_key_id', '=', input.AccessKeyId).executeTakeFirst();
    // AWS reads the account out of the key id itself; Coffer's ids carry none, so an unknown key has no answer.
    if (!key) throw new AwsError('InvalidParameterValue', 'Invalid access key id', { status: 400 });
    return { Account: key.account_id };
  }

  /** https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html */
  async decodeAuthorizationMessage(_ctx: RequestContext, _input: S.DecodeAuthorizationMessageRequest): Promise<S.DecodeAuthorizationMessageResponse> {
    // Coffer's denials carry no encoded message, so there is never one to decode.
    throw new AwsError('InvalidAuthorizationMessageException', 'The encoded authorization message is invalid.');
  }
}
