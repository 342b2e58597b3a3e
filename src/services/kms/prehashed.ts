/**
 * Signing and verifying a message *digest* (Sign/Verify with MessageType DIGEST) for ECDSA and
 * RSASSA-PSS, in process. node:crypto only offers hash-then-sign (EVP_DigestSign; a null
 * algorithm hashes with the key type's default digest), so each case borrows the one step it
 * lacks from a well-kept library and leaves the rest to node:crypto:
 *
 * - ECDSA: `@noble/curves` (audited) signs the given digest as the message hash (`prehash:
 *   false`), with RFC 6979 nonces hedged with fresh randomness, DER-encoded as AWS returns them.
 *   Verification accepts high-S signatures, as OpenSSL and AWS do.
 * - RSASSA-PSS: `node-forge` builds the EMSA-PSS encoding of the digest (MGF1 of the same hash,
 *   salt length = digest length, salt from node:crypto); node:crypto applies the raw RSA private
 *   key operation to it (RSA_NO_PADDING), and the public operation when verifying.
 *
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html#KMS-Sign-request-MessageType
 */
import { constants, privateEncrypt, publicDecrypt, randomBytes, type KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import forge from 'node-forge';

export interface PrehashedOptions {
  /** Digest name: sha256, sha384, sha512. */
  hash: 'sha256' | 'sha384' | 'sha512';
  /** RSASSA-PSS; absent for ECDSA. */
  pss?: boolean;
}

/** The noble curve of a node:crypto EC key, by OpenSSL's curve name. */
function curveOf(key: KeyObject) {
  switch (key.asymmetricKeyDetails?.namedCurve) {
    case 'prime256v1': return p256;
    case 'secp384r1': return p384;
    case 'secp521r1': return p521;
    case 'secp256k1': return secp256k1;
    default: throw new RangeError(`no prehashed ECDSA for curve ${key.asymmetricKeyDetails?.namedCurve}`);
  }
}

function jwkBytes(value: string | undefined): Buffer {
  if (!value) throw new RangeError('EC key without its JWK coordinates');
  return Buffer.from(value, 'base64url');
}

/** The uncompressed SEC1 point of an EC public key. */
function ecPoint(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.concat([Buffer.of(4), jwkBytes(jwk.x), jwkBytes(jwk.y)]);
}

/** PSS over a given digest: forge's EMSA-PSS with MGF1(hash), salt = digest length, salt bytes from node:crypto. */
function pssScheme(hash: PrehashedOptions['hash'], saltLength: number) {
  return forge.pss.create({
    md: forge.md[hash].create(),
    mgf: forge.mgf.mgf1.create(forge.md[hash].create()),
    saltLength,
    prng: { getBytesSync: (n: number) => randomBytes(n).toString('binary') },
  });
}

/** The stand-in message digest forge's PSS reads the message hash from: the digest as given. */
function givenDigest(hash: string, digest: Buffer) {
  return { algorithm: hash, digestLength: digest.length, digest: () => forge.util.createBuffer(digest.toString('binary')) };
}

function modulusBits(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (!bits) throw new RangeError('RSA key without a modulus length');
  return bits;
}

/** Signs `digest`; ECDSA signatures come back DER-encoded, as AWS returns them. */
export function signDigest(privateKey: KeyObject, digest: Buffer, o: PrehashedOptions): Buffer {
  if (o.pss) {
    const bits = modulusBits(privateKey);
    const encoded = Buffer.from(pssScheme(o.hash, digest.length).encode(givenDigest(o.hash, digest), bits) as string, 'binary');
    // EM is ceil((bits - 1) / 8) bytes: one short of the modulus when bits is 1 mod 8.
    const block = Buffer.concat([Buffer.alloc(Math.ceil(bits / 8) - encoded.length), encoded]);
    return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block);
  }
  const d = jwkBytes(privateKey.export({ format: 'jwk' }).d);
  try {
    return Buffer.from(curveOf(privateKey).sign(digest, d, { prehash: false, lowS: false, format: 'der', extraEntropy: true }));
  } finally {
    d.fill(0);
  }
}

/** Whether `signature` is valid for `digest`; false for anything malformed. */
export function verifyDigest(publicKey: KeyObject, digest: Buffer, signature: Buffer, o: PrehashedOptions): boolean {
  try {
    if (o.pss) {
      const bits = modulusBits(publicKey);
      if (signature.length !== Math.ceil(bits / 8)) return false;
      const block = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);
      const encoded = block.subarray(block.length - Math.ceil((bits - 1) / 8));
      if (block.length > encoded.length && block[0] !== 0) return false;
      return pssScheme(o.hash, digest.length).verify(digest.toString('binary'), encoded.toString('binary'), bits) === true;
    }
    return curveOf(publicKey).verify(signature, digest, ecPoint(publicKey), { prehash: false, lowS: false, format: 'der' });
  } catch {
    return false;
  }
}
