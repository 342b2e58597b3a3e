/** GenerateMac and VerifyMac with HMAC keys (RFC 2104, node:crypto HMAC). */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AwsError } from '../../../errors.js';
import type * as S from '../../../generated/kms/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { dryRun, incompatibleAlgorithm, invalidMac, wrongUsage } from '../errors.js';
import { requireEnabled, resolveKey, type KmsDeps } from '../key-lookup.js';
import { specInfo } from '../key-specs.js';

async function hmacOf(deps: KmsDeps, ctx: RequestContext, input: S.GenerateMacRequest, operation: string) {
  const key = await resolveKey(deps, ctx, input.KeyId, true);
  requireEnabled(key);
  if (key.key_usage !== 'GENERATE_VERIFY_MAC') throw wrongUsage(key.arn, key.key_usage, operation);
  const info = specInfo(key.key_spec)!;
  if (!info.mac?.includes(input.MacAlgorithm)) throw incompatibleAlgorithm(input.MacAlgorithm, key.key_spec);
  if (input.DryRun) throw dryRun();
  const material = await deps.materials.open(key.arn, key.key_spec, key.current_material_version!);
  if (!material) throw new AwsError('KMSInternalException', 'The key material is not available.');
  deps.usage.record(key.arn, ctx);
  return { key, mac: createHmac(info.hmacHash!, material.secret!).update(input.Message).digest() };
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateMac.html */
export async function generateMac(deps: KmsDeps, ctx: RequestContext, input: S.GenerateMacRequest): Promise<S.GenerateMacResponse> {
  const { key, mac } = await hmacOf(deps, ctx, input, 'GenerateMac');
  return { Mac: mac, MacAlgorithm: input.MacAlgorithm, KeyId: key.arn };
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_VerifyMac.html — a wrong MAC is KMSInvalidMacException. */
export async function verifyMac(deps: KmsDeps, ctx: RequestContext, input: S.VerifyMacRequest): Promise<S.VerifyMacResponse> {
  const { key, mac } = await hmacOf(deps, ctx, input, 'VerifyMac');
  if (mac.length !== input.Mac.length || !timingSafeEqual(mac, input.Mac)) throw invalidMac();
  return { KeyId: key.arn, MacValid: true, MacAlgorithm: input.MacAlgorithm };
}
