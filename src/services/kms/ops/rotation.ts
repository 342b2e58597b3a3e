/**
 * Key rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand,
 * ListKeyRotations, and the rotation itself (shared with the automatic rotation job).
 * https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
 *
 * Rotating adds a material version and makes it current: ciphertexts name the version that sealed
 * them, so old ones keep decrypting and new ones use the newest material. A multi-Region key
 * rotates as a set: the new version reaches every Region's copy at once, and rotation settings are
 * the primary's, mirrored on every copy.
 */
import type * as S from '../../../generated/kms/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { limitExceeded, notPrimary, stateConflict, unsupported, wrongOrigin } from '../errors.js';
import { isPrimary, keySet, requireEnabled, resolveKey, type KmsDeps } from '../key-lookup.js';
import { keyLockId } from '../key-locks.js';
import { generateMaterial, newMaterialId } from '../key-material.js';
import type { KeyRow, KeyUpdate, MaterialChange, MaterialRow } from '../key-store.js';
import { specInfo } from '../key-specs.js';
import { paginate } from '../pagination.js';

/** Rotation periods, deletion windows and the like are whole days of service time. */
export const DAY_MS = 86_400_000;
/** AWS's quota of on-demand rotations per key. https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html */
export const ON_DEMAND_ROTATION_LIMIT = 25;

/** Automatic rotation and on-demand rotation take symmetric customer keys only, rotated at the primary. */
function checkRotatable(key: KeyRow): void {
  if (specInfo(key.key_spec)?.kind !== 'symmetric') throw unsupported();
  if (key.key_manager === 'AWS') throw unsupported();
  if (!isPrimary(key)) throw notPrimary(key.arn);
}

async function rotationSettings(deps: KmsDeps, key: KeyRow, period: number | null, next: string | null): Promise<void> {
  const patch = { rotation_period_days: period, next_rotation_date: next };
  await deps.store.writeMaterials({ keys: (await keySet(deps, key)).map((k) => ({ arn: k.arn, patch })) });
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html */
export async function enableKeyRotation(deps: KmsDeps, ctx: RequestContext, input: S.EnableKeyRotationRequest): Promise<void> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  requireEnabled(key);
  checkRotatable(key);
  if (key.origin !== 'AWS_KMS') throw wrongOrigin(key.arn, key.origin);
  const period = input.RotationPeriodInDays ?? 365;
  await deps.locks.run(keyLockId(key.account_id, key.key_id), async () => {
    const current = (await deps.store.findKeyByArn(key.arn)) ?? key;
    const now = deps.clock.now().getTime();
    // A changed period keeps the schedule's anchor (the last rotation, or when rotation was enabled).
    const anchor = current.rotation_period_days !== null && current.next_rotation_date !== null
      ? new Date(current.next_rotation_date).getTime() - current.rotation_period_days * DAY_MS
      : now;
    await rotationSettings(deps, current, period, new Date(anchor + period * DAY_MS).toISOString());
  });
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKeyRotation.html */
export async function disableKeyRotation(deps: KmsDeps, ctx: RequestContext, input: S.DisableKeyRotationRequest): Promise<void> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  requireEnabled(key);
  checkRotatable(key);
  if (key.origin !== 'AWS_KMS') throw wrongOrigin(key.arn, key.origin);
  await deps.locks.run(keyLockId(key.account_id, key.key_id), () => rotationSettings(deps, key, null, null));
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyRotationStatus.html
 * Works in every key state; false for keys that cannot rotate automatically and while the key is
 * pending deletion (the setting comes back if the deletion is cancelled). Rotations here complete
 * within the request, so there is never an OnDemandRotationStartDate to report.
 */
export async function getKeyRotationStatus(deps: KmsDeps, ctx: RequestContext, input: S.GetKeyRotationStatusRequest): Promise<S.GetKeyRotationStatusResponse> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  const pending = key.key_state === 'PendingDeletion' || key.key_state === 'PendingReplicaDeletion';
  if (key.rotation_period_days === null || key.next_rotation_date === null || pending) return { KeyId: key.arn, KeyRotationEnabled: false };
  return {
    KeyId: key.arn, KeyRotationEnabled: true,
    RotationPeriodInDays: key.rotation_period_days, NextRotationDate: new Date(key.next_rotation_date),
  };
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html
 * AWS_KMS keys get fresh material; EXTERNAL keys switch to the material imported for rotation
 * (ImportKeyMaterial with ImportType NEW_KEY_MATERIAL), which every replica must also hold.
 */
export async function rotateKeyOnDemand(deps: KmsDeps, ctx: RequestContext, input: S.RotateKeyOnDemandRequest): Promise<S.RotateKeyOnDemandResponse> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  requireEnabled(key);
  checkRotatable(key);
  await deps.locks.run(keyLockId(key.account_id, key.key_id), async () => {
    const materials = await deps.store.materials(key.arn);
    if (materials.filter((m) => m.rotation_type === 'ON_DEMAND').length >= ON_DEMAND_ROTATION_LIMIT) {
      throw limitExceeded(`The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.arn}`);
    }
    await rotate(deps, key, 'ON_DEMAND');
  });
  return { KeyId: key.arn };
}

/**
 * Rotates a key (with its replicas) now, applying `keyPatch` to every copy in the same
 * transaction; the caller holds the key's lock. AWS_KMS origin: a new
 * random material version on every copy, sealed under each copy's ARN, with one KeyMaterialId.
 * EXTERNAL origin: the pending imported version becomes current on every copy.
 */
export async function rotate(deps: KmsDeps, key: KeyRow, type: 'AUTOMATIC' | 'ON_DEMAND', keyPatch: KeyUpdate = {}): Promise<void> {
  const set = await keySet(deps, key);
  const now = deps.clock.now().toISOString();
  const change: MaterialChange = { keys: [], insert: [], update: [] };
  if (key.origin === 'EXTERNAL') {
    const current = key.current_material_version ?? 0;
    for (const copy of set) {
      const pending = (await deps.store.materials(copy.arn)).find((m) => m.version > current);
      if (!pending?.material_sealed) throw stateConflict(`No available key material pending rotation for the key: ${key.arn}.`);
      change.update!.push({ keyArn: copy.arn, version: pending.version, patch: { rotation_type: type, rotated_at: now } });
      change.keys!.push({ arn: copy.arn, patch: { ...keyPatch, current_material_version: pending.version, expiration_model: pending.expiration_model, valid_to: pending.expires_at } });
    }
  } else {
    const versions = await Promise.all(set.map(async (copy) => (await deps.store.materials(copy.arn)).at(-1)?.version ?? 0));
    const version = Math.max(...versions) + 1;
    const secret = (await generateMaterial('SYMMETRIC_DEFAULT')).secret;
    const materialId = newMaterialId();
    for (const copy of set) {
      const row: MaterialRow = { ...deps.materials.sealRow(copy.arn, version, { secret }, now, { materialId }), rotation_type: type, rotated_at: now };
      change.insert!.push(row);
      change.keys!.push({ arn: copy.arn, patch: { ...keyPatch, current_material_version: version } });
    }
    secret.fill(0);
  }
  await deps.store.writeMaterials(change);
}

/** The state ListKeyRotations gives a material of a key. */
function materialState(key: KeyRow, m: MaterialRow, replicasMissing: boolean): S.KeyMaterialState {
  if (m.version === key.current_material_version) return 'CURRENT';
  if (key.current_material_version !== null && m.version > key.current_material_version) {
    return replicasMissing ? 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION' : 'PENDING_ROTATION';
  }
  return 'NON_CURRENT';
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeyRotations.html
 * ROTATIONS_ONLY (the default) lists the versions made by rotations; ALL_KEY_MATERIAL adds the
 * first material and imported material pending rotation. Import fields appear for EXTERNAL keys only.
 */
export async function listKeyRotations(deps: KmsDeps, ctx: RequestContext, input: S.ListKeyRotationsRequest): Promise<S.ListKeyRotationsResponse> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  if (specInfo(key.key_spec)?.kind !== 'symmetric') throw unsupported();
  const all = input.IncludeKeyMaterial === 'ALL_KEY_MATERIAL';
  const materials = await deps.store.materials(key.arn);
  const replicas = isPrimary(key) ? (await keySet(deps, key)).filter((k) => k.arn !== key.arn) : [];
  const replicaIds = await Promise.all(replicas.map(async (r) => new Set((await deps.store.materials(r.arn)).filter((m) => m.material_sealed).map((m) => m.material_id))));
  const entries = materials
    .map((m) => ({ m, state: materialState(key, m, replicaIds.some((ids) => !ids.has(m.material_id))) }))
    .filter(({ m, state }) => all || (m.rotation_type !== null && !state.startsWith('PENDING')));
  const { page, ...rest } = paginate(entries, ({ m }) => String(m.version).padStart(10, '0'), input.Marker, input.Limit ?? 100);
  return {
    Rotations: page.map(({ m, state }) => {
      const entry: S.RotationsListEntry = { KeyId: key.arn, KeyMaterialId: m.material_id, KeyMaterialState: state };
      if (m.rotation_type && !state.startsWith('PENDING')) {
        entry.RotationType = m.rotation_type as S.RotationType;
        entry.RotationDate = new Date(m.rotated_at!);
      }
      if (key.origin === 'EXTERNAL') {
        if (m.description !== null) entry.KeyMaterialDescription = m.description;
        entry.ImportState = m.material_sealed ? 'IMPORTED' : 'PENDING_IMPORT';
        if (m.expiration_model) entry.ExpirationModel = m.expiration_model as S.ExpirationModelType;
        if (m.expiration_model === 'KEY_MATERIAL_EXPIRES' && m.expires_at) entry.ValidTo = new Date(m.expires_at);
      }
      return entry;
    }),
    ...rest,
  };
}
