/**
 * New key rows and AWS managed keys (`alias/aws/<service>`, created by their service on first use).
 * https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { aliasArn, keyArn, type KmsDeps } from './key-lookup.js';
import { generateMaterial } from './key-material.js';
import type { KeyRow } from './key-store.js';
import { managedKeyPolicy } from './key-policy.js';

/** A new key id: a UUID, or `mrk-` + 32 hex digits for a multi-Region key. */
export function newKeyId(multiRegion: boolean): string {
  return multiRegion ? `mrk-${randomBytes(16).toString('hex')}` : randomUUID();
}

export interface NewKey {
  accountId: string;
  region: string;
  keyId: string;
  spec: string;
  usage: string;
  origin: string;
  manager: 'AWS' | 'CUSTOMER';
  multiRegion: boolean;
  description: string;
  policy: string;
  createdAt: string;
}

/** The row of a new key: Enabled with material version 1, or PendingImport without material. */
export function newKeyRow(k: NewKey): KeyRow {
  const hasMaterial = k.origin === 'AWS_KMS';
  return {
    arn: keyArn(k.region, k.accountId, k.keyId), account_id: k.accountId, region: k.region, key_id: k.keyId,
    key_spec: k.spec, key_usage: k.usage, key_state: hasMaterial ? 'Enabled' : 'PendingImport', origin: k.origin,
    key_manager: k.manager, multi_region: k.multiRegion ? 1 : 0, primary_region: k.multiRegion ? k.region : null,
    description: k.description, policy: k.policy, created_at: k.createdAt,
    deletion_date: null, pending_window_days: null, current_material_version: hasMaterial ? 1 : null,
    expiration_model: null, valid_to: null, rotation_period_days: null, next_rotation_date: null,
    last_used_at: null, last_used_operation: null, last_used_request_id: null,
  };
}

/**
 * The aliases AWS predefines in every account and Region for its services' managed keys.
 * ListAliases shows them (without a TargetKeyId until the key exists).
 */
export const PREDEFINED_AWS_ALIASES = [
  'alias/aws/acm', 'alias/aws/dynamodb', 'alias/aws/ebs', 'alias/aws/elasticfilesystem', 'alias/aws/es',
  'alias/aws/glue', 'alias/aws/kinesisvideo', 'alias/aws/lambda', 'alias/aws/rds', 'alias/aws/redshift',
  'alias/aws/s3', 'alias/aws/secretsmanager', 'alias/aws/ssm', 'alias/aws/xray',
];

/**
 * The AWS managed key of `service` (e.g. 's3' for `alias/aws/s3`) in an account and Region,
 * created on first use with KeyManager AWS, the managed-key policy, a fresh symmetric material and
 * yearly automatic rotation.
 * Other services call this directly (S3 SSE-KMS without a key id), never through the API.
 */
export async function awsManagedKey(deps: KmsDeps, accountId: string, region: string, service: string): Promise<KeyRow> {
  const aliasName = `alias/aws/${service}`;
  const existing = await findManaged(deps, accountId, region, aliasName);
  if (existing) return existing;
  const now = deps.clock.now().toISOString();
  const key = newKeyRow({
    accountId, region, keyId: newKeyId(false), spec: 'SYMMETRIC_DEFAULT', usage: 'ENCRYPT_DECRYPT', origin: 'AWS_KMS',
    manager: 'AWS', multiRegion: false, description: managedKeyDescription(service),
    policy: managedKeyPolicy(accountId, region, service), createdAt: now,
  });
  // AWS rotates its managed keys every year, from their creation; nothing can change that.
  key.rotation_period_days = 365;
  key.next_rotation_date = new Date(Date.parse(now) + 365 * 86_400_000).toISOString();
  const material = deps.materials.sealRow(key.arn, 1, await generateMaterial('SYMMETRIC_DEFAULT'), now);
  const alias = { account_id: accountId, region, alias_name: aliasName, target_key_arn: key.arn, created_at: now, updated_at: now };
  try {
    if (await deps.store.insertKeyWithAlias(key, material, alias)) return key;
  } catch (err) {
    // A racing first use committed the alias between our check and our insert: use its key.
    const raced = await findManaged(deps, accountId, region, aliasName);
    if (raced) return raced;
    throw err;
  }
  const winner = await findManaged(deps, accountId, region, aliasName);
  if (!winner) throw new Error(`AWS managed key ${aliasArn(region, accountId, aliasName)} vanished`);
  return winner;
}

/** AWS's description of a managed key, e.g. "Default master key that protects my S3 objects when no other key is defined". */
function managedKeyDescription(service: string): string {
  const what: Record<string, string> = { s3: 'S3 objects', ebs: 'EBS volumes', rds: 'RDS database volumes' };
  return `Default master key that protects my ${what[service] ?? `${service.toUpperCase()} resources`} when no other key is defined`;
}

async function findManaged(deps: KmsDeps, accountId: string, region: string, aliasName: string): Promise<KeyRow | undefined> {
  const alias = await deps.store.findAlias(accountId, region, aliasName);
  return alias ? deps.store.findKeyByArn(alias.target_key_arn) : undefined;
}
