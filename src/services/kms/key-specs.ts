/**
 * What each KMS key spec is: the key usages it allows, the algorithms it offers per usage (in the
 * order AWS lists them in KeyMetadata), and how node:crypto backs it.
 * https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html
 */
import type {
  EncryptionAlgorithmSpec,
  KeySpec,
  KeyUsageType,
  MacAlgorithmSpec,
  SigningAlgorithmSpec,
} from '../../generated/kms/shapes.js';

export type SpecKind = 'symmetric' | 'hmac' | 'rsa' | 'ecc' | 'ed25519';

export interface SpecInfo {
  kind: SpecKind;
  usages: KeyUsageType[];
  encryption?: EncryptionAlgorithmSpec[];
  signing?: SigningAlgorithmSpec[];
  mac?: MacAlgorithmSpec[];
  agreement?: Array<'ECDH'>;
  /** RSA modulus length in bits. */
  rsaBits?: number;
  /** OpenSSL curve name. */
  curve?: string;
  /** HMAC key length in bytes and the node hash name. */
  hmacBytes?: number;
  hmacHash?: string;
}

const RSA_SIGNING: SigningAlgorithmSpec[] = [
  'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512',
  'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512',
];
const RSA_ENCRYPTION: EncryptionAlgorithmSpec[] = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];

function rsa(bits: number): SpecInfo {
  return { kind: 'rsa', usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], encryption: RSA_ENCRYPTION, signing: RSA_SIGNING, rsaBits: bits };
}

function ecc(curve: string, signing: SigningAlgorithmSpec, agreement: boolean): SpecInfo {
  return {
    kind: 'ecc', curve, signing: [signing],
    usages: agreement ? ['SIGN_VERIFY', 'KEY_AGREEMENT'] : ['SIGN_VERIFY'],
    ...(agreement ? { agreement: ['ECDH' as const] } : {}),
  };
}

function hmac(bits: number): SpecInfo {
  return { kind: 'hmac', usages: ['GENERATE_VERIFY_MAC'], mac: [`HMAC_SHA_${bits}` as MacAlgorithmSpec], hmacBytes: bits / 8, hmacHash: `sha${bits}` };
}

/**
 * The specs this server backs. SM2 is absent: node:crypto can generate SM2 keys, but its SM2
 * signatures omit the Z value (the distinguishing ID) that SM2DSA requires, so they don't verify
 * elsewhere, and it can't do SM2 encryption at all. ML-DSA needs OpenSSL 3.5.
 */
export const KEY_SPECS: Partial<Record<KeySpec, SpecInfo>> = {
  SYMMETRIC_DEFAULT: { kind: 'symmetric', usages: ['ENCRYPT_DECRYPT'], encryption: ['SYMMETRIC_DEFAULT'] },
  RSA_2048: rsa(2048),
  RSA_3072: rsa(3072),
  RSA_4096: rsa(4096),
  ECC_NIST_P256: ecc('prime256v1', 'ECDSA_SHA_256', true),
  ECC_NIST_P384: ecc('secp384r1', 'ECDSA_SHA_384', true),
  ECC_NIST_P521: ecc('secp521r1', 'ECDSA_SHA_512', true),
  ECC_SECG_P256K1: ecc('secp256k1', 'ECDSA_SHA_256', false),
  // AWS also offers ED25519_PH_SHA_512 (Ed25519ph over a digest); OpenSSL 3.0 has no Ed25519ph, so
  // it is not offered (and Sign/Verify refuse it as incompatible with the spec).
  ECC_NIST_EDWARDS25519: { kind: 'ed25519', usages: ['SIGN_VERIFY'], signing: ['ED25519_SHA_512'] },
  HMAC_224: hmac(224),
  HMAC_256: hmac(256),
  HMAC_384: hmac(384),
  HMAC_512: hmac(512),
};

/** The spec's facts; undefined for specs this server cannot back. */
export function specInfo(spec: string): SpecInfo | undefined {
  return KEY_SPECS[spec as KeySpec];
}

/** Whether keys of this spec are asymmetric (have a public key). */
export function isAsymmetric(spec: string): boolean {
  const kind = specInfo(spec)?.kind;
  return kind === 'rsa' || kind === 'ecc' || kind === 'ed25519';
}

/**
 * The largest plaintext RSAES-OAEP can encrypt: k - 2*hLen - 2 bytes (RFC 8017 §7.1.1), which
 * gives AWS's published limits (RSA_2048: 214 with SHA-1, 190 with SHA-256).
 */
export function rsaOaepLimit(bits: number, algorithm: EncryptionAlgorithmSpec): number {
  const hLen = algorithm === 'RSAES_OAEP_SHA_1' ? 20 : 32;
  return bits / 8 - 2 * hLen - 2;
}

/** The node hash behind a signing algorithm, and the digest length DIGEST messages must have. */
export function signingHash(algorithm: SigningAlgorithmSpec): { hash: 'sha256' | 'sha384' | 'sha512'; bytes: number } {
  if (algorithm.endsWith('SHA_256')) return { hash: 'sha256', bytes: 32 };
  if (algorithm.endsWith('SHA_384')) return { hash: 'sha384', bytes: 48 };
  return { hash: 'sha512', bytes: 64 };
}
