/** Key lifecycle: CreateKey, DescribeKey, ListKeys, descriptions, enable/disable, deletion, last usage. */
import { AwsError } from '../../../errors.js';
import type * as S from '../../../generated/kms/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { notPendingDeletion, pendingDeletion, pendingImport, validation } from '../errors.js';
import { awsManagedKey, newKeyId, newKeyRow, PREDEFINED_AWS_ALIASES } from '../key-factory.js';
import { findKey, isPrimary, keySet, parseKeyRef, requireNotPendingDeletion, resolveKey, type KmsDeps } from '../key-lookup.js';
import type { KeyRow } from '../key-store.js';
import { generateMaterial } from '../key-material.js';
import { checkLockout, defaultKeyPolicy, validateKeyPolicy } from '../key-policy.js';
import { specInfo } from '../key-specs.js';
import { keyMetadata } from '../metadata.js';
import { decodeMarker, encodeMarker } from '../pagination.js';
import { validateTags } from './tags.js';

const DAY_MS = 86_400_000;

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html */
export async function createKey(deps: KmsDeps, ctx: RequestContext, input: S.CreateKeyRequest): Promise<S.CreateKeyResponse> {
  if (input.KeySpec && input.CustomerMasterKeySpec) {
    throw validation('You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.');
  }
  const spec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
  const origin = input.Origin ?? 'AWS_KMS';
  // No custom key stores exist on this server, so every reference to one names nothing.
  if (input.CustomKeyStoreId !== undefined || origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE') {
    throw new AwsError('CustomKeyStoreNotFoundException', '');
  }
  const info = specInfo(spec);
  if (!info) throw new AwsError('UnsupportedOperationException', `KeySpec ${spec} is not supported in this Region`);
  if (spec !== 'SYMMETRIC_DEFAULT' && input.KeyUsage === undefined) {
    throw validation('You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.');
  }
  const usage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
  if (!info.usages.includes(usage)) throw validation(`KeyUsage ${usage} is not compatible with KeySpec ${spec}`);
  const tags = validateTags(input.Tags);
  let policy = defaultKeyPolicy(ctx.accountId);
  if (input.Policy !== undefined) {
    const statements = validateKeyPolicy(input.Policy);
    if (!input.BypassPolicyLockoutSafetyCheck) checkLockout(statements, ctx.principal!);
    policy = input.Policy;
  }

  const now = deps.clock.now().toISOString();
  const key = newKeyRow({
    accountId: ctx.accountId, region: ctx.region, keyId: newKeyId(input.MultiRegion === true), spec, usage, origin,
    manager: 'CUSTOMER', multiRegion: input.MultiRegion === true, description: input.Description ?? '', policy, createdAt: now,
  });
  const materials = origin === 'AWS_KMS' ? [deps.materials.sealRow(key.arn, 1, await generateMaterial(spec), now)] : [];
  await deps.store.insertKey(key, materials, tags);
  return { KeyMetadata: await keyMetadata(deps, key) };
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
 * Works in every key state. A predefined AWS alias with no key yet gets its AWS managed key, as
 * AWS does ("KMS creates an AWS managed key ... and returns the KeyId and Arn of the new key").
 */
export async function describeKey(deps: KmsDeps, ctx: RequestContext, input: S.DescribeKeyRequest): Promise<S.DescribeKeyResponse> {
  const ref = parseKeyRef(ctx, input.KeyId, true);
  if (ref.kind === 'alias' && ref.accountId === ctx.accountId && PREDEFINED_AWS_ALIASES.includes(ref.aliasName)
    && !(await deps.store.findAlias(ref.accountId, ref.region, ref.aliasName))) {
    const key = await awsManagedKey(deps, ref.accountId, ref.region, ref.aliasName.slice('alias/aws/'.length));
    return { KeyMetadata: await keyMetadata(deps, key) };
  }
  return { KeyMetadata: await keyMetadata(deps, await findKey(deps, ref)) };
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeys.html */
export async function listKeys(deps: KmsDeps, ctx: RequestContext, input: S.ListKeysRequest): Promise<S.ListKeysResponse> {
  const limit = input.Limit ?? 100;
  const rows = await deps.store.listKeys(ctx.accountId, ctx.region, decodeMarker(input.Marker), limit + 1);
  const page = rows.slice(0, limit);
  const out: S.ListKeysResponse = { Keys: page.map((k) => ({ KeyId: k.key_id, KeyArn: k.arn })), Truncated: rows.length > limit };
  if (rows.length > limit) out.NextMarker = encodeMarker(page[page.length - 1]!.key_id);
  return out;
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_UpdateKeyDescription.html */
export async function updateKeyDescription(deps: KmsDeps, ctx: RequestContext, input: S.UpdateKeyDescriptionRequest): Promise<void> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  requireNotPendingDeletion(key);
  await deps.store.updateKey(key.arn, { description: input.Description });
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKey.html */
export async function enableKey(deps: KmsDeps, ctx: RequestContext, input: S.EnableKeyRequest): Promise<void> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  if (key.key_state === 'PendingImport') throw pendingImport(key.arn);
  requireNotPendingDeletion(key);
  if (key.key_state !== 'Enabled') await deps.store.updateKey(key.arn, { key_state: 'Enabled' });
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKey.html */
export async function disableKey(deps: KmsDeps, ctx: RequestContext, input: S.DisableKeyRequest): Promise<void> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  if (key.key_state === 'PendingImport') throw pendingImport(key.arn);
  requireNotPendingDeletion(key);
  if (key.key_state !== 'Disabled') await deps.store.updateKey(key.arn, { key_state: 'Disabled' });
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html
 * The model allows 1..365 days; the service takes 7..30 (default 30). A multi-Region primary with
 * replicas waits in PendingReplicaDeletion, without a date, until its last replica is deleted
 * (deletion-sweep.ts starts its window then).
 */
export async function scheduleKeyDeletion(deps: KmsDeps, ctx: RequestContext, input: S.ScheduleKeyDeletionRequest): Promise<S.ScheduleKeyDeletionResponse> {
  const days = input.PendingWindowInDays ?? 30;
  if (days < 7 || days > 30) throw validation(`PendingWindowInDays should be between 7 and 30, but it is ${days}`);
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  if (key.key_state === 'PendingDeletion' || key.key_state === 'PendingReplicaDeletion') throw pendingDeletion(key.arn);
  if (key.multi_region === 1 && isPrimary(key) && (await keySet(deps, key)).length > 1) {
    await deps.store.updateKey(key.arn, { key_state: 'PendingReplicaDeletion', deletion_date: null, pending_window_days: days });
    return { KeyId: key.arn, KeyState: 'PendingReplicaDeletion', PendingWindowInDays: days };
  }
  const deletionDate = new Date(deps.clock.now().getTime() + days * DAY_MS);
  await deps.store.updateKey(key.arn, { key_state: 'PendingDeletion', deletion_date: deletionDate.toISOString(), pending_window_days: days });
  return { KeyId: key.arn, DeletionDate: deletionDate, KeyState: 'PendingDeletion', PendingWindowInDays: days };
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CancelKeyDeletion.html — the key comes
 * back Disabled, or PendingImport if imported material is missing.
 */
export async function cancelKeyDeletion(deps: KmsDeps, ctx: RequestContext, input: S.CancelKeyDeletionRequest): Promise<S.CancelKeyDeletionResponse> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  if (key.key_state !== 'PendingDeletion' && key.key_state !== 'PendingReplicaDeletion') throw notPendingDeletion(key.arn);
  const state = (await missingMaterial(deps, key)) ? 'PendingImport' : 'Disabled';
  await deps.store.updateKey(key.arn, { key_state: state, deletion_date: null, pending_window_days: null });
  return { KeyId: key.arn };
}

/** Whether a key lacks material it needs (never imported, or imported and then deleted or expired). */
async function missingMaterial(deps: KmsDeps, key: KeyRow): Promise<boolean> {
  const current = key.current_material_version;
  if (current === null) return true;
  const rows = (await deps.store.materials(key.arn)).filter((m) => m.version <= current);
  return !rows.some((m) => m.version === current) || rows.some((m) => m.material_sealed === null);
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyLastUsage.html
 * Tracking starts when the key is created. The CloudTrail event id is not known to the service
 * (the trail assigns it), so only the KMS request id is returned.
 */
export async function getKeyLastUsage(deps: KmsDeps, ctx: RequestContext, input: S.GetKeyLastUsageRequest): Promise<S.GetKeyLastUsageResponse> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  const pending = deps.usage.peek(key.arn);
  const use = pending ?? (key.last_used_at
    ? { at: key.last_used_at, operation: key.last_used_operation!, requestId: key.last_used_request_id! }
    : undefined);
  const created = new Date(key.created_at);
  return {
    KeyId: key.arn,
    KeyLastUsage: use ? { Operation: use.operation as S.KeyLastUsageTrackingOperation, Timestamp: new Date(use.at), KmsRequestId: use.requestId } : {},
    TrackingStartDate: created,
    KeyCreationDate: created,
  };
}
