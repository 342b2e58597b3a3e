/** Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateRandom. */
import { secretRandom } from '../../../crypto/random-pool.js';
import { AwsError } from '../../../errors.js';
import type * as S from '../../../generated/kms/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import {
  checkPlaintext, decryptCiphertext, encryptionAlgorithm, encryptionKey, encryptUnder, requireSymmetric,
} from '../envelope.js';
import { dryRun, validation } from '../errors.js';
import type { KmsDeps } from '../key-lookup.js';

/**
 * Nitro Enclaves attestation (`Recipient`) needs AWS's attestation PKI, which a self-hosted server
 * doesn't have: any document is refused as not valid.
 */
export function refuseRecipient(recipient: S.RecipientInfo | undefined): void {
  if (recipient !== undefined) throw validation('The attestation document is not valid.');
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html */
export async function encrypt(deps: KmsDeps, ctx: RequestContext, input: S.EncryptRequest): Promise<S.EncryptResponse> {
  const key = await encryptionKey(deps, ctx, input.KeyId, 'Encrypt');
  const algorithm = encryptionAlgorithm(key, input.EncryptionAlgorithm);
  checkPlaintext(key, algorithm, input.Plaintext, input.EncryptionContext);
  if (input.DryRun) throw dryRun();
  const { ciphertext } = await encryptUnder(deps, key, algorithm, input.Plaintext, input.EncryptionContext);
  deps.usage.record(key.arn, ctx);
  return { CiphertextBlob: ciphertext, KeyId: key.arn, EncryptionAlgorithm: algorithm };
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html
 * KeyId is optional for symmetric blobs (they name their key); given, it must be the blob's key.
 * The response names the key by the ARN that Encrypt/GenerateDataKey returned (the AWS Encryption
 * SDK compares them exactly).
 */
export async function decrypt(deps: KmsDeps, ctx: RequestContext, input: S.DecryptRequest): Promise<S.DecryptResponse> {
  refuseRecipient(input.Recipient);
  // A DryRun checks the ciphertext too, unless IGNORE_CIPHERTEXT says to stop before it.
  const ignoreCiphertext = input.DryRun === true && (input.DryRunModifiers ?? []).includes('IGNORE_CIPHERTEXT');
  const result = await decryptCiphertext(deps, ctx, {
    ciphertext: input.CiphertextBlob, keyId: input.KeyId, algorithm: input.EncryptionAlgorithm, context: input.EncryptionContext, ignoreCiphertext,
  }, 'Decrypt', ignoreCiphertext ? () => { throw dryRun(); } : undefined);
  if (input.DryRun) throw dryRun();
  deps.usage.record(result.key.arn, ctx);
  return { KeyId: result.key.arn, Plaintext: result.plaintext, EncryptionAlgorithm: result.algorithm, KeyMaterialId: result.materialId };
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html
 * Decrypts under the source key and encrypts under the destination key without returning the
 * plaintext; both keys must be usable.
 */
export async function reEncrypt(deps: KmsDeps, ctx: RequestContext, input: S.ReEncryptRequest): Promise<S.ReEncryptResponse> {
  const ignoreCiphertext = input.DryRun === true && (input.DryRunModifiers ?? []).includes('IGNORE_CIPHERTEXT');
  const source = await decryptCiphertext(deps, ctx, {
    ciphertext: input.CiphertextBlob, keyId: input.SourceKeyId, algorithm: input.SourceEncryptionAlgorithm,
    context: input.SourceEncryptionContext, ignoreCiphertext,
  }, 'ReEncrypt');
  const destination = await encryptionKey(deps, ctx, input.DestinationKeyId, 'ReEncrypt');
  const algorithm = encryptionAlgorithm(destination, input.DestinationEncryptionAlgorithm);
  if (input.DryRun) throw dryRun();
  checkPlaintext(destination, algorithm, source.plaintext!, input.DestinationEncryptionContext);
  const out = await encryptUnder(deps, destination, algorithm, source.plaintext!, input.DestinationEncryptionContext);
  deps.usage.record(source.key.arn, ctx);
  deps.usage.record(destination.arn, ctx);
  return {
    CiphertextBlob: out.ciphertext, SourceKeyId: source.key.arn, KeyId: destination.arn,
    SourceEncryptionAlgorithm: source.algorithm, DestinationEncryptionAlgorithm: algorithm,
    SourceKeyMaterialId: source.materialId, DestinationKeyMaterialId: out.materialId,
  };
}

/** GenerateDataKey's size: KeySpec AES_128/AES_256 or NumberOfBytes 1..1024, exactly one of them. */
function dataKeyBytes(input: { KeySpec?: S.DataKeySpec; NumberOfBytes?: number }): number {
  if ((input.KeySpec === undefined) === (input.NumberOfBytes === undefined)) throw validation('Please specify either number of bytes or key spec.');
  if (input.NumberOfBytes !== undefined) return input.NumberOfBytes;
  return input.KeySpec === 'AES_128' ? 16 : 32;
}

async function generateDataKeyCore(deps: KmsDeps, ctx: RequestContext, input: S.GenerateDataKeyRequest, operation: string) {
  const bytes = dataKeyBytes(input);
  const key = await encryptionKey(deps, ctx, input.KeyId, operation);
  requireSymmetric(key);
  if (input.DryRun) throw dryRun();
  const plaintext = secretRandom(bytes);
  const out = await encryptUnder(deps, key, 'SYMMETRIC_DEFAULT', plaintext, input.EncryptionContext);
  deps.usage.record(key.arn, ctx);
  return { plaintext, key, out };
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html */
export async function generateDataKey(deps: KmsDeps, ctx: RequestContext, input: S.GenerateDataKeyRequest): Promise<S.GenerateDataKeyResponse> {
  refuseRecipient(input.Recipient);
  const { plaintext, key, out } = await generateDataKeyCore(deps, ctx, input, 'GenerateDataKey');
  return { CiphertextBlob: out.ciphertext, Plaintext: plaintext, KeyId: key.arn, KeyMaterialId: out.materialId };
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKeyWithoutPlaintext.html */
export async function generateDataKeyWithoutPlaintext(deps: KmsDeps, ctx: RequestContext, input: S.GenerateDataKeyWithoutPlaintextRequest): Promise<S.GenerateDataKeyWithoutPlaintextResponse> {
  const { key, out } = await generateDataKeyCore(deps, ctx, input, 'GenerateDataKeyWithoutPlaintext');
  return { CiphertextBlob: out.ciphertext, KeyId: key.arn, KeyMaterialId: out.materialId };
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateRandom.html
 * NumberOfBytes is optional in the model but required by the service.
 */
export async function generateRandom(_deps: KmsDeps, _ctx: RequestContext, input: S.GenerateRandomRequest): Promise<S.GenerateRandomResponse> {
  if (input.CustomKeyStoreId !== undefined) throw new AwsError('CustomKeyStoreNotFoundException', '');
  refuseRecipient(input.Recipient);
  if (input.NumberOfBytes === undefined) throw validation('NumberOfBytes is required.');
  return { Plaintext: secretRandom(input.NumberOfBytes) };
}
