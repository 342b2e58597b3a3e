/**
 * The KMS part of the inventory, per Region: every key with its metadata; for customer managed
 * keys their key policy, and for the enabled symmetric ones with AWS key material, whether
 * automatic rotation is on.
 */
import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, paginateListKeys, type KeyMetadata, type KMSClient } from '@aws-sdk/client-kms';
import { rotationApplies, type Fetched, type KmsKey } from '../inventory.js';
import { attempt, collectPages, failed, iso, mapLimit, type Progress } from './util.js';

const FAN_OUT = 8;

async function keyDetails(kms: KMSClient, region: string, keyId: string, keyArn: string, progress: Progress): Promise<KmsKey> {
  const described = await attempt(progress, 'DescribeKey', async () => (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata);
  if (!described.ok) {
    // A key policy may keep the auditor out of one key: that key is judged ERROR, the others normally.
    return { id: keyId, arn: keyArn, region, manager: 'CUSTOMER', state: '', multiRegion: false, describeError: described.error };
  }
  const m: KeyMetadata = described.value ?? { KeyId: keyId };
  const key: KmsKey = {
    id: m.KeyId ?? keyId, arn: m.Arn ?? keyArn, region, manager: m.KeyManager ?? 'CUSTOMER', state: m.KeyState ?? '',
    spec: m.KeySpec, usage: m.KeyUsage, origin: m.Origin, multiRegion: m.MultiRegion ?? false, deletionDate: iso(m.DeletionDate),
  };
  if (key.manager === 'CUSTOMER') {
    key.policy = await attempt(progress, 'GetKeyPolicy', async () =>
      JSON.parse((await kms.send(new GetKeyPolicyCommand({ KeyId: key.id, PolicyName: 'default' }))).Policy ?? '{}') as Record<string, unknown>);
  }
  if (rotationApplies(key)) {
    key.rotationEnabled = await attempt(progress, 'GetKeyRotationStatus', async () =>
      (await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.id }))).KeyRotationEnabled ?? false);
  }
  return key;
}

/** Reads one Region's keys. */
export async function collectKmsRegion(kms: KMSClient, region: string, progress: Progress): Promise<Fetched<KmsKey[]>> {
  const list = await attempt(progress, 'ListKeys', () => collectPages(paginateListKeys({ client: kms }, {}), (p) => p.Keys));
  if (!list.ok) return failed(list.error);
  return { ok: true, value: await mapLimit(list.value, FAN_OUT, (k) => keyDetails(kms, region, k.KeyId ?? '', k.KeyArn ?? '', progress)) };
}
