/**
 * KMS operation -> IAM action, resources, condition keys, the key policy and the key's grants.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
 *
 * - Resources: a key id or key ARN gives the key ARN without a lookup; an alias is resolved to its
 *   key's ARN (an alias naming nothing stays an alias ARN, and the operation answers
 *   NotFoundException); Decrypt and ReEncrypt without a KeyId read the key from the blob header;
 *   RetireGrant with a token reads the key from the grant.
 * - What authorization needs of a key (the key, its tags, aliases and grants) is looked up at most
 *   once per request, however many of resources(), conditions(), resourcePolicy() and grants() ask,
 *   and reused across requests for up to a second (recent-cache.ts: any KMS write in this process
 *   makes it stale at once). A request carrying grant tokens always reads afresh, so a grant made a
 *   moment ago on another node is honoured.
 * - kms:CallerAccount and kms:ViaService come from the request context (authz/context-keys.ts).
 * - An operation that needs two actions (ReEncrypt: kms:ReEncryptFrom on the source key and
 *   kms:ReEncryptTo on the destination) lists the second in `also()`.
 */
import type { ActionSpec, ActionTable, GrantView, ResourcePolicy } from '../../authz/types.js';
import type { RequestContext } from '../../server/context.js';
import { readBlobHeader } from './ciphertext-blob.js';
import { grantViews, openGrantToken } from './grant-store.js';
import { aliasArn, findKey, keyArn, parseKeyRef, refArn, type KmsDeps } from './key-lookup.js';
import type { KeyRow } from './key-store.js';
import { RecentCache } from '../../store/recent-cache.js';

type Input = Record<string, any>;
type Conditions = Record<string, string | string[]>;

/** What the authorizer may ask about the key a request names. */
interface KeyFacts {
  key: KeyRow;
  tags: Array<{ key: string; value: string }>;
  aliases: string[];
  grants: GrantView[];
}



/** Where a request names its key (or keys), per operation. */
type KeyRefOf = (ctx: RequestContext, input: Input, deps: KmsDeps) => Promise<string | undefined> | string | undefined;

const byKeyId: KeyRefOf = (_ctx, input) => (typeof input.KeyId === 'string' ? input.KeyId : undefined);

/** Decrypt/ReEncrypt source: the KeyId if given, else the key the symmetric blob names (as an ARN). */
function fromCiphertext(member: string): KeyRefOf {
  return (ctx, input) => {
    if (typeof input[member] === 'string') return input[member];
    const header = Buffer.isBuffer(input.CiphertextBlob) ? readBlobHeader(input.CiphertextBlob) : undefined;
    return header ? keyArn(ctx.region, header.accountId, header.keyId) : undefined;
  };
}

/** RetireGrant: the key of the grant the token names, else the KeyId. */
const byGrantToken: KeyRefOf = async (_ctx, input, deps) => {
  if (typeof input.GrantToken !== 'string') return byKeyId(_ctx, input, deps);
  try {
    const { grantId } = openGrantToken(deps.sealer, input.GrantToken);
    return (await deps.grants.find(grantId))?.key_arn;
  } catch {
    return undefined;
  }
};

/** kms:EncryptionContext:<key> (the key's own case) and kms:EncryptionContextKeys of one or more contexts. */
function contextConditions(out: Conditions, ...contexts: Array<Record<string, string> | undefined>): Conditions {
  let keys: Set<string> | undefined;
  for (const c of contexts) {
    if (!c) continue;
    for (const [k, v] of Object.entries(c)) {
      out[`kms:EncryptionContext:${k}`] = v;
      (keys ??= new Set()).add(k);
    }
  }
  if (keys) out['kms:EncryptionContextKeys'] = [...keys];
  return out;
}

/** Request members that become condition keys, whatever the operation. */
const MEMBER_CONDITIONS: Record<string, string> = {
  EncryptionAlgorithm: 'kms:EncryptionAlgorithm',
  SigningAlgorithm: 'kms:SigningAlgorithm',
  MacAlgorithm: 'kms:MacAlgorithm',
  MessageType: 'kms:MessageType',
  KeyPairSpec: 'kms:DataKeyPairSpec',
  KeyAgreementAlgorithm: 'kms:KeyAgreementAlgorithm',
  BypassPolicyLockoutSafetyCheck: 'kms:BypassPolicyLockoutSafetyCheck',
  PendingWindowInDays: 'kms:ScheduleKeyDeletionPendingWindowInDays',
  RotationPeriodInDays: 'kms:RotationPeriodInDays',
  ReplicaRegion: 'kms:ReplicaRegion',
  PrimaryRegion: 'kms:PrimaryRegion',
  WrappingAlgorithm: 'kms:WrappingAlgorithm',
  WrappingKeySpec: 'kms:WrappingKeySpec',
  ExpirationModel: 'kms:ExpirationModel',
};

/** CreateKey describes the key it makes with these (other operations: the key's own properties). */
const CREATE_KEY_CONDITIONS: Record<string, string> = {
  KeySpec: 'kms:KeySpec', KeyUsage: 'kms:KeyUsage', Origin: 'kms:KeyOrigin', MultiRegion: 'kms:MultiRegion',
};

// As entries once: every call walks them.
const MEMBER_ENTRIES = Object.entries(MEMBER_CONDITIONS);
const CREATE_KEY_ENTRIES = Object.entries({ ...MEMBER_CONDITIONS, ...CREATE_KEY_CONDITIONS });

/** Operations whose grant-related keys say whether an AWS service made the call for its user. */
const GRANT_OPERATIONS = new Set(['CreateGrant', 'ListGrants', 'RevokeGrant']);

/** Adds the request's condition keys to `out`. */
function requestConditions(out: Conditions, ctx: RequestContext, op: string, input: Input): Conditions {
  contextConditions(out, input.EncryptionContext, input.SourceEncryptionContext, input.DestinationEncryptionContext);
  if (ctx.principal) out['kms:CallerAccount'] = ctx.principal.accountId;
  if (typeof input.KeyId === 'string' && (input.KeyId.startsWith('alias/') || input.KeyId.includes(':alias/'))) {
    out['kms:RequestAlias'] = input.KeyId.startsWith('alias/') ? input.KeyId : input.KeyId.slice(input.KeyId.indexOf(':alias/') + 1);
  }
  for (const [member, key] of op === 'CreateKey' ? CREATE_KEY_ENTRIES : MEMBER_ENTRIES) {
    if (input[member] !== undefined && input[member] !== null) out[key] = String(input[member]);
  }
  if (input.ValidTo instanceof Date) out['kms:ValidTo'] = String(Math.floor(input.ValidTo.getTime() / 1000));
  if (GRANT_OPERATIONS.has(op)) out['kms:GrantIsForAWSResource'] = String((ctx.calledVia ?? []).length > 0);
  if (op === 'CreateGrant') {
    out['kms:GrantOperations'] = input.Operations ?? [];
    if (input.GranteePrincipal) out['kms:GranteePrincipal'] = input.GranteePrincipal;
    if (input.RetiringPrincipal) out['kms:RetiringPrincipal'] = input.RetiringPrincipal;
    const c = input.Constraints ?? {};
    const types = ['EncryptionContextEquals', 'EncryptionContextSubset'].filter((t) => c[t] !== undefined);
    if (types.length) out['kms:GrantConstraintType'] = types;
    // The constraint's pairs are what kms:EncryptionContext:* conditions see on CreateGrant.
    contextConditions(out, c.EncryptionContextEquals, c.EncryptionContextSubset);
  }
  const tags: Array<{ TagKey: string; TagValue: string }> = Array.isArray(input.Tags) && op !== 'ListResourceTags' ? input.Tags : [];
  for (const t of tags) out[`aws:RequestTag/${t.TagKey}`] = t.TagValue;
  const tagKeys = tags.length ? tags.map((t) => t.TagKey) : op === 'UntagResource' ? input.TagKeys ?? [] : [];
  if (tagKeys.length) out['aws:TagKeys'] = tagKeys;
  return out;
}

/** Condition keys that describe the key itself. */
function keyConditions(facts: KeyFacts): Conditions {
  const { key } = facts;
  const out: Conditions = {
    'kms:KeySpec': key.key_spec, 'kms:KeyUsage': key.key_usage, 'kms:KeyOrigin': key.origin,
    'kms:MultiRegion': String(key.multi_region === 1),
  };
  if (key.multi_region === 1) out['kms:MultiRegionKeyType'] = key.region === key.primary_region ? 'PRIMARY' : 'REPLICA';
  if (facts.aliases.length) out['kms:ResourceAliases'] = facts.aliases;
  for (const t of facts.tags) out[`aws:ResourceTag/${t.key}`] = t.value;
  return out;
}

/** The KMS action table; the key policy, grants and key facts come from `deps`. */
export function kmsActions(deps: KmsDeps): ActionTable {
  // Per request (keyed by the decoded input object) and key reference: the facts, looked up once.
  const perRequest = new WeakMap<object, Map<string, Promise<KeyFacts | undefined>>>();
  // Across requests, by key reference (as an ARN): see recent-cache.ts.
  const shared = new RecentCache<KeyFacts>(deps.store.changes);

  const load = async (ctx: RequestContext, ref: string): Promise<KeyFacts | undefined> => {
    try {
      const key = await findKey(deps, parseKeyRef(ctx, ref, true));
      const [tags, aliases, grants] = await Promise.all([
        deps.store.tags(key.arn), deps.store.listAliases(key.account_id, key.region, key.arn), deps.grants.forKey(key.arn),
      ]);
      return { key, tags, aliases: aliases.map((a) => a.alias_name), grants: grantViews(grants) };
    } catch {
      return undefined;
    }
  };

  const cached = (ctx: RequestContext, input: Input, ref: string): Promise<KeyFacts | undefined> => {
    let id: string;
    try {
      id = refArn(parseKeyRef(ctx, ref, true));
    } catch {
      return Promise.resolve(undefined);
    }
    if (Array.isArray(input.GrantTokens) && input.GrantTokens.length > 0) return load(ctx, ref);
    return shared.get(id, () => load(ctx, ref));
  };

  const facts = (ctx: RequestContext, input: Input, ref: string): Promise<KeyFacts | undefined> => {
    let mine = perRequest.get(input);
    if (!mine) perRequest.set(input, (mine = new Map()));
    let found = mine.get(ref);
    if (!found) mine.set(ref, (found = cached(ctx, input, ref)));
    return found;
  };

  /** The ARN a reference names: the key's (resolving an alias), or the alias's if it names nothing. */
  const resourceOf = async (ctx: RequestContext, input: Input, ref: string | undefined): Promise<string> => {
    if (ref === undefined) return '*';
    let parsed;
    try {
      parsed = parseKeyRef(ctx, ref, true);
    } catch {
      return '*';
    }
    if (parsed.kind === 'key') return refArn(parsed);
    return (await facts(ctx, input, ref))?.key.arn ?? refArn(parsed);
  };

  function spec(action: string, op: string, keyRef: KeyRefOf | undefined, extra?: (ctx: RequestContext, input: Input) => Promise<string[]>): ActionSpec<Input> {
    const ref = async (ctx: RequestContext, input: Input) => (keyRef ? keyRef(ctx, input, deps) : undefined);
    const keyFacts = async (ctx: RequestContext, input: Input) => {
      const r = await ref(ctx, input);
      return r === undefined ? undefined : facts(ctx, input, r);
    };
    return {
      action,
      async resources(ctx, input) {
        const own = keyRef ? [await resourceOf(ctx, input, await ref(ctx, input))] : ['*'];
        return extra ? [...(keyRef ? own : []), ...(await extra(ctx, input))] : own;
      },
      async conditions(ctx, input) {
        const f = await keyFacts(ctx, input);
        return requestConditions(f ? keyConditions(f) : {}, ctx, op, input);
      },
      async resourcePolicy(ctx, input): Promise<ResourcePolicy | undefined> {
        const f = await keyFacts(ctx, input);
        return f && { document: f.key.policy, accountId: f.key.account_id, kind: 'kms-key' };
      },
      async grants(ctx, input): Promise<GrantView[]> {
        return (await keyFacts(ctx, input))?.grants ?? [];
      },
    };
  }

  const keyOps = [
    'DescribeKey', 'UpdateKeyDescription', 'EnableKey', 'DisableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion',
    'GetKeyLastUsage', 'TagResource', 'UntagResource', 'ListResourceTags', 'GetKeyPolicy', 'PutKeyPolicy', 'ListKeyPolicies',
    'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext',
    'Sign', 'Verify', 'GetPublicKey', 'DeriveSharedSecret', 'GenerateMac', 'VerifyMac',
    'EnableKeyRotation', 'DisableKeyRotation', 'GetKeyRotationStatus', 'RotateKeyOnDemand', 'ListKeyRotations',
    'GetParametersForImport', 'ImportKeyMaterial', 'DeleteImportedKeyMaterial',
    'CreateGrant', 'ListGrants', 'RevokeGrant',
  ];
  const table: ActionTable = Object.fromEntries(keyOps.map((op) => [op, spec(`kms:${op}`, op, byKeyId)]));
  for (const op of [
    'CreateKey', 'ListKeys', 'ListAliases', 'GenerateRandom', 'ListRetirableGrants',
    'CreateCustomKeyStore', 'DescribeCustomKeyStores', 'UpdateCustomKeyStore', 'DeleteCustomKeyStore',
    'ConnectCustomKeyStore', 'DisconnectCustomKeyStore',
  ]) {
    table[op] = spec(`kms:${op}`, op, undefined);
  }
  table.Decrypt = spec('kms:Decrypt', 'Decrypt', fromCiphertext('KeyId'));
  table.RetireGrant = spec('kms:RetireGrant', 'RetireGrant', byGrantToken);
  table.ReEncrypt = {
    ...spec('kms:ReEncryptFrom', 'ReEncrypt', fromCiphertext('SourceKeyId')),
    also: async () => [spec('kms:ReEncryptTo', 'ReEncrypt', (_ctx, input) => input.DestinationKeyId)],
  };
  // ReplicateKey also needs kms:CreateKey (in the replica's Region, from IAM policies).
  table.ReplicateKey = { ...spec('kms:ReplicateKey', 'ReplicateKey', byKeyId), also: async () => [spec('kms:CreateKey', 'ReplicateKey', undefined)] };
  // UpdatePrimaryRegion needs the permission on the current primary and on the replica that takes over.
  table.UpdatePrimaryRegion = {
    ...spec('kms:UpdatePrimaryRegion', 'UpdatePrimaryRegion', byKeyId),
    also: async () => [spec('kms:UpdatePrimaryRegion', 'UpdatePrimaryRegion', (ctx, input) => {
      try {
        const ref = parseKeyRef(ctx, String(input.KeyId), false);
        return ref.kind === 'key' ? keyArn(String(input.PrimaryRegion), ref.accountId, ref.keyId) : undefined;
      } catch {
        return undefined;
      }
    })],
  };
  // Alias operations act on the alias and on its key (both need the permission in AWS).
  const alias = (ctx: RequestContext, input: Input) => aliasArn(ctx.region, ctx.accountId, String(input.AliasName));
  for (const op of ['CreateAlias', 'UpdateAlias']) {
    table[op] = spec(`kms:${op}`, op, (_ctx, input) => input.TargetKeyId, async (ctx, input) => [alias(ctx, input)]);
  }
  table.DeleteAlias = spec('kms:DeleteAlias', 'DeleteAlias', (_ctx, input) => input.AliasName, async (ctx, input) => [alias(ctx, input)]);
  return table;
}
