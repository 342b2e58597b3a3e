/**
 * What EBS needs of Coffer's KMS: the key a KmsKeyId names (key id, key ARN, alias name, alias
 * ARN) and whether EBS could encrypt under it, and the Region's AWS managed key `aws/ebs`.
 * EBS checks keys asynchronously: the API call succeeds and the volume fails afterwards, so a key
 * that cannot be found is an answer here, not an error.
 */
import { AwsError } from '../../errors.js';
import type { RequestContext } from '../../server/context.js';
import { awsManagedKey } from '../kms/key-factory.js';
import { resolveKey, type KmsDeps } from '../kms/key-lookup.js';

export interface EbsKey {
  arn: string;
  /** Enabled, ENCRYPT_DECRYPT, SYMMETRIC_DEFAULT: a key EBS can encrypt volumes under. */
  usable: boolean;
  /** An AWS managed key (`aws/ebs`): snapshots under it cannot be shared. */
  awsManaged: boolean;
}

export interface KmsKeys {
  /** The key `keyId` names, seen from the caller's account and Region; undefined if none. */
  find(ctx: RequestContext, keyId: string): Promise<EbsKey | undefined>;
  /** The ARN of the AWS managed key `alias/aws/ebs`, created on first use as AWS does. */
  awsManagedEbsKeyArn(ctx: RequestContext): Promise<string>;
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/;

/**
 * The ARN a KmsKeyId stands for, without asking KMS: EC2 answers ModifyEbsDefaultKmsKeyId with an
 * ARN at once, and finds out later whether the key exists.
 */
export function qualifyKeyArn(ctx: RequestContext, keyId: string): string {
  if (KEY_ARN.test(keyId)) return keyId;
  const resource = keyId.startsWith('alias/') ? keyId : `key/${keyId}`;
  return `arn:aws:kms:${ctx.region}:${ctx.accountId}:${resource}`;
}

/** EBS's view of Coffer's KMS. */
export function kmsKeysFrom(kms: KmsDeps): KmsKeys {
  return {
    async find(ctx, keyId) {
      try {
        const key = await resolveKey(kms, ctx, keyId, true);
        const usable = key.key_state === 'Enabled' && key.key_usage === 'ENCRYPT_DECRYPT' && key.key_spec === 'SYMMETRIC_DEFAULT';
        return { arn: key.arn, usable, awsManaged: key.key_manager === 'AWS' };
      } catch (err) {
        if (err instanceof AwsError) return undefined;
        throw err;
      }
    },
    async awsManagedEbsKeyArn(ctx) {
      return (await awsManagedKey(kms, ctx.accountId, ctx.region, 'ebs')).arn;
    },
  };
}
