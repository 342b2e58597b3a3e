/**
 * KeyMetadata as AWS returns it from CreateKey and DescribeKey: fields present exactly where AWS
 * puts them (e.g. CurrentKeyMaterialId only for symmetric keys with material, the algorithm list
 * of the key's usage only, MultiRegionConfiguration only for multi-Region keys).
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyMetadata.html
 */
import type { CustomerMasterKeySpec, KeyMetadata, KeySpec, KeyState, KeyUsageType, OriginType } from '../../generated/kms/shapes.js';
import type { KmsDeps } from './key-lookup.js';
import type { KeyRow } from './key-store.js';
import { specInfo } from './key-specs.js';

export async function keyMetadata(deps: KmsDeps, key: KeyRow): Promise<KeyMetadata> {
  const info = specInfo(key.key_spec);
  const usage = key.key_usage as KeyUsageType;
  const meta: KeyMetadata = {
    AWSAccountId: key.account_id,
    KeyId: key.key_id,
    Arn: key.arn,
    CreationDate: new Date(key.created_at),
    Enabled: key.key_state === 'Enabled',
    Description: key.description,
    KeyUsage: usage,
    KeyState: key.key_state as KeyState,
    Origin: key.origin as OriginType,
    KeyManager: key.key_manager,
    // Deprecated but still returned by AWS; every spec this server backs exists in both enums.
    CustomerMasterKeySpec: key.key_spec as CustomerMasterKeySpec,
    KeySpec: key.key_spec as KeySpec,
    MultiRegion: key.multi_region === 1,
  };
  if (key.deletion_date && key.key_state === 'PendingDeletion') meta.DeletionDate = new Date(key.deletion_date);
  if (key.key_state === 'PendingReplicaDeletion' && key.pending_window_days !== null) meta.PendingDeletionWindowInDays = key.pending_window_days;
  if (key.expiration_model) meta.ExpirationModel = key.expiration_model as KeyMetadata['ExpirationModel'];
  if (key.valid_to && key.expiration_model === 'KEY_MATERIAL_EXPIRES') meta.ValidTo = new Date(key.valid_to);
  if (usage === 'ENCRYPT_DECRYPT') meta.EncryptionAlgorithms = info?.encryption;
  if (usage === 'SIGN_VERIFY') meta.SigningAlgorithms = info?.signing;
  if (usage === 'GENERATE_VERIFY_MAC') meta.MacAlgorithms = info?.mac;
  if (usage === 'KEY_AGREEMENT') meta.KeyAgreementAlgorithms = info?.agreement;
  if (info?.kind === 'symmetric' && key.current_material_version !== null) {
    meta.CurrentKeyMaterialId = (await deps.store.material(key.arn, key.current_material_version))?.material_id;
  }
  if (key.multi_region === 1) {
    const set = await deps.store.multiRegionSet(key.account_id, key.key_id);
    const primary = set.find((k) => k.region === k.primary_region) ?? key;
    meta.MultiRegionConfiguration = {
      MultiRegionKeyType: key.region === key.primary_region ? 'PRIMARY' : 'REPLICA',
      PrimaryKey: { Arn: primary.arn, Region: primary.region },
      ReplicaKeys: set.filter((k) => k.arn !== primary.arn).map((k) => ({ Arn: k.arn, Region: k.region })),
    };
  }
  return meta;
}
