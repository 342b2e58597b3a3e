/**
 * AWS Key Management Service. Each operation lives in ops/<area>.ts; this class only binds them to
 * the generated KmsApi signatures, and checks the grant tokens of the operations that take them.
 */
import type { KmsApi } from '../../generated/kms/api.js';
import type * as S from '../../generated/kms/shapes.js';
import type { RequestContext } from '../../server/context.js';
import { checkGrantTokens } from './grant-store.js';
import type { KmsDeps } from './key-lookup.js';
import * as aliases from './ops/aliases.js';
import * as asym from './ops/crypto-asymmetric.js';
import * as sym from './ops/crypto-symmetric.js';
import * as stores from './ops/custom-key-stores.js';
import * as grants from './ops/grants.js';
import * as imports from './ops/import.js';
import * as keys from './ops/keys.js';
import * as mac from './ops/mac.js';
import * as regions from './ops/multi-region.js';
import * as policy from './ops/policy.js';
import * as rotation from './ops/rotation.js';
import * as tags from './ops/tags.js';

export class KmsProvider implements KmsApi {
  constructor(private readonly deps: KmsDeps) {}

  /** A request's GrantTokens must be tokens this server issued (InvalidGrantTokenException). */
  private tokens<I extends { GrantTokens?: string[] }>(input: I): I {
    checkGrantTokens(this.deps.sealer, input.GrantTokens);
    return input;
  }

  async createKey(ctx: RequestContext, input: S.CreateKeyRequest) { return keys.createKey(this.deps, ctx, input); }
  async describeKey(ctx: RequestContext, input: S.DescribeKeyRequest) { return keys.describeKey(this.deps, ctx, this.tokens(input)); }
  async listKeys(ctx: RequestContext, input: S.ListKeysRequest) { return keys.listKeys(this.deps, ctx, input); }
  async updateKeyDescription(ctx: RequestContext, input: S.UpdateKeyDescriptionRequest) { return keys.updateKeyDescription(this.deps, ctx, input); }
  async enableKey(ctx: RequestContext, input: S.EnableKeyRequest) { return keys.enableKey(this.deps, ctx, input); }
  async disableKey(ctx: RequestContext, input: S.DisableKeyRequest) { return keys.disableKey(this.deps, ctx, input); }
  async scheduleKeyDeletion(ctx: RequestContext, input: S.ScheduleKeyDeletionRequest) { return keys.scheduleKeyDeletion(this.deps, ctx, input); }
  async cancelKeyDeletion(ctx: RequestContext, input: S.CancelKeyDeletionRequest) { return keys.cancelKeyDeletion(this.deps, ctx, input); }
  async getKeyLastUsage(ctx: RequestContext, input: S.GetKeyLastUsageRequest) { return keys.getKeyLastUsage(this.deps, ctx, input); }

  async createAlias(ctx: RequestContext, input: S.CreateAliasRequest) { return aliases.createAlias(this.deps, ctx, input); }
  async updateAlias(ctx: RequestContext, input: S.UpdateAliasRequest) { return aliases.updateAlias(this.deps, ctx, input); }
  async deleteAlias(ctx: RequestContext, input: S.DeleteAliasRequest) { return aliases.deleteAlias(this.deps, ctx, input); }
  async listAliases(ctx: RequestContext, input: S.ListAliasesRequest) { return aliases.listAliases(this.deps, ctx, input); }

  async tagResource(ctx: RequestContext, input: S.TagResourceRequest) { return tags.tagResource(this.deps, ctx, input); }
  async untagResource(ctx: RequestContext, input: S.UntagResourceRequest) { return tags.untagResource(this.deps, ctx, input); }
  async listResourceTags(ctx: RequestContext, input: S.ListResourceTagsRequest) { return tags.listResourceTags(this.deps, ctx, input); }

  async getKeyPolicy(ctx: RequestContext, input: S.GetKeyPolicyRequest) { return policy.getKeyPolicy(this.deps, ctx, input); }
  async putKeyPolicy(ctx: RequestContext, input: S.PutKeyPolicyRequest) { return policy.putKeyPolicy(this.deps, ctx, input); }
  async listKeyPolicies(ctx: RequestContext, input: S.ListKeyPoliciesRequest) { return policy.listKeyPolicies(this.deps, ctx, input); }

  async encrypt(ctx: RequestContext, input: S.EncryptRequest) { return sym.encrypt(this.deps, ctx, this.tokens(input)); }
  async decrypt(ctx: RequestContext, input: S.DecryptRequest) { return sym.decrypt(this.deps, ctx, this.tokens(input)); }
  async reEncrypt(ctx: RequestContext, input: S.ReEncryptRequest) { return sym.reEncrypt(this.deps, ctx, this.tokens(input)); }
  async generateDataKey(ctx: RequestContext, input: S.GenerateDataKeyRequest) { return sym.generateDataKey(this.deps, ctx, this.tokens(input)); }
  async generateDataKeyWithoutPlaintext(ctx: RequestContext, input: S.GenerateDataKeyWithoutPlaintextRequest) { return sym.generateDataKeyWithoutPlaintext(this.deps, ctx, this.tokens(input)); }
  async generateRandom(ctx: RequestContext, input: S.GenerateRandomRequest) { return sym.generateRandom(this.deps, ctx, input); }

  async generateDataKeyPair(ctx: RequestContext, input: S.GenerateDataKeyPairRequest) { return asym.generateDataKeyPair(this.deps, ctx, this.tokens(input)); }
  async generateDataKeyPairWithoutPlaintext(ctx: RequestContext, input: S.GenerateDataKeyPairWithoutPlaintextRequest) { return asym.generateDataKeyPairWithoutPlaintext(this.deps, ctx, this.tokens(input)); }
  async sign(ctx: RequestContext, input: S.SignRequest) { return asym.sign(this.deps, ctx, this.tokens(input)); }
  async verify(ctx: RequestContext, input: S.VerifyRequest) { return asym.verify(this.deps, ctx, this.tokens(input)); }
  async getPublicKey(ctx: RequestContext, input: S.GetPublicKeyRequest) { return asym.getPublicKey(this.deps, ctx, this.tokens(input)); }
  async deriveSharedSecret(ctx: RequestContext, input: S.DeriveSharedSecretRequest) { return asym.deriveSharedSecret(this.deps, ctx, this.tokens(input)); }

  async generateMac(ctx: RequestContext, input: S.GenerateMacRequest) { return mac.generateMac(this.deps, ctx, this.tokens(input)); }
  async verifyMac(ctx: RequestContext, input: S.VerifyMacRequest) { return mac.verifyMac(this.deps, ctx, this.tokens(input)); }

  async enableKeyRotation(ctx: RequestContext, input: S.EnableKeyRotationRequest) { return rotation.enableKeyRotation(this.deps, ctx, input); }
  async disableKeyRotation(ctx: RequestContext, input: S.DisableKeyRotationRequest) { return rotation.disableKeyRotation(this.deps, ctx, input); }
  async getKeyRotationStatus(ctx: RequestContext, input: S.GetKeyRotationStatusRequest) { return rotation.getKeyRotationStatus(this.deps, ctx, input); }
  async rotateKeyOnDemand(ctx: RequestContext, input: S.RotateKeyOnDemandRequest) { return rotation.rotateKeyOnDemand(this.deps, ctx, input); }
  async listKeyRotations(ctx: RequestContext, input: S.ListKeyRotationsRequest) { return rotation.listKeyRotations(this.deps, ctx, input); }

  async getParametersForImport(ctx: RequestContext, input: S.GetParametersForImportRequest) { return imports.getParametersForImport(this.deps, ctx, input); }
  async importKeyMaterial(ctx: RequestContext, input: S.ImportKeyMaterialRequest) { return imports.importKeyMaterial(this.deps, ctx, input); }
  async deleteImportedKeyMaterial(ctx: RequestContext, input: S.DeleteImportedKeyMaterialRequest) { return imports.deleteImportedKeyMaterial(this.deps, ctx, input); }

  async replicateKey(ctx: RequestContext, input: S.ReplicateKeyRequest) { return regions.replicateKey(this.deps, ctx, input); }
  async updatePrimaryRegion(ctx: RequestContext, input: S.UpdatePrimaryRegionRequest) { return regions.updatePrimaryRegion(this.deps, ctx, input); }

  async createGrant(ctx: RequestContext, input: S.CreateGrantRequest) { return grants.createGrant(this.deps, ctx, input); }
  async listGrants(ctx: RequestContext, input: S.ListGrantsRequest) { return grants.listGrants(this.deps, ctx, input); }
  async listRetirableGrants(ctx: RequestContext, input: S.ListRetirableGrantsRequest) { return grants.listRetirableGrants(this.deps, ctx, input); }
  async retireGrant(ctx: RequestContext, input: S.RetireGrantRequest) { return grants.retireGrant(this.deps, ctx, input); }
  async revokeGrant(ctx: RequestContext, input: S.RevokeGrantRequest) { return grants.revokeGrant(this.deps, ctx, input); }

  async createCustomKeyStore(ctx: RequestContext, input: S.CreateCustomKeyStoreRequest) { return stores.createCustomKeyStore(this.deps, ctx, input); }
  async describeCustomKeyStores(ctx: RequestContext, input: S.DescribeCustomKeyStoresRequest) { return stores.describeCustomKeyStores(this.deps, ctx, input); }
  async updateCustomKeyStore() { return stores.updateCustomKeyStore(); }
  async deleteCustomKeyStore() { return stores.deleteCustomKeyStore(); }
  async connectCustomKeyStore() { return stores.connectCustomKeyStore(); }
  async disconnectCustomKeyStore() { return stores.disconnectCustomKeyStore(); }
}
