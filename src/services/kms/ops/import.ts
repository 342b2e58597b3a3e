/**
 * Imported key material: GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial.
 * https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html
 *
 * A key of EXTERNAL origin starts PendingImport. Its first import becomes material version 1; after
 * that, importing the same material again (ImportType EXISTING_KEY_MATERIAL, the default then)
 * restores deleted or expired material or changes its expiration, and different material is
 * IncorrectKeyMaterialException. Symmetric keys may also take NEW_KEY_MATERIAL, which waits as
 * "pending rotation" until RotateKeyOnDemand makes it current (ops/rotation.ts). Replicas of a
 * multi-Region key import the materials of their primary.
 */
import { generateKeyPair, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type * as S from '../../../generated/kms/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import {
  incorrectKeyMaterial, pendingDeletion, pendingImport, stateConflict, unsupported, validation, wrongOrigin,
} from '../errors.js';
import { AwsError } from '../../../errors.js';
import { checkMaterial, IMPORT_TOKEN_TTL_MS, openImportToken, sealImportToken, unwrapMaterial } from '../import-wrapping.js';
import { isPrimary, keySet, resolveKey, type KmsDeps } from '../key-lookup.js';
import { keyLockId } from '../key-locks.js';
import { importedMaterialId } from '../key-material.js';
import type { KeyRow, KeyUpdate, MaterialChange, MaterialRow } from '../key-store.js';
import { specInfo } from '../key-specs.js';

const generateKeyPairAsync = promisify(generateKeyPair);
const DAY_MS = 86_400_000;

/** The key of an import operation: EXTERNAL origin, not pending deletion. */
async function externalKey(deps: KmsDeps, ctx: RequestContext, keyId: string): Promise<KeyRow> {
  const key = await resolveKey(deps, ctx, keyId, false);
  if (key.origin !== 'EXTERNAL') throw wrongOrigin(key.arn, key.origin);
  if (key.key_state === 'PendingDeletion' || key.key_state === 'PendingReplicaDeletion') throw pendingDeletion(key.arn);
  return key;
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_GetParametersForImport.html */
export async function getParametersForImport(deps: KmsDeps, ctx: RequestContext, input: S.GetParametersForImportRequest): Promise<S.GetParametersForImportResponse> {
  const key = await externalKey(deps, ctx, input.KeyId);
  // SM2 exists only in AWS's China Regions; PKCS#1 v1.5 wrapping was withdrawn by AWS (and OpenSSL 3 refuses it).
  if (input.WrappingKeySpec === 'SM2' || input.WrappingAlgorithm === 'SM2PKE') {
    throw unsupported(`WrappingKeySpec ${input.WrappingKeySpec} with WrappingAlgorithm ${input.WrappingAlgorithm} is not supported in this Region.`);
  }
  if (input.WrappingAlgorithm === 'RSAES_PKCS1_V1_5') throw validation('The wrapping algorithm RSAES_PKCS1_V1_5 is no longer supported.');
  const bits = Number(input.WrappingKeySpec.slice('RSA_'.length));
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  const validTo = new Date(deps.clock.now().getTime() + IMPORT_TOKEN_TTL_MS);
  return {
    KeyId: key.arn,
    ImportToken: sealImportToken(deps.sealer, key.arn, input.WrappingAlgorithm, privateKey, validTo),
    PublicKey: publicKey.export({ type: 'spki', format: 'der' }),
    ParametersValidTo: validTo,
  };
}

/** ExpirationModel (default KEY_MATERIAL_EXPIRES) and ValidTo, checked as AWS does. */
function expiration(deps: KmsDeps, input: S.ImportKeyMaterialRequest): { expiration_model: string; expires_at: string | null } {
  const model = input.ExpirationModel ?? 'KEY_MATERIAL_EXPIRES';
  if (model === 'KEY_MATERIAL_DOES_NOT_EXPIRE') {
    if (input.ValidTo !== undefined) throw validation('A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE');
    return { expiration_model: model, expires_at: null };
  }
  if (input.ValidTo === undefined) throw validation('A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES');
  const now = deps.clock.now().getTime();
  if (input.ValidTo.getTime() <= now || input.ValidTo.getTime() > now + 365 * DAY_MS) {
    throw validation('The validTo date must be in the future and at most 365 days from now.');
  }
  return { expiration_model: model, expires_at: input.ValidTo.toISOString() };
}

function sameId(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** The key's state and expiration once its materials are as in `rows` (current material decides the expiration). */
function keyPatchFor(key: KeyRow, rows: MaterialRow[], currentVersion: number): KeyUpdate {
  const current = rows.find((r) => r.version === currentVersion);
  const complete = rows.filter((r) => r.version <= currentVersion).every((r) => r.material_sealed !== null);
  const patch: KeyUpdate = { current_material_version: currentVersion, expiration_model: current?.expiration_model ?? null, valid_to: current?.expires_at ?? null };
  if (key.key_state === 'PendingImport' && complete) patch.key_state = 'Enabled';
  return patch;
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html */
export async function importKeyMaterial(deps: KmsDeps, ctx: RequestContext, input: S.ImportKeyMaterialRequest): Promise<S.ImportKeyMaterialResponse> {
  const key = await externalKey(deps, ctx, input.KeyId);
  const symmetric = specInfo(key.key_spec)?.kind === 'symmetric';
  if (!symmetric && (input.ImportType !== undefined || input.KeyMaterialId !== undefined || input.KeyMaterialDescription !== undefined)) {
    throw validation('ImportType, KeyMaterialId and KeyMaterialDescription are only supported for symmetric encryption KMS keys.');
  }
  const expiry = expiration(deps, input);
  const token = openImportToken(deps.sealer, key.arn, input.ImportToken, deps.clock.now());
  const unwrapped = unwrapMaterial(token, input.EncryptedKeyMaterial);
  const material = checkMaterial(key.key_spec, unwrapped);
  const id = importedMaterialId(key.key_id, material.secret);
  if (input.KeyMaterialId !== undefined && input.ImportType === 'NEW_KEY_MATERIAL') {
    throw validation('You cannot specify a KeyMaterialId with ImportType NEW_KEY_MATERIAL.');
  }
  if (input.KeyMaterialId !== undefined && !sameId(id, input.KeyMaterialId)) {
    throw incorrectKeyMaterial(`The key material does not match key material ${input.KeyMaterialId} of ${key.arn}.`);
  }
  try {
    await deps.locks.run(keyLockId(key.account_id, key.key_id), async () => {
      const fresh = (await deps.store.findKeyByArn(key.arn)) ?? key;
      const rows = await deps.store.materials(key.arn);
      // Replicas only ever take their primary's materials, so for them EXISTING is the default too.
      const importType = input.ImportType ?? (rows.length === 0 && isPrimary(fresh) ? 'NEW_KEY_MATERIAL' : 'EXISTING_KEY_MATERIAL');
      const now = deps.clock.now().toISOString();
      const fields = { ...expiry, ...(input.KeyMaterialDescription !== undefined ? { description: input.KeyMaterialDescription } : {}) };
      let change: MaterialChange;
      if (importType === 'NEW_KEY_MATERIAL') {
        change = newMaterial(deps, fresh, rows, id, material, fields, now);
      } else {
        change = await existingMaterial(deps, fresh, rows, id, material, fields);
      }
      await deps.store.writeMaterials(change);
    });
  } finally {
    material.secret.fill(0);
    unwrapped.fill(0);
  }
  deps.materials.evict(key.arn);
  return { KeyId: key.arn, ...(symmetric ? { KeyMaterialId: id } : {}) };
}

type ImportFields = { expiration_model: string; expires_at: string | null; description?: string };

function newMaterial(deps: KmsDeps, key: KeyRow, rows: MaterialRow[], id: string, material: { secret: Buffer; publicKey?: Buffer }, fields: ImportFields, now: string): MaterialChange {
  if (!isPrimary(key)) throw unsupported(`New key material can be imported only into the primary key of a multi-Region key; ${key.arn} is a replica.`);
  if (rows.some((r) => r.material_id === id)) {
    throw incorrectKeyMaterial(`This key material is already associated with ${key.arn}: import it with ImportType EXISTING_KEY_MATERIAL.`);
  }
  const current = key.current_material_version ?? 0;
  const pending = rows.find((r) => r.version > current);
  if (pending) {
    // AWS names the key by its id here (not its ARN, as elsewhere).
    throw stateConflict(`New key material (id: ${id}) cannot be imported into KMS key ${key.key_id}, because another key material (id: ${pending.material_id}) is pending rotation.`);
  }
  const version = (rows.at(-1)?.version ?? 0) + 1;
  const row: MaterialRow = { ...deps.materials.sealRow(key.arn, version, material, now, { imported: true, materialId: id }), ...fields, description: fields.description ?? null };
  // The first material is current at once; later ones wait for RotateKeyOnDemand.
  if (rows.length > 0) return { insert: [row] };
  return { insert: [row], keys: [{ arn: key.arn, patch: keyPatchFor(key, [row], version) }] };
}

async function existingMaterial(deps: KmsDeps, key: KeyRow, rows: MaterialRow[], id: string, material: { secret: Buffer; publicKey?: Buffer }, fields: ImportFields): Promise<MaterialChange> {
  const sealed = { material_sealed: null as Buffer | null, public_key: material.publicKey ?? null, ...fields };
  const match = rows.find((r) => r.material_id === id);
  if (match) {
    sealed.material_sealed = deps.materials.seal(key.arn, match.version, material.secret);
    const after = rows.map((r) => (r.version === match.version ? { ...r, ...sealed } : r));
    return {
      update: [{ keyArn: key.arn, version: match.version, patch: sealed }],
      keys: [{ arn: key.arn, patch: keyPatchFor(key, after, key.current_material_version ?? match.version) }],
    };
  }
  // A replica may take material its primary holds but it doesn't yet (material imported into the
  // primary for a rotation): it joins at the primary's version.
  const primary = isPrimary(key) ? undefined : (await keySet(deps, key)).find((k) => isPrimary(k));
  const theirs = primary && (await deps.store.materials(primary.arn)).find((r) => r.material_id === id);
  if (!theirs) throw incorrectKeyMaterial(`The key material does not match any key material previously imported into ${key.arn}.`);
  const row: MaterialRow = { ...deps.materials.sealRow(key.arn, theirs.version, material, theirs.created_at, { imported: true, materialId: id }), ...fields, description: fields.description ?? theirs.description };
  const after = [...rows, row];
  const current = key.current_material_version ?? primary.current_material_version ?? theirs.version;
  return { insert: [row], keys: [{ arn: key.arn, patch: keyPatchFor(key, after, current) }] };
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_DeleteImportedKeyMaterial.html
 * The current material by default, or the one KeyMaterialId names. The key becomes PendingImport
 * (unless it is pending deletion) until the same material is imported again; material imported
 * for a rotation that hasn't happened is simply dropped (on a primary, from its replicas too).
 */
export async function deleteImportedKeyMaterial(deps: KmsDeps, ctx: RequestContext, input: S.DeleteImportedKeyMaterialRequest): Promise<S.DeleteImportedKeyMaterialResponse> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  if (key.origin !== 'EXTERNAL') throw wrongOrigin(key.arn, key.origin);
  const deleted = await deps.locks.run(keyLockId(key.account_id, key.key_id), async () => {
    const fresh = (await deps.store.findKeyByArn(key.arn)) ?? key;
    const rows = await deps.store.materials(key.arn);
    const target = input.KeyMaterialId !== undefined
      ? rows.find((r) => r.material_id === input.KeyMaterialId)
      : rows.find((r) => r.version === fresh.current_material_version);
    if (!target) {
      if (input.KeyMaterialId === undefined) throw pendingImport(key.arn);
      throw new AwsError('NotFoundException', `Key material ${input.KeyMaterialId} is not associated with ${key.arn}`);
    }
    if (fresh.current_material_version !== null && target.version > fresh.current_material_version) {
      const copies = isPrimary(fresh) ? await keySet(deps, fresh) : [fresh];
      await deps.store.writeMaterials({ remove: copies.map((c) => ({ keyArn: c.arn, version: target.version })) });
      for (const c of copies) deps.materials.evict(c.arn);
      return target;
    }
    const cleared = { material_sealed: null, expires_at: null, expiration_model: null };
    const keyPatch: KeyUpdate = target.version === fresh.current_material_version ? { expiration_model: null, valid_to: null } : {};
    if (fresh.key_state !== 'PendingDeletion' && fresh.key_state !== 'PendingReplicaDeletion') keyPatch.key_state = 'PendingImport';
    await deps.store.writeMaterials({ update: [{ keyArn: key.arn, version: target.version, patch: cleared }], keys: [{ arn: key.arn, patch: keyPatch }] });
    return target;
  });
  deps.materials.evict(key.arn);
  return { KeyId: key.arn, ...(specInfo(key.key_spec)?.kind === 'symmetric' ? { KeyMaterialId: deleted.material_id } : {}) };
}
