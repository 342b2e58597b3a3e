/**
 * EBS encryption by default and the default KMS key, per account and Region, and the encryption a
 * new volume gets from them. Until a customer key is chosen, EBS uses the Region's AWS managed key
 * `aws/ebs`, which Coffer's KMS creates on first use.
 */
import type { RequestContext } from '../../../server/context.js';
import { AwsError } from '../../../errors.js';
import type {
  DisableEbsEncryptionByDefaultRequest, DisableEbsEncryptionByDefaultResult, EnableEbsEncryptionByDefaultRequest,
  EnableEbsEncryptionByDefaultResult, GetEbsDefaultKmsKeyIdRequest, GetEbsDefaultKmsKeyIdResult, GetEbsEncryptionByDefaultRequest,
  GetEbsEncryptionByDefaultResult, ModifyEbsDefaultKmsKeyIdRequest, ModifyEbsDefaultKmsKeyIdResult, ResetEbsDefaultKmsKeyIdRequest,
  ResetEbsDefaultKmsKeyIdResult,
} from '../../../generated/ec2/shapes.js';
import { scopeOf, type Ec2Deps } from '../deps.js';
import { dryRunIfAsked } from '../errors.js';
import { qualifyKeyArn } from '../kms-keys.js';
import { ensureRegion } from './vpcs.js';

/** What GetEbsDefaultKmsKeyId answers while no customer key is set. */
const AWS_MANAGED_EBS_ALIAS = 'alias/aws/ebs';

/** The encryption of a volume being created, and whether its key lets EBS create it. */
export interface VolumeEncryption {
  encrypted: boolean;
  kmsKeyArn: string | null;
  /** False when the key does not exist or cannot be used: the volume fails after the call returns. */
  keyUsable: boolean;
}

/**
 * Decides a new volume's encryption: asked for, by default for the Region, or inherited from the
 * snapshot it is restored from (encryption can be added, never removed), and its key: the one
 * named, the snapshot's, or the Region's default.
 */
export async function volumeEncryption(deps: Ec2Deps, ctx: RequestContext, requested: { Encrypted?: boolean; KmsKeyId?: string },
  snapshot?: { encrypted: boolean; kmsKeyArn: string | null }): Promise<VolumeEncryption> {
  const settings = await ensureRegion(deps, ctx);
  const encrypted = requested.Encrypted === true || settings.ebs_encryption_by_default === 1 || snapshot?.encrypted === true;
  if (requested.KmsKeyId !== undefined && !encrypted) {
    throw new AwsError('InvalidParameterDependency', 'The parameter KmsKeyId requires the parameter Encrypted to be set.', { status: 400 });
  }
  if (!encrypted) return { encrypted: false, kmsKeyArn: null, keyUsable: true };
  const keyId = requested.KmsKeyId ?? snapshot?.kmsKeyArn ?? settings.ebs_default_kms_key_arn;
  if (keyId === null || keyId === undefined) return { encrypted: true, kmsKeyArn: await deps.kms.awsManagedEbsKeyArn(ctx), keyUsable: true };
  const key = await deps.kms.find(ctx, keyId);
  return { encrypted: true, kmsKeyArn: key?.arn ?? qualifyKeyArn(ctx, keyId), keyUsable: key?.usable === true };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetEbsEncryptionByDefault.html */
export async function getEbsEncryptionByDefault(deps: Ec2Deps, ctx: RequestContext, input: GetEbsEncryptionByDefaultRequest): Promise<GetEbsEncryptionByDefaultResult> {
  dryRunIfAsked(input);
  const settings = await ensureRegion(deps, ctx);
  return { EbsEncryptionByDefault: settings.ebs_encryption_by_default === 1, SseType: 'sse-ebs' };
}

async function setEncryptionByDefault(deps: Ec2Deps, ctx: RequestContext, on: boolean): Promise<{ EbsEncryptionByDefault: boolean }> {
  await ensureRegion(deps, ctx);
  await deps.store.network.updateSettings(scopeOf(ctx), { ebs_encryption_by_default: on ? 1 : 0 });
  return { EbsEncryptionByDefault: on };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableEbsEncryptionByDefault.html */
export async function enableEbsEncryptionByDefault(deps: Ec2Deps, ctx: RequestContext, input: EnableEbsEncryptionByDefaultRequest): Promise<EnableEbsEncryptionByDefaultResult> {
  dryRunIfAsked(input);
  return setEncryptionByDefault(deps, ctx, true);
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisableEbsEncryptionByDefault.html */
export async function disableEbsEncryptionByDefault(deps: Ec2Deps, ctx: RequestContext, input: DisableEbsEncryptionByDefaultRequest): Promise<DisableEbsEncryptionByDefaultResult> {
  dryRunIfAsked(input);
  return setEncryptionByDefault(deps, ctx, false);
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetEbsDefaultKmsKeyId.html */
export async function getEbsDefaultKmsKeyId(deps: Ec2Deps, ctx: RequestContext, input: GetEbsDefaultKmsKeyIdRequest): Promise<GetEbsDefaultKmsKeyIdResult> {
  dryRunIfAsked(input);
  const settings = await ensureRegion(deps, ctx);
  return { KmsKeyId: settings.ebs_default_kms_key_arn ?? AWS_MANAGED_EBS_ALIAS };
}

/**
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyEbsDefaultKmsKeyId.html
 * "Amazon Web Services authenticates the KMS key asynchronously": the key is stored as an ARN now
 * and checked when a volume is created under it.
 */
export async function modifyEbsDefaultKmsKeyId(deps: Ec2Deps, ctx: RequestContext, input: ModifyEbsDefaultKmsKeyIdRequest): Promise<ModifyEbsDefaultKmsKeyIdResult> {
  dryRunIfAsked(input);
  await ensureRegion(deps, ctx);
  const arn = (await deps.kms.find(ctx, input.KmsKeyId))?.arn ?? qualifyKeyArn(ctx, input.KmsKeyId);
  await deps.store.network.updateSettings(scopeOf(ctx), { ebs_default_kms_key_arn: arn });
  return { KmsKeyId: arn };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ResetEbsDefaultKmsKeyId.html */
export async function resetEbsDefaultKmsKeyId(deps: Ec2Deps, ctx: RequestContext, input: ResetEbsDefaultKmsKeyIdRequest): Promise<ResetEbsDefaultKmsKeyIdResult> {
  dryRunIfAsked(input);
  await ensureRegion(deps, ctx);
  await deps.store.network.updateSettings(scopeOf(ctx), { ebs_default_kms_key_arn: null });
  return { KmsKeyId: AWS_MANAGED_EBS_ALIAS };
}
