/** Sign, Verify, GetPublicKey, DeriveSharedSecret, GenerateDataKeyPair(WithoutPlaintext). */
import { createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { AwsError } from '../../../errors.js';
import type * as S from '../../../generated/kms/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { encryptionKey, encryptUnder, requireSymmetric } from '../envelope.js';
import { dryRun, incompatibleAlgorithm, invalidSignature, validation, wrongUsage } from '../errors.js';
import { requireEnabled, resolveKey, type KmsDeps } from '../key-lookup.js';
import { generateMaterial, type OpenedMaterial } from '../key-material.js';
import type { KeyRow } from '../key-store.js';
import { isAsymmetric, signingHash, specInfo } from '../key-specs.js';
import { signMessage, verifyMessage } from '../signing.js';
import { refuseRecipient } from './crypto-symmetric.js';

/** The key, usable (state, then usage), with its current material opened. */
async function usableKey(deps: KmsDeps, ctx: RequestContext, keyId: string, usage: string, operation: string): Promise<{ key: KeyRow; material: OpenedMaterial }> {
  const key = await resolveKey(deps, ctx, keyId, true);
  requireEnabled(key);
  if (key.key_usage !== usage) throw wrongUsage(key.arn, key.key_usage, operation);
  const material = await deps.materials.open(key.arn, key.key_spec, key.current_material_version!);
  if (!material) throw new AwsError('KMSInternalException', 'The key material is not available.');
  return { key, material };
}

/** The algorithm must be one the key spec offers, and the message must suit the message type. */
function checkSigning(key: KeyRow, algorithm: S.SigningAlgorithmSpec, messageType: S.MessageType | undefined, message: Buffer): boolean {
  if (!specInfo(key.key_spec)?.signing?.includes(algorithm)) throw incompatibleAlgorithm(algorithm, key.key_spec);
  const type = messageType ?? 'RAW';
  if (type === 'EXTERNAL_MU' || (type === 'DIGEST' && algorithm === 'ED25519_SHA_512')) {
    throw validation(`MessageType ${type} is not supported for signing algorithm ${algorithm}.`);
  }
  if (type === 'DIGEST' && message.length !== signingHash(algorithm).bytes) throw validation(`Digest is invalid length for algorithm ${algorithm}.`);
  return type === 'DIGEST';
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html */
export async function sign(deps: KmsDeps, ctx: RequestContext, input: S.SignRequest): Promise<S.SignResponse> {
  const { key, material } = await usableKey(deps, ctx, input.KeyId, 'SIGN_VERIFY', 'Sign');
  const digest = checkSigning(key, input.SigningAlgorithm, input.MessageType, input.Message);
  if (input.DryRun) throw dryRun();
  const signature = await signMessage(material.privateKey!, input.SigningAlgorithm, input.Message, digest);
  deps.usage.record(key.arn, ctx);
  return { KeyId: key.arn, Signature: signature, SigningAlgorithm: input.SigningAlgorithm };
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_Verify.html — an invalid signature is KMSInvalidSignatureException. */
export async function verify(deps: KmsDeps, ctx: RequestContext, input: S.VerifyRequest): Promise<S.VerifyResponse> {
  const { key, material } = await usableKey(deps, ctx, input.KeyId, 'SIGN_VERIFY', 'Verify');
  const digest = checkSigning(key, input.SigningAlgorithm, input.MessageType, input.Message);
  if (input.DryRun) throw dryRun();
  if (!(await verifyMessage(material.publicKey!, input.SigningAlgorithm, input.Message, input.Signature, digest))) throw invalidSignature();
  deps.usage.record(key.arn, ctx);
  return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: input.SigningAlgorithm };
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_GetPublicKey.html — the SubjectPublicKeyInfo DER. */
export async function getPublicKey(deps: KmsDeps, ctx: RequestContext, input: S.GetPublicKeyRequest): Promise<S.GetPublicKeyResponse> {
  const key = await resolveKey(deps, ctx, input.KeyId, true);
  requireEnabled(key);
  if (!isAsymmetric(key.key_spec)) {
    throw new AwsError('UnsupportedOperationException', `${key.arn} key spec is ${key.key_spec} which is not valid for GetPublicKey.`);
  }
  const row = await deps.store.material(key.arn, key.current_material_version!);
  if (!row?.public_key) throw new AwsError('KMSInternalException', 'The key material is not available.');
  const info = specInfo(key.key_spec)!;
  const out: S.GetPublicKeyResponse = {
    KeyId: key.arn, PublicKey: row.public_key,
    CustomerMasterKeySpec: key.key_spec as S.CustomerMasterKeySpec, KeySpec: key.key_spec as S.KeySpec, KeyUsage: key.key_usage as S.KeyUsageType,
  };
  if (key.key_usage === 'ENCRYPT_DECRYPT') out.EncryptionAlgorithms = info.encryption;
  if (key.key_usage === 'SIGN_VERIFY') out.SigningAlgorithms = info.signing;
  if (key.key_usage === 'KEY_AGREEMENT') out.KeyAgreementAlgorithms = info.agreement;
  return out;
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_DeriveSharedSecret.html
 * The raw ECDH shared secret (the x coordinate) with the peer's SubjectPublicKeyInfo DER key on the
 * same curve; any other public key is a ValidationException with no message, as AWS answers.
 */
export async function deriveSharedSecret(deps: KmsDeps, ctx: RequestContext, input: S.DeriveSharedSecretRequest): Promise<S.DeriveSharedSecretResponse> {
  refuseRecipient(input.Recipient);
  const { key, material } = await usableKey(deps, ctx, input.KeyId, 'KEY_AGREEMENT', 'DeriveSharedSecret');
  let peer: KeyObject;
  try {
    peer = createPublicKey({ key: input.PublicKey, format: 'der', type: 'spki' });
  } catch {
    throw validation('');
  }
  if (peer.asymmetricKeyType !== 'ec' || peer.asymmetricKeyDetails?.namedCurve !== material.privateKey!.asymmetricKeyDetails?.namedCurve) throw validation('');
  if (input.DryRun) throw dryRun();
  const secret = diffieHellman({ privateKey: material.privateKey!, publicKey: peer });
  deps.usage.record(key.arn, ctx);
  return { KeyId: key.arn, SharedSecret: secret, KeyAgreementAlgorithm: input.KeyAgreementAlgorithm, KeyOrigin: key.origin as S.OriginType };
}

async function dataKeyPair(deps: KmsDeps, ctx: RequestContext, input: S.GenerateDataKeyPairWithoutPlaintextRequest, operation: string) {
  if (input.KeyPairSpec === 'SM2') throw new AwsError('UnsupportedOperationException', `KeyPairSpec ${input.KeyPairSpec} is not supported in this Region`);
  const key = await encryptionKey(deps, ctx, input.KeyId, operation);
  requireSymmetric(key);
  if (input.DryRun) throw dryRun();
  const pair = await generateMaterial(input.KeyPairSpec);
  const out = await encryptUnder(deps, key, 'SYMMETRIC_DEFAULT', pair.secret, input.EncryptionContext);
  deps.usage.record(key.arn, ctx);
  return {
    plaintext: pair.secret,
    response: { PrivateKeyCiphertextBlob: out.ciphertext, PublicKey: pair.publicKey!, KeyId: key.arn, KeyPairSpec: input.KeyPairSpec, KeyMaterialId: out.materialId },
  };
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKeyPair.html — PKCS#8 DER private key, SPKI DER public key. */
export async function generateDataKeyPair(deps: KmsDeps, ctx: RequestContext, input: S.GenerateDataKeyPairRequest): Promise<S.GenerateDataKeyPairResponse> {
  refuseRecipient(input.Recipient);
  const { plaintext, response } = await dataKeyPair(deps, ctx, input, 'GenerateDataKeyPair');
  return { ...response, PrivateKeyPlaintext: plaintext };
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKeyPairWithoutPlaintext.html */
export async function generateDataKeyPairWithoutPlaintext(deps: KmsDeps, ctx: RequestContext, input: S.GenerateDataKeyPairWithoutPlaintextRequest): Promise<S.GenerateDataKeyPairWithoutPlaintextResponse> {
  return (await dataKeyPair(deps, ctx, input, 'GenerateDataKeyPairWithoutPlaintext')).response;
}
