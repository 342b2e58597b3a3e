import type { RequestContext } from '../../server/context.js';
import type { GetCallerIdentityRequest, GetCallerIdentityResponse } from '../../generated/sts/shapes.js';

/** AWS Security Token Service. Operations not defined here answer as not implemented. */
export class StsProvider {
  /** https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html */
  async getCallerIdentity(ctx: RequestContext, _input: GetCallerIdentityRequest): Promise<GetCallerIdentityResponse> {
    const principal = ctx.principal!;
    return { UserId: principal.principalId, Account: principal.accountId, Arn: principal.arn };
  }
}
