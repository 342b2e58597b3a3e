/**
 * Key material: generated per key spec with node:crypto, sealed by the root key before it is
 * stored, and opened into a small bounded cache so hot keys don't pay an unseal (and, for
 * asymmetric keys, a DER parse) on every request.
 *
 * - Sealed under AAD `kms/<key ARN>/material/<version>`: a sealed value copied to another key or
 *   version fails to open.
 * - The cache holds at most `maxEntries` opened materials, each for at most `ttlMs`, least
 *   recently used first out. Deleting a key evicts its entries at once.
 */
import { createHmac, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Sealer } from '../../crypto/root-key.js';
import type { KeyStore, MaterialRow } from './key-store.js';
import { specInfo } from './key-specs.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Material ready for use: the symmetric/HMAC secret, or the parsed key pair. */
export interface OpenedMaterial {
  version: number;
  materialId: string;
  /** SYMMETRIC_DEFAULT (32 bytes) and HMAC keys. */
  secret?: Buffer;
  privateKey?: KeyObject;
  publicKey?: KeyObject;
}

/** Freshly generated material, before sealing: the secret bytes and, if asymmetric, the public key. */
export interface GeneratedMaterial {
  /** 32 random bytes, the HMAC key, or the PKCS#8 DER private key. */
  secret: Buffer;
  /** SubjectPublicKeyInfo DER. */
  publicKey?: Buffer;
}

/** Generates material for a key spec (throws for a spec this server can't back). */
export async function generateMaterial(spec: string): Promise<GeneratedMaterial> {
  const info = specInfo(spec);
  if (!info) throw new Error(`no generator for key spec ${spec}`);
  switch (info.kind) {
    case 'symmetric': return { secret: randomBytes(32) };
    case 'hmac': return { secret: randomBytes(info.hmacBytes!) };
    case 'rsa': return exportPair(await generateKeyPairAsync('rsa', { modulusLength: info.rsaBits!, publicExponent: 0x10001 }));
    case 'ecc': return exportPair(await generateKeyPairAsync('ec', { namedCurve: info.curve! }));
    case 'ed25519': return exportPair(await generateKeyPairAsync('ed25519'));
  }
}

function exportPair(pair: { privateKey: KeyObject; publicKey: KeyObject }): GeneratedMaterial {
  return {
    secret: pair.privateKey.export({ type: 'pkcs8', format: 'der' }),
    publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }),
  };
}

/** The seal AAD of a key's material version. */
export function materialAad(keyArn: string, version: number): string {
  return `kms/${keyArn}/material/${version}`;
}

/** A new KeyMaterialId: 64 hex characters, as AWS's BackingKeyIdType; random, so it reveals nothing. */
export function newMaterialId(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The KeyMaterialId of imported material. AWS derives it "based on the KMS key ID and the imported
 * key material", so re-importing the same material (into the key, or into a replica, which shares
 * the key id) yields the same id and different material a different one. Here: HMAC-SHA256 keyed
 * by the material over the key id, so the id is a one-way function of the secret.
 */
export function importedMaterialId(keyId: string, secret: Buffer): string {
  return createHmac('sha256', secret).update(`coffer/kms/key-material-id/v1/${keyId}`).digest('hex');
}

interface CacheEntry {
  value: OpenedMaterial;
  expires: number;
}

/** Seals material for storage and opens it through a bounded, short-lived cache. */
export class KeyMaterials {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly store: KeyStore,
    private readonly sealer: Sealer,
    private readonly options: { maxEntries: number; ttlMs: number } = { maxEntries: 1024, ttlMs: 5 * 60_000 },
  ) {}

  /**
   * A material row ready to insert: the secret sealed, the public key (if any) in the clear.
   * `materialId` keeps a KeyMaterialId across a multi-Region set or a re-import (default: random).
   */
  sealRow(keyArn: string, version: number, material: GeneratedMaterial, createdAt: string, options: { imported?: boolean; materialId?: string } = {}): MaterialRow {
    return {
      key_arn: keyArn, version, material_id: options.materialId ?? newMaterialId(),
      material_sealed: this.seal(keyArn, version, material.secret),
      public_key: material.publicKey ?? null,
      imported: options.imported ? 1 : 0, created_at: createdAt, expires_at: null,
      expiration_model: null, description: null, rotation_type: null, rotated_at: null,
    };
  }

  /** Seals a secret as material `version` of a key. */
  seal(keyArn: string, version: number, secret: Buffer): Buffer {
    return this.sealer.seal(materialAad(keyArn, version), secret);
  }

  /**
   * The secret of material `version`, unsealed (for re-sealing under a replica's ARN); undefined if
   * the key has no such material or it is not present (deleted imported material).
   */
  async secret(keyArn: string, version: number): Promise<Buffer | undefined> {
    const row = await this.store.material(keyArn, version);
    return row?.material_sealed ? this.sealer.open(materialAad(keyArn, version), row.material_sealed) : undefined;
  }

  /** Opens material `version` of a key; undefined if the key has no such material, or it is not present. */
  async open(keyArn: string, spec: string, version: number): Promise<OpenedMaterial | undefined> {
    const id = `${version}#${keyArn}`;
    const now = performance.now();
    const hit = this.cache.get(id);
    if (hit && hit.expires > now) {
      // Re-insert to mark it most recently used (a Map iterates in insertion order).
      this.cache.delete(id);
      this.cache.set(id, hit);
      return hit.value;
    }
    this.cache.delete(id);
    const row = await this.store.material(keyArn, version);
    if (!row?.material_sealed) return undefined;
    const value = this.unseal(row, row.material_sealed, spec);
    this.cache.set(id, { value, expires: now + this.options.ttlMs });
    while (this.cache.size > this.options.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }

  /** Drops every opened material of a key (deleted key, deleted or replaced material). */
  evict(keyArn: string): void {
    for (const id of [...this.cache.keys()]) {
      if (id.endsWith(`#${keyArn}`)) this.cache.delete(id);
    }
  }

  private unseal(row: MaterialRow, sealed: Buffer, spec: string): OpenedMaterial {
    const secret = this.sealer.open(materialAad(row.key_arn, row.version), sealed);
    const base = { version: row.version, materialId: row.material_id };
    const kind = specInfo(spec)?.kind;
    if (kind === 'symmetric' || kind === 'hmac') return { ...base, secret };
    const privateKey = createPrivateKey({ key: secret, format: 'der', type: 'pkcs8' });
    secret.fill(0);
    const publicKey = row.public_key ? createPublicKey({ key: row.public_key, format: 'der', type: 'spki' }) : createPublicKey(privateKey);
    return { ...base, privateKey, publicKey };
  }
}
