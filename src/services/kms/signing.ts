/**
 * Sign and Verify for every algorithm AWS defines for RSA, ECC and Ed25519 keys, as AWS computes
 * them: RSASSA-PSS with MGF1 of the same hash and salt length = digest length; RSASSA-PKCS1-v1_5;
 * ECDSA with DER-encoded signatures; pure Ed25519 (RAW only).
 * https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html
 */
import { constants, privateDecrypt, publicDecrypt, privateEncrypt, sign as nodeSign, timingSafeEqual, verify as nodeVerify, type KeyObject } from 'node:crypto';
import type { SigningAlgorithmSpec } from '../../generated/kms/shapes.js';
import { signingHash } from './key-specs.js';
import { signDigest, verifyDigest } from './prehashed.js';

/**
 * DER DigestInfo prefixes (RFC 8017 §9.2, note 1): EMSA-PKCS1-v1_5 signs DigestInfo(hash OID,
 * digest), so a given digest is signed by prefixing it and applying the RSA private-key operation
 * with PKCS#1 type-1 padding (privateEncrypt).
 */
const DIGEST_INFO: Record<string, Buffer> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

function rsaOptions(algorithm: SigningAlgorithmSpec, key: KeyObject) {
  return algorithm.startsWith('RSASSA_PSS')
    ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : { key, padding: constants.RSA_PKCS1_PADDING };
}

/** Signs a RAW message or a DIGEST (already checked to be the hash's length). */
export async function signMessage(privateKey: KeyObject, algorithm: SigningAlgorithmSpec, message: Buffer, digest: boolean): Promise<Buffer> {
  if (algorithm === 'ED25519_SHA_512') return nodeSign(null, message, privateKey);
  const { hash } = signingHash(algorithm);
  if (!digest) {
    if (algorithm.startsWith('ECDSA')) return nodeSign(hash, message, { key: privateKey, dsaEncoding: 'der' });
    return nodeSign(hash, message, rsaOptions(algorithm, privateKey));
  }
  if (algorithm.startsWith('RSASSA_PKCS1')) {
    return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([DIGEST_INFO[hash]!, message]));
  }
  return signDigest(privateKey, message, { hash, pss: algorithm.startsWith('RSASSA_PSS') });
}

/** Whether the signature is valid; false (never a throw) for malformed signatures. */
export async function verifyMessage(publicKey: KeyObject, algorithm: SigningAlgorithmSpec, message: Buffer, signature: Buffer, digest: boolean): Promise<boolean> {
  try {
    if (algorithm === 'ED25519_SHA_512') return nodeVerify(null, message, publicKey, signature);
    const { hash } = signingHash(algorithm);
    if (!digest) {
      if (algorithm.startsWith('ECDSA')) return nodeVerify(hash, message, { key: publicKey, dsaEncoding: 'der' }, signature);
      return nodeVerify(hash, message, rsaOptions(algorithm, publicKey), signature);
    }
    if (algorithm.startsWith('RSASSA_PKCS1')) {
      const expected = Buffer.concat([DIGEST_INFO[hash]!, message]);
      const recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
      return recovered.length === expected.length && timingSafeEqual(recovered, expected);
    }
    return verifyDigest(publicKey, message, signature, { hash, pss: algorithm.startsWith('RSASSA_PSS') });
  } catch {
    return false;
  }
}

/** RSAES-OAEP with MGF1 of the same hash, as AWS's RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256. */
export function oaepHash(algorithm: string): string {
  return algorithm === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256';
}

/** Decrypts an RSAES-OAEP ciphertext; undefined if it is not valid under the key. */
export function oaepDecrypt(privateKey: KeyObject, algorithm: string, ciphertext: Buffer): Buffer | undefined {
  try {
    return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) }, ciphertext);
  } catch {
    return undefined;
  }
}
