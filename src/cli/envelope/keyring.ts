import {
  KeyringNode,
  KmsKeyringNode,
  MultiKeyringNode,
  type EncryptedDataKey,
  type KmsNodeClientSupplier,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/client-node';
import type { WrappingKeyGroup } from './args.js';

/** The KMS client supplier for one `--wrapping-keys` group (its profile and default region). */
export type SupplierFor = (group: WrappingKeyGroup) => KmsNodeClientSupplier;

/**
 * The keyring for `--wrapping-keys` groups, as aws-encryption-cli builds its master key providers:
 * on encrypt the first key of the first group generates the data key and every other key wraps
 * it too; on decrypt each group is a strict keyring (key ARNs) or a discovery keyring (with its
 * account/partition filter), and any of them may unwrap.
 */
export function buildKeyring(groups: WrappingKeyGroup[], mode: 'encrypt' | 'decrypt', supplierFor: SupplierFor): KeyringNode {
  const keyrings = groups.map((group, i) => {
    const clientProvider = supplierFor(group);
    if (mode === 'encrypt') {
      const [first, ...rest] = group.keys;
      return i === 0
        ? new KmsKeyringNode({ clientProvider, generatorKeyId: first, keyIds: rest })
        : new KmsKeyringNode({ clientProvider, keyIds: group.keys });
    }
    return group.discovery
      ? new KmsKeyringNode({ clientProvider, discovery: true, discoveryFilter: group.discoveryFilter })
      : new KmsKeyringNode({ clientProvider, keyIds: group.keys });
  });
  if (keyrings.length === 1) return keyrings[0]!;
  return mode === 'encrypt'
    ? new MultiKeyringNode({ generator: keyrings[0], children: keyrings.slice(1) })
    : new MultiKeyringNode({ children: keyrings });
}

/**
 * Wraps a keyring to learn which keys a message's data key is wrapped under before KMS is asked,
 * so a failure can say "wrapped under arn:..." instead of the SDK's "unencryptedDataKey has not
 * been set".
 */
export class ObservedKeyring extends KeyringNode {
  constructor(private readonly inner: KeyringNode, private readonly onKeys: (providerInfos: string[]) => void) {
    super();
  }

  override _onEncrypt(material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    return this.inner.onEncrypt(material);
  }

  override _onDecrypt(material: NodeDecryptionMaterial, edks: EncryptedDataKey[]): Promise<NodeDecryptionMaterial> {
    this.onKeys(edks.map((edk) => edk.providerInfo));
    return this.inner.onDecrypt(material, edks);
  }
}
