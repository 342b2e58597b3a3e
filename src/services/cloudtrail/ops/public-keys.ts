/** The public halves of the digest signing keys, for validating digest files. */
import type * as S from '../../../generated/cloudtrail/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import type { CloudTrailDeps } from '../deps.js';
import { trailErrors } from '../errors.js';

/**
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListPublicKeys.html
 * Both bounds default to the current time; the Region's key is made on first use, so there is
 * always one to list.
 */
export async function listPublicKeys(deps: CloudTrailDeps, ctx: RequestContext, input: S.ListPublicKeysRequest): Promise<S.ListPublicKeysResponse> {
  if (input.StartTime && input.EndTime && input.StartTime > input.EndTime) throw trailErrors.timeRange();
  await deps.keys.current(ctx.region);
  const now = deps.clock.now();
  const start = input.StartTime ?? now;
  const end = input.EndTime ?? now;
  if (start > end) throw trailErrors.timeRange();
  const keys = await deps.keys.inRange(ctx.region, start, end);
  return {
    PublicKeyList: keys.map((k) => ({
      Value: k.publicDer,
      ValidityStartTime: k.validFrom,
      ...(k.validTo ? { ValidityEndTime: k.validTo } : {}),
      Fingerprint: k.fingerprint,
    })),
  };
}
