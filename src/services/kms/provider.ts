/**
 * AWS Key Management Service. Each operation lives in ops/<area>.ts; this class only binds them to
 * the generated KmsApi signatures. Operations not defined here answer as not implemented.
 */
import type { KmsApi } from '../../generated/kms/api.js';
import type * as S from '../../generated/kms/shapes.js';
import type { RequestContext } from '../../server/context.js';
import type { KmsDeps } from './key-lookup.js';
import * as aliases from './ops/aliases.js';
import * as asym from './ops/crypto-asymmetric.js';
import * as sym from './ops/crypto-symmetric.js';
import * as keys from './ops/keys.js';
import * as mac from './ops/mac.js';
import * as policy from './ops/policy.js';
import * as tags from './ops/tags.js';

/** The operations this provider implements (rotation, grants, imports and replicas are added beside them). */
export type KmsPartA = Pick<KmsApi,
  | 'createKey' | 'describeKey' | 'listKeys' | 'updateKeyDescription' | 'enableKey' | 'disableKey'
  | 'scheduleKeyDeletion' | 'cancelKeyDeletion' | 'getKeyLastUsage'
  | 'createAlias' | 'updateAlias' | 'deleteAlias' | 'listAliases'
  | 'tagResource' | 'untagResource' | 'listResourceTags'
  | 'getKeyPolicy' | 'putKeyPolicy' | 'listKeyPolicies'
  | 'encrypt' | 'decrypt' | 'reEncrypt' | 'generateDataKey' | 'generateDataKeyWithoutPlaintext' | 'generateRandom'
  | 'generateDataKeyPair' | 'generateDataKeyPairWithoutPlaintext' | 'sign' | 'verify' | 'getPublicKey' | 'deriveSharedSecret'
  | 'generateMac' | 'verifyMac'>;

export class KmsProvider implements KmsPartA {
  constructor(private readonly deps: KmsDeps) {}

  createKey(ctx: RequestContext, input: S.CreateKeyRequest) { return keys.createKey(this.deps, ctx, input); }
  describeKey(ctx: RequestContext, input: S.DescribeKeyRequest) { return keys.describeKey(this.deps, ctx, input); }
  listKeys(ctx: RequestContext, input: S.ListKeysRequest) { return keys.listKeys(this.deps, ctx, input); }
  updateKeyDescription(ctx: RequestContext, input: S.UpdateKeyDescriptionRequest) { return keys.updateKeyDescription(this.deps, ctx, input); }
  enableKey(ctx: RequestContext, input: S.EnableKeyRequest) { return keys.enableKey(this.deps, ctx, input); }
  disableKey(ctx: RequestContext, input: S.DisableKeyRequest) { return keys.disableKey(this.deps, ctx, input); }
  scheduleKeyDeletion(ctx: RequestContext, input: S.ScheduleKeyDeletionRequest) { return keys.scheduleKeyDeletion(this.deps, ctx, input); }
  cancelKeyDeletion(ctx: RequestContext, input: S.CancelKeyDeletionRequest) { return keys.cancelKeyDeletion(this.deps, ctx, input); }
  getKeyLastUsage(ctx: RequestContext, input: S.GetKeyLastUsageRequest) { return keys.getKeyLastUsage(this.deps, ctx, input); }

  createAlias(ctx: RequestContext, input: S.CreateAliasRequest) { return aliases.createAlias(this.deps, ctx, input); }
  updateAlias(ctx: RequestContext, input: S.UpdateAliasRequest) { return aliases.updateAlias(this.deps, ctx, input); }
  deleteAlias(ctx: RequestContext, input: S.DeleteAliasRequest) { return aliases.deleteAlias(this.deps, ctx, input); }
  listAliases(ctx: RequestContext, input: S.ListAliasesRequest) { return aliases.listAliases(this.deps, ctx, input); }

  tagResource(ctx: RequestContext, input: S.TagResourceRequest) { return tags.tagResource(this.deps, ctx, input); }
  untagResource(ctx: RequestContext, input: S.UntagResourceRequest) { return tags.untagResource(this.deps, ctx, input); }
  listResourceTags(ctx: RequestContext, input: S.ListResourceTagsRequest) { return tags.listResourceTags(this.deps, ctx, input); }

  getKeyPolicy(ctx: RequestContext, input: S.GetKeyPolicyRequest) { return policy.getKeyPolicy(this.deps, ctx, input); }
  putKeyPolicy(ctx: RequestContext, input: S.PutKeyPolicyRequest) { return policy.putKeyPolicy(this.deps, ctx, input); }
  listKeyPolicies(ctx: RequestContext, input: S.ListKeyPoliciesRequest) { return policy.listKeyPolicies(this.deps, ctx, input); }

  encrypt(ctx: RequestContext, input: S.EncryptRequest) { return sym.encrypt(this.deps, ctx, input); }
  decrypt(ctx: RequestContext, input: S.DecryptRequest) { return sym.decrypt(this.deps, ctx, input); }
  reEncrypt(ctx: RequestContext, input: S.ReEncryptRequest) { return sym.reEncrypt(this.deps, ctx, input); }
  generateDataKey(ctx: RequestContext, input: S.GenerateDataKeyRequest) { return sym.generateDataKey(this.deps, ctx, input); }
  generateDataKeyWithoutPlaintext(ctx: RequestContext, input: S.GenerateDataKeyWithoutPlaintextRequest) { return sym.generateDataKeyWithoutPlaintext(this.deps, ctx, input); }
  generateRandom(ctx: RequestContext, input: S.GenerateRandomRequest) { return sym.generateRandom(this.deps, ctx, input); }

  generateDataKeyPair(ctx: RequestContext, input: S.GenerateDataKeyPairRequest) { return asym.generateDataKeyPair(this.deps, ctx, input); }
  generateDataKeyPairWithoutPlaintext(ctx: RequestContext, input: S.GenerateDataKeyPairWithoutPlaintextRequest) { return asym.generateDataKeyPairWithoutPlaintext(this.deps, ctx, input); }
  sign(ctx: RequestContext, input: S.SignRequest) { return asym.sign(this.deps, ctx, input); }
  verify(ctx: RequestContext, input: S.VerifyRequest) { return asym.verify(this.deps, ctx, input); }
  getPublicKey(ctx: RequestContext, input: S.GetPublicKeyRequest) { return asym.getPublicKey(this.deps, ctx, input); }
  deriveSharedSecret(ctx: RequestContext, input: S.DeriveSharedSecretRequest) { return asym.deriveSharedSecret(this.deps, ctx, input); }

  generateMac(ctx: RequestContext, input: S.GenerateMacRequest) { return mac.generateMac(this.deps, ctx, input); }
  verifyMac(ctx: RequestContext, input: S.VerifyMacRequest) { return mac.verifyMac(this.deps, ctx, input); }
}
