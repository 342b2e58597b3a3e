/**
 * Encryption and decryption under a KMS key, shared by Encrypt, Decrypt, ReEncrypt and the data key
 * operations: the symmetric blob (ciphertext-blob.ts) for SYMMETRIC_DEFAULT keys, raw RSAES-OAEP
 * for RSA keys, with AWS's checks and errors in AWS's order.
 */
import { constants, publicEncrypt } from 'node:crypto';
import { AwsError } from '../../errors.js';
import type { EncryptionAlgorithmSpec } from '../../generated/kms/shapes.js';
import type { RequestContext } from '../../server/context.js';
import { BadCiphertextError, openBlob, readBlobHeader, sealBlob } from './ciphertext-blob.js';
import { incompatibleAlgorithm, incorrectKey, invalidCiphertext, notFoundKey, validation, wrongUsage } from './errors.js';
import { keyArn, requireEnabled, resolveKey, type KmsDeps } from './key-lookup.js';
import type { KeyRow } from './key-store.js';
import { rsaOaepLimit, specInfo } from './key-specs.js';
import { oaepDecrypt, oaepHash } from './signing.js';

/** The key named by `keyId`, checked for use in an encrypting operation (state, then usage). */
export async function encryptionKey(deps: KmsDeps, ctx: RequestContext, keyId: string, operation: string): Promise<KeyRow> {
  const key = await resolveKey(deps, ctx, keyId, true);
  requireEnabled(key);
  if (key.key_usage !== 'ENCRYPT_DECRYPT') throw wrongUsage(key.arn, key.key_usage, operation);
  return key;
}

/** The algorithm a request names (default SYMMETRIC_DEFAULT), checked against the key's spec. */
export function encryptionAlgorithm(key: KeyRow, requested: EncryptionAlgorithmSpec | undefined): EncryptionAlgorithmSpec {
  const algorithm = requested ?? 'SYMMETRIC_DEFAULT';
  if (!specInfo(key.key_spec)?.encryption?.includes(algorithm)) throw incompatibleAlgorithm(algorithm, key.key_spec);
  return algorithm;
}

/** Symmetric-only operations (data keys) on an RSA key. */
export function requireSymmetric(key: KeyRow): void {
  if (specInfo(key.key_spec)?.kind !== 'symmetric') throw incompatibleAlgorithm('SYMMETRIC_DEFAULT', key.key_spec);
}

/** Checks what Encrypt checks before encrypting: RSA size limits, and no context on RSA keys. */
export function checkPlaintext(key: KeyRow, algorithm: EncryptionAlgorithmSpec, plaintext: Buffer, context: Record<string, string> | undefined): void {
  if (algorithm === 'SYMMETRIC_DEFAULT') return;
  const limit = rsaOaepLimit(specInfo(key.key_spec)!.rsaBits!, algorithm);
  if (plaintext.length > limit) throw validation(`Algorithm ${algorithm} and key spec ${key.key_spec} cannot encrypt data larger than ${limit} bytes.`);
  if (context && Object.keys(context).length) throw validation('EncryptionContext is only supported with symmetric encryption KMS keys.');
}

export interface Encrypted {
  ciphertext: Buffer;
  /** Symmetric keys: the KeyMaterialId of the material used. */
  materialId?: string;
}

/** Encrypts under the key's current material (symmetric) or public key (RSA). */
export async function encryptUnder(deps: KmsDeps, key: KeyRow, algorithm: EncryptionAlgorithmSpec, plaintext: Buffer, context?: Record<string, string>): Promise<Encrypted> {
  const material = await deps.materials.open(key.arn, key.key_spec, key.current_material_version!);
  // An Enabled key always has material; missing material means it was destroyed concurrently.
  if (!material) throw new AwsError('KMSInternalException', 'The key material is not available.');
  if (algorithm === 'SYMMETRIC_DEFAULT') {
    const header = { accountId: key.account_id, keyId: key.key_id, materialVersion: material.version };
    return { ciphertext: sealBlob(header, material.secret!, plaintext, context), materialId: material.materialId };
  }
  return { ciphertext: publicEncrypt({ key: material.publicKey!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) }, plaintext) };
}

export interface DecryptRequest {
  /** Optional in the model only for DryRun with IGNORE_CIPHERTEXT. */
  ciphertext: Buffer | undefined;
  keyId?: string;
  algorithm?: EncryptionAlgorithmSpec;
  context?: Record<string, string>;
  /** Check everything but the ciphertext (DryRun with IGNORE_CIPHERTEXT). */
  ignoreCiphertext?: boolean;
}

export interface Decrypted {
  key: KeyRow;
  algorithm: EncryptionAlgorithmSpec;
  /** Absent only when the ciphertext was not checked (DryRun). */
  plaintext?: Buffer;
  materialId?: string;
}

/**
 * Finds the key of a ciphertext (the KeyId if given, else the blob's header), checks it, and
 * decrypts. `before` runs after every check and before decrypting (DryRun throws there).
 */
export async function decryptCiphertext(deps: KmsDeps, ctx: RequestContext, req: DecryptRequest, operation: string, before?: () => void): Promise<Decrypted> {
  if (req.ciphertext === undefined && !req.ignoreCiphertext) {
    throw validation("1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null");
  }
  const header = req.ciphertext && readBlobHeader(req.ciphertext);
  let key: KeyRow;
  if (req.keyId !== undefined) {
    key = await resolveKey(deps, ctx, req.keyId, true);
    // A symmetric blob names its key: naming any other key (even an HMAC or RSA one) is
    // IncorrectKeyException, as AWS answers, before the key's state or usage is looked at.
    if ((req.algorithm ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT' && !req.ignoreCiphertext) {
      if (header && (header.keyId !== key.key_id || header.accountId !== key.account_id)) throw incorrectKey();
      if (!header && specInfo(key.key_spec)?.kind === 'symmetric') throw invalidCiphertext();
    }
  } else {
    if (req.ignoreCiphertext) throw validation('KeyId is required when the IGNORE_CIPHERTEXT DryRun modifier is set.');
    if (!header) throw invalidCiphertext();
    key = await deps.store.findKey(header.accountId, ctx.region, header.keyId) ?? throwNotFound(keyArn(ctx.region, header.accountId, header.keyId));
  }
  requireEnabled(key);
  if (key.key_usage !== 'ENCRYPT_DECRYPT') throw wrongUsage(key.arn, key.key_usage, operation);
  const algorithm = encryptionAlgorithm(key, req.algorithm);
  before?.();
  if (req.ignoreCiphertext) return { key, algorithm };
  if (algorithm === 'SYMMETRIC_DEFAULT') {
    const material = await deps.materials.open(key.arn, key.key_spec, header!.materialVersion);
    if (!material) throw invalidCiphertext();
    try {
      return { key, algorithm, plaintext: openBlob(req.ciphertext!, material.secret!, req.context), materialId: material.materialId };
    } catch (err) {
      if (err instanceof BadCiphertextError) throw invalidCiphertext();
      throw err;
    }
  }
  if (req.context && Object.keys(req.context).length) throw invalidCiphertext();
  const material = await deps.materials.open(key.arn, key.key_spec, key.current_material_version!);
  const plaintext = material && oaepDecrypt(material.privateKey!, algorithm, req.ciphertext!);
  if (!plaintext) throw invalidCiphertext();
  return { key, algorithm, plaintext };
}

function throwNotFound(arn: string): never {
  throw notFoundKey(arn);
}
