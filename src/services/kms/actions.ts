/**
 * KMS operation -> IAM action, resources, condition keys and the key policy.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
 *
 * Resources are computed without a database lookup (ActionSpec.resources is synchronous): a key id
 * or key ARN gives the key ARN; an alias gives the alias ARN (the key behind it is known to
 * resourcePolicy(), which looks it up); Decrypt without a KeyId reads the key from the blob header.
 */
import type { ActionSpec, ActionTable, ResourcePolicy } from '../../authz/types.js';
import type { RequestContext } from '../../server/context.js';
import { readBlobHeader } from './ciphertext-blob.js';
import { aliasArn, findKey, keyArn, parseKeyRef, refArn, type KmsDeps } from './key-lookup.js';

type Input = Record<string, any>;

/** The ARN a KeyId names ('*' if it is malformed: the operation itself answers NotFoundException). */
function keyResource(ctx: RequestContext, value: unknown): string {
  if (typeof value !== 'string') return '*';
  try {
    return refArn(parseKeyRef(ctx, value, true));
  } catch {
    return '*';
  }
}

/** Decrypt/ReEncrypt source: the KeyId if given, else the key the symmetric blob names. */
function ciphertextResource(ctx: RequestContext, keyId: unknown, blob: unknown): string {
  if (keyId !== undefined) return keyResource(ctx, keyId);
  const header = Buffer.isBuffer(blob) ? readBlobHeader(blob) : undefined;
  return header ? keyArn(ctx.region, header.accountId, header.keyId) : '*';
}

/** kms:EncryptionContext:<key> and kms:EncryptionContextKeys of one or more contexts. */
function contextConditions(...contexts: Array<Record<string, string> | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const keys = new Set<string>();
  for (const c of contexts) {
    for (const [k, v] of Object.entries(c ?? {})) {
      out[`kms:EncryptionContext:${k}`] = v;
      keys.add(k);
    }
  }
  if (keys.size) out['kms:EncryptionContextKeys'] = [...keys];
  return out;
}

/** Condition keys every KMS request carries, plus kms:RequestAlias when the KeyId is an alias. */
function common(ctx: RequestContext, input: Input): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (ctx.principal) out['kms:CallerAccount'] = ctx.principal.accountId;
  if (typeof input.KeyId === 'string' && (input.KeyId.startsWith('alias/') || input.KeyId.includes(':alias/'))) {
    out['kms:RequestAlias'] = input.KeyId.startsWith('alias/') ? input.KeyId : input.KeyId.slice(input.KeyId.indexOf(':alias/') + 1);
  }
  return out;
}

/** Request members that become condition keys, per member name. */
const MEMBER_CONDITIONS: Record<string, string> = {
  EncryptionAlgorithm: 'kms:EncryptionAlgorithm',
  SigningAlgorithm: 'kms:SigningAlgorithm',
  MacAlgorithm: 'kms:MacAlgorithm',
  MessageType: 'kms:MessageType',
  KeyPairSpec: 'kms:DataKeyPairSpec',
  KeyAgreementAlgorithm: 'kms:KeyAgreementAlgorithm',
  KeyUsage: 'kms:KeyUsage',
  KeySpec: 'kms:KeySpec',
  Origin: 'kms:KeyOrigin',
  MultiRegion: 'kms:MultiRegion',
  BypassPolicyLockoutSafetyCheck: 'kms:BypassPolicyLockoutSafetyCheck',
  PendingWindowInDays: 'kms:ScheduleKeyDeletionPendingWindowInDays',
};

function conditions(ctx: RequestContext, input: Input): Record<string, string | string[]> {
  const out = { ...common(ctx, input), ...contextConditions(input.EncryptionContext, input.SourceEncryptionContext, input.DestinationEncryptionContext) };
  for (const [member, key] of Object.entries(MEMBER_CONDITIONS)) {
    if (input[member] !== undefined && input[member] !== null) out[key] = String(input[member]);
  }
  return out;
}

function spec(deps: KmsDeps, op: string, resources: (ctx: RequestContext, input: Input) => string[]): ActionSpec<Input> {
  return {
    action: `kms:${op}`,
    resources,
    conditions,
    async resourcePolicy(ctx, input): Promise<ResourcePolicy | undefined> {
      const arn = resources(ctx, input).find((r) => r.includes(':key/'));
      const keyIdValue = arn ?? (typeof input.KeyId === 'string' ? input.KeyId : undefined);
      if (!keyIdValue) return undefined;
      try {
        const key = await findKey(deps, parseKeyRef(ctx, keyIdValue, true));
        return { document: key.policy, accountId: key.account_id, kind: 'kms-key' };
      } catch {
        return undefined;
      }
    },
  };
}

const byKeyId = (ctx: RequestContext, input: Input) => [keyResource(ctx, input.KeyId)];
const none = () => ['*'];

/** The KMS action table; resourcePolicy() reads the key policy through `deps`. */
export function kmsActions(deps: KmsDeps): ActionTable {
  const keyOps = [
    'DescribeKey', 'UpdateKeyDescription', 'EnableKey', 'DisableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion',
    'GetKeyLastUsage', 'TagResource', 'UntagResource', 'ListResourceTags', 'GetKeyPolicy', 'PutKeyPolicy', 'ListKeyPolicies',
    'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext',
    'Sign', 'Verify', 'GetPublicKey', 'DeriveSharedSecret', 'GenerateMac', 'VerifyMac',
  ];
  const table: ActionTable = Object.fromEntries(keyOps.map((op) => [op, spec(deps, op, byKeyId)]));
  table.CreateKey = spec(deps, 'CreateKey', none);
  table.ListKeys = spec(deps, 'ListKeys', none);
  table.ListAliases = spec(deps, 'ListAliases', none);
  table.GenerateRandom = spec(deps, 'GenerateRandom', none);
  table.Decrypt = spec(deps, 'Decrypt', (ctx, input) => [ciphertextResource(ctx, input.KeyId, input.CiphertextBlob)]);
  // AWS checks kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination; an
  // ActionSpec has one action, so both resources are listed under ReEncryptFrom.
  table.ReEncrypt = spec(deps, 'ReEncryptFrom', (ctx, input) => [
    ciphertextResource(ctx, input.SourceKeyId, input.CiphertextBlob), keyResource(ctx, input.DestinationKeyId),
  ]);
  // Alias operations act on the alias and on its key (both need the permission in AWS).
  for (const op of ['CreateAlias', 'UpdateAlias']) {
    table[op] = spec(deps, op, (ctx, input) => [aliasArn(ctx.region, ctx.accountId, String(input.AliasName)), keyResource(ctx, input.TargetKeyId)]);
  }
  table.DeleteAlias = spec(deps, 'DeleteAlias', (ctx, input) => [aliasArn(ctx.region, ctx.accountId, String(input.AliasName))]);
  return table;
}
