/**
 * Finding the key a request names, in the forms AWS accepts (key id, key ARN, alias name, alias
 * ARN), and the key-state checks operations share, with AWS's errors for each.
 * https://docs.aws.amazon.com/kms/latest/developerguide/find-cmk-id-arn.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
 */
import type { RequestContext } from '../../server/context.js';
import type { Sealer } from '../../crypto/root-key.js';
import type { Clock } from '../../server/clock.js';
import {
  aliasNotFound, disabled, invalidArnRegion, invalidKeyId, invalidState, notFoundKey, pendingDeletion, pendingImport,
} from './errors.js';
import type { GrantStore } from './grant-store.js';
import type { KeyLocks } from './key-locks.js';
import type { KeyMaterials } from './key-material.js';
import type { KeyRow, KeyStore } from './key-store.js';
import type { UsageTracker } from './usage-tracker.js';

/** What every KMS operation works with. */
export interface KmsDeps {
  store: KeyStore;
  materials: KeyMaterials;
  clock: Clock;
  usage: UsageTracker;
  /** Per-key serialization of read-modify-write sequences (rotation, import). */
  locks: KeyLocks;
  /** Seals what KMS hands out and must recognise later (import and grant tokens). */
  sealer: Sealer;
  grants: GrantStore;
}

const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;

export function keyArn(region: string, accountId: string, keyId: string): string {
  return `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
}

export function aliasArn(region: string, accountId: string, aliasName: string): string {
  return `arn:aws:kms:${region}:${accountId}:${aliasName}`;
}

/** A key reference as the request spelled it, before any lookup. */
export type KeyRef =
  | { kind: 'key'; accountId: string; region: string; keyId: string }
  | { kind: 'alias'; accountId: string; region: string; aliasName: string };

/**
 * Parses a KeyId. ARNs name their own account (cross-account use needs an ARN); an ARN of another
 * Region is "Invalid arn <region>", as AWS answers. Alias forms are refused where the operation
 * takes only key ids and ARNs.
 */
export function parseKeyRef(ctx: RequestContext, value: string, allowAliases: boolean): KeyRef {
  if (value.startsWith('arn:')) {
    const m = /^arn:aws[a-z-]*:kms:([^:]*):(\d{12}):(key\/.+|alias\/.+)$/.exec(value);
    if (!m) throw invalidKeyId(value);
    const [, region, accountId, resource] = m as unknown as [string, string, string, string];
    if (region !== ctx.region) throw invalidArnRegion(region);
    if (resource.startsWith('alias/')) {
      if (!allowAliases) throw invalidKeyId(value);
      return { kind: 'alias', accountId, region, aliasName: resource };
    }
    const keyId = resource.slice('key/'.length);
    if (!KEY_ID.test(keyId)) throw invalidKeyId(keyId);
    return { kind: 'key', accountId, region, keyId };
  }
  if (value.startsWith('alias/')) {
    if (!allowAliases) throw invalidKeyId(value);
    return { kind: 'alias', accountId: ctx.accountId, region: ctx.region, aliasName: value };
  }
  if (!KEY_ID.test(value)) throw invalidKeyId(value);
  return { kind: 'key', accountId: ctx.accountId, region: ctx.region, keyId: value };
}

/** The ARN a reference points at without any lookup (for authorization before the call runs). */
export function refArn(ref: KeyRef): string {
  return ref.kind === 'key' ? keyArn(ref.region, ref.accountId, ref.keyId) : aliasArn(ref.region, ref.accountId, ref.aliasName);
}

/** Finds the key a reference names; NotFoundException in AWS's wording when there is none. */
export async function findKey(deps: KmsDeps, ref: KeyRef): Promise<KeyRow> {
  if (ref.kind === 'alias') {
    const alias = await deps.store.findAlias(ref.accountId, ref.region, ref.aliasName);
    const target = alias && /^arn:[^:]+:kms:([^:]+):(\d{12}):key\/(.+)$/.exec(alias.target_key_arn);
    const key = target ? await deps.store.findKey(target[2]!, target[1]!, target[3]!) : undefined;
    if (!key) throw aliasNotFound(aliasArn(ref.region, ref.accountId, ref.aliasName));
    return key;
  }
  const key = await deps.store.findKey(ref.accountId, ref.region, ref.keyId);
  if (!key) throw notFoundKey(keyArn(ref.region, ref.accountId, ref.keyId));
  return key;
}

/** parseKeyRef + findKey. */
export async function resolveKey(deps: KmsDeps, ctx: RequestContext, value: string, allowAliases: boolean): Promise<KeyRow> {
  return findKey(deps, parseKeyRef(ctx, value, allowAliases));
}

/** A cryptographic operation needs an Enabled key: AWS's error for every other state. */
export function requireEnabled(key: KeyRow): void {
  switch (key.key_state) {
    case 'Enabled': return;
    case 'Disabled': throw disabled(key.arn);
    case 'PendingDeletion': throw pendingDeletion(key.arn);
    case 'PendingImport': throw pendingImport(key.arn);
    default: throw invalidState(key.arn, key.key_state.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
  }
}

/** Whether a key is the primary of its multi-Region set (single-Region keys are their own primary). */
export function isPrimary(key: KeyRow): boolean {
  return key.multi_region === 0 || key.region === key.primary_region;
}

/** Every Region's copy of a key: the multi-Region set, or just the key. */
export async function keySet(deps: KmsDeps, key: KeyRow): Promise<KeyRow[]> {
  return key.multi_region === 1 ? deps.store.multiRegionSet(key.account_id, key.key_id) : [key];
}

/** Management operations (tags, description, aliases) refuse only keys pending deletion. */
export function requireNotPendingDeletion(key: KeyRow): void {
  if (key.key_state === 'PendingDeletion' || key.key_state === 'PendingReplicaDeletion') throw pendingDeletion(key.arn);
}
