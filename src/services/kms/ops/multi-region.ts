/**
 * Multi-Region keys: ReplicateKey and UpdatePrimaryRegion. Replicas live in other Regions of this
 * same server (requests are scoped by the Region of their SigV4 credential scope).
 * https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
 *
 * A replica shares the key id, spec, usage, origin, materials (same versions and KeyMaterialIds,
 * re-sealed under the replica's ARN) and rotation settings of its primary; its policy, tags,
 * description, aliases, grants and key state are its own. A replica of an EXTERNAL key starts
 * without material: the same material must be imported into it (ops/import.ts).
 */
import type * as S from '../../../generated/kms/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { AwsError } from '../../../errors.js';
import { disabled, notFoundKey, notPrimary, pendingDeletion } from '../errors.js';
import { newKeyRow } from '../key-factory.js';
import { isPrimary, keyArn, keySet, resolveKey, type KmsDeps } from '../key-lookup.js';
import { keyLockId } from '../key-locks.js';
import type { KeyRow, MaterialRow } from '../key-store.js';
import { checkLockout, defaultKeyPolicy, validateKeyPolicy } from '../key-policy.js';
import { keyMetadata } from '../metadata.js';
import { validateTags } from './tags.js';

function requireLive(key: KeyRow): void {
  if (key.key_state === 'PendingDeletion' || key.key_state === 'PendingReplicaDeletion') throw pendingDeletion(key.arn);
  if (key.key_state === 'Disabled') throw disabled(key.arn);
}

/** The replica's copies of the primary's materials: re-sealed, or (imported material) awaiting import. */
async function replicaMaterials(deps: KmsDeps, primary: KeyRow, replicaArn: string): Promise<MaterialRow[]> {
  const rows: MaterialRow[] = [];
  for (const m of await deps.store.materials(primary.arn)) {
    // Imported material pending rotation is not the key's yet: replicas import it themselves.
    if (primary.current_material_version === null || m.version > primary.current_material_version) continue;
    if (primary.origin === 'EXTERNAL') {
      rows.push({ ...m, key_arn: replicaArn, material_sealed: null, expires_at: null, expiration_model: null });
      continue;
    }
    const secret = await deps.materials.secret(primary.arn, m.version);
    if (!secret) continue;
    rows.push({ ...m, key_arn: replicaArn, material_sealed: deps.materials.seal(replicaArn, m.version, secret) });
    secret.fill(0);
  }
  return rows;
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_ReplicateKey.html */
export async function replicateKey(deps: KmsDeps, ctx: RequestContext, input: S.ReplicateKeyRequest): Promise<S.ReplicateKeyResponse> {
  const primary = await resolveKey(deps, ctx, input.KeyId, false);
  if (primary.multi_region !== 1 || !isPrimary(primary)) throw notPrimary(primary.arn);
  requireLive(primary);
  const tags = validateTags(input.Tags);
  let policy = defaultKeyPolicy(primary.account_id);
  if (input.Policy !== undefined) {
    const statements = validateKeyPolicy(input.Policy);
    if (!input.BypassPolicyLockoutSafetyCheck) checkLockout(statements, ctx.principal!);
    policy = input.Policy;
  }
  const replica = await deps.locks.run(keyLockId(primary.account_id, primary.key_id), async () => {
    const set = await keySet(deps, primary);
    const arn = keyArn(input.ReplicaRegion, primary.account_id, primary.key_id);
    if (set.some((k) => k.region === input.ReplicaRegion)) throw new AwsError('AlreadyExistsException', `Key '${arn}' already exists`);
    const fresh = set.find((k) => k.arn === primary.arn) ?? primary;
    const materials = await replicaMaterials(deps, fresh, arn);
    const row: KeyRow = {
      ...newKeyRow({
        accountId: fresh.account_id, region: input.ReplicaRegion, keyId: fresh.key_id, spec: fresh.key_spec, usage: fresh.key_usage,
        origin: fresh.origin, manager: 'CUSTOMER', multiRegion: true, description: input.Description ?? '', policy,
        createdAt: deps.clock.now().toISOString(),
      }),
      primary_region: fresh.primary_region,
      current_material_version: fresh.current_material_version,
      rotation_period_days: fresh.rotation_period_days, next_rotation_date: fresh.next_rotation_date,
    };
    if (fresh.origin === 'EXTERNAL') row.key_state = 'PendingImport';
    await deps.store.insertKey(row, materials, tags);
    return row;
  });
  // AWS answers while the replica is still being created; here it is usable at once, and the next
  // DescribeKey says so.
  const meta = await keyMetadata(deps, replica);
  delete meta.CurrentKeyMaterialId;
  return {
    ReplicaKeyMetadata: { ...meta, KeyState: 'Creating', Enabled: false },
    ReplicaPolicy: policy,
    ReplicaTags: tags.map((t) => ({ TagKey: t.key, TagValue: t.value })),
  };
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_UpdatePrimaryRegion.html
 * KeyId names the current primary; the replica in PrimaryRegion becomes the primary and the
 * former primary a replica, on every copy of the set at once.
 */
export async function updatePrimaryRegion(deps: KmsDeps, ctx: RequestContext, input: S.UpdatePrimaryRegionRequest): Promise<void> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  if (key.multi_region !== 1 || !isPrimary(key)) throw notPrimary(key.arn);
  requireLive(key);
  await deps.locks.run(keyLockId(key.account_id, key.key_id), async () => {
    const set = await keySet(deps, key);
    const target = set.find((k) => k.region === input.PrimaryRegion);
    if (!target) throw notFoundKey(keyArn(input.PrimaryRegion, key.account_id, key.key_id));
    if (target.arn === key.arn) return;
    requireLive(target);
    await deps.store.writeMaterials({ keys: set.map((k) => ({ arn: k.arn, patch: { primary_region: input.PrimaryRegion } })) });
  });
}
