/**
 * Importing key material: the import token, unwrapping the material, and checking it fits the key.
 * https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-get-public-key-and-token.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-encrypt-key-material.html
 *
 * ## Import token
 * GetParametersForImport makes a fresh RSA wrapping key pair. The token is the root key's seal of
 * `{"k": key ARN, "a": wrapping algorithm, "e": expiry (ms since epoch), "p": PKCS#8 DER private
 * key (base64)}` under AAD `kms/import-token/<key ARN>`: nothing is stored, the private key never
 * leaves in the clear, and a token presented for another key fails to open (InvalidImportToken).
 * It is valid for 24 hours of service time (ExpiredImportToken after).
 *
 * ## Wrapped material
 * - RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256: the material encrypted directly with the public key.
 * - RSA_AES_KEY_WRAP_SHA_1 / _SHA_256: RSA-OAEP(an ephemeral AES key) followed by AES key wrap with
 *   padding (RFC 5649) of the material under that AES key; the first part is exactly the modulus
 *   length, so the two split without a length field. AWS documents a 256-bit AES key; 128 and 192
 *   unwrap too.
 */
import { constants, createDecipheriv, createPrivateKey, createPublicKey, privateDecrypt, type KeyObject } from 'node:crypto';
import type { Sealer } from '../../crypto/root-key.js';
import type { AlgorithmSpec } from '../../generated/kms/shapes.js';
import { expiredImportToken, incorrectKeyMaterial, invalidCiphertext, invalidImportToken } from './errors.js';
import type { GeneratedMaterial } from './key-material.js';
import { specInfo } from './key-specs.js';

/** How long an import token and its public key are valid. */
export const IMPORT_TOKEN_TTL_MS = 24 * 3_600_000;

/** The initial value RFC 5649 fixes for key wrap with padding. */
const KWP_AIV = Buffer.from('A65959A6', 'hex');

function tokenAad(keyArn: string): string {
  return `kms/import-token/${keyArn}`;
}

/** Seals a wrapping private key into an import token for `keyArn`. */
export function sealImportToken(sealer: Sealer, keyArn: string, algorithm: AlgorithmSpec, privateKey: KeyObject, expiresAt: Date): Buffer {
  const body = { k: keyArn, a: algorithm, e: expiresAt.getTime(), p: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64') };
  const plain = Buffer.from(JSON.stringify(body), 'utf8');
  try {
    return sealer.seal(tokenAad(keyArn), plain);
  } finally {
    plain.fill(0);
  }
}

/** What an opened import token holds: the wrapping algorithm and the RSA private key to unwrap with. */
export interface ImportToken {
  algorithm: AlgorithmSpec;
  privateKey: KeyObject;
}

/** Opens an import token presented for `keyArn` at service time `now`. */
export function openImportToken(sealer: Sealer, keyArn: string, token: Buffer, now: Date): ImportToken {
  let body: { k?: unknown; a?: unknown; e?: unknown; p?: unknown };
  try {
    const plain = sealer.open(tokenAad(keyArn), token);
    body = JSON.parse(plain.toString('utf8')) as typeof body;
    plain.fill(0);
  } catch {
    throw invalidImportToken();
  }
  if (body.k !== keyArn || typeof body.a !== 'string' || typeof body.e !== 'number' || typeof body.p !== 'string') throw invalidImportToken();
  if (now.getTime() >= body.e) throw expiredImportToken();
  return { algorithm: body.a as AlgorithmSpec, privateKey: createPrivateKey({ key: Buffer.from(body.p, 'base64'), format: 'der', type: 'pkcs8' }) };
}

function oaep(privateKey: KeyObject, hash: string, data: Buffer): Buffer {
  return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data);
}

/** Unwraps EncryptedKeyMaterial with the token's key; InvalidCiphertextException if it doesn't unwrap. */
export function unwrapMaterial(token: ImportToken, wrapped: Buffer): Buffer {
  const hash = token.algorithm.endsWith('SHA_1') ? 'sha1' : 'sha256';
  try {
    if (token.algorithm === 'RSAES_OAEP_SHA_1' || token.algorithm === 'RSAES_OAEP_SHA_256') return oaep(token.privateKey, hash, wrapped);
    if (token.algorithm !== 'RSA_AES_KEY_WRAP_SHA_1' && token.algorithm !== 'RSA_AES_KEY_WRAP_SHA_256') throw new Error('unsupported wrapping algorithm');
    const split = token.privateKey.asymmetricKeyDetails!.modulusLength! / 8;
    const aesKey = oaep(token.privateKey, hash, wrapped.subarray(0, split));
    try {
      if (![16, 24, 32].includes(aesKey.length)) throw new Error('the wrapped AES key has an invalid length');
      const decipher = createDecipheriv(`id-aes${aesKey.length * 8}-wrap-pad`, aesKey, KWP_AIV);
      return Buffer.concat([decipher.update(wrapped.subarray(split)), decipher.final()]);
    } finally {
      aesKey.fill(0);
    }
  } catch {
    throw invalidCiphertext();
  }
}

/**
 * HMAC key material lengths AWS accepts: at least the digest length, at most the hash's block size.
 * https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-conceptual.html
 */
const HMAC_BYTES: Record<string, [number, number]> = { HMAC_224: [28, 64], HMAC_256: [32, 64], HMAC_384: [48, 128], HMAC_512: [64, 128] };

/**
 * Checks that unwrapped material fits the key spec and puts it in the form the key store keeps:
 * 32 bytes for SYMMETRIC_DEFAULT, the HMAC key as is, asymmetric keys as canonical PKCS#8 DER (so
 * the same key imported in another encoding gets the same KeyMaterialId) with their SPKI public key.
 */
export function checkMaterial(keySpec: string, material: Buffer): GeneratedMaterial {
  const info = specInfo(keySpec)!;
  const wrong = () => incorrectKeyMaterial(`The key material is not valid for a KMS key with key spec ${keySpec}.`);
  if (info.kind === 'symmetric') {
    if (material.length !== 32) throw wrong();
    return { secret: material };
  }
  if (info.kind === 'hmac') {
    const [min, max] = HMAC_BYTES[keySpec]!;
    if (material.length < min || material.length > max) throw wrong();
    return { secret: material };
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: material, format: 'der', type: 'pkcs8' });
  } catch {
    throw wrong();
  }
  const details = privateKey.asymmetricKeyDetails;
  const fits = info.kind === 'rsa' ? privateKey.asymmetricKeyType === 'rsa' && details?.modulusLength === info.rsaBits
    : info.kind === 'ecc' ? privateKey.asymmetricKeyType === 'ec' && details?.namedCurve === info.curve
      : privateKey.asymmetricKeyType === 'ed25519';
  if (!fits) throw wrong();
  return {
    secret: privateKey.export({ type: 'pkcs8', format: 'der' }),
    publicKey: createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
  };
}
