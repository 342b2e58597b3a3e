import { randomBytes, randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { secretAad } from '../auth/principal.js';
import type { Sealer } from '../crypto/root-key.js';
import type { AccountRow, Db } from '../store/database.js';
import { applyBootstrapFile } from './bootstrap-file.js';

export interface RootCredentials {
  accountId: string;
  accessKeyId: string;
  /** Present only when this start created the key: the one moment it can be shown. */
  secretAccessKey?: string;
  credentialsFile?: string;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** An access key id as AWS mints them: `AKIA` and 16 base32 characters. */
export function newAccessKeyId(): string {
  return 'AKIA' + randomString(BASE32, 16);
}

/** A 40-character secret access key. */
export function newSecretAccessKey(): string {
  return randomString(SECRET_ALPHABET, 40);
}

/** A new account's id: 12 random digits (never starting with 0, as AWS's display ids don't). */
function newAccountId(): string {
  return String(randomInt(100000, 999999)) + String(randomInt(100000, 999999));
}

/**
 * Adds an account (a 12-digit id, a canonical user id for S3 ACLs) unless one with this id exists.
 * Returns the account row either way.
 */
export async function ensureAccount(db: Db, opts: { id?: string; name?: string } = {}): Promise<AccountRow> {
  const id = opts.id ?? newAccountId();
  if (!/^\d{12}$/.test(id)) throw new Error(`an account id must be 12 digits: ${id}`);
  const existing = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (existing) return existing;
  const account: AccountRow = { id, name: opts.name ?? 'coffer', canonical_user_id: randomBytes(32).toString('hex'), created_at: new Date().toISOString() };
  await db.insertInto('accounts').values(account).onConflict((oc) => oc.column('id').doNothing()).execute();
  return (await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}

/**
 * Gives an account's root the access key `accessKeyId` / `secret` (a random pair when absent).
 * A key id already known is left alone if it is this root's, and refused if it is anyone else's.
 */
export async function ensureRootKey(db: Db, sealer: Sealer, accountId: string, key?: { accessKeyId: string; secretAccessKey: string }): Promise<{ accessKeyId: string; secretAccessKey?: string }> {
  const accessKeyId = key?.accessKeyId ?? newAccessKeyId();
  const secretAccessKey = key?.secretAccessKey ?? newSecretAccessKey();
  const known = await db.selectFrom('access_keys').select(['account_id', 'principal_type']).where('access_key_id', '=', accessKeyId).executeTakeFirst();
  if (known) {
    if (known.account_id !== accountId || known.principal_type !== 'Root') throw new Error(`access key ${accessKeyId} already belongs to another principal`);
    return { accessKeyId };
  }
  await insertRootKey(db, sealer, accountId, accessKeyId, secretAccessKey, new Date().toISOString());
  return { accessKeyId, secretAccessKey };
}

/**
 * First start: create the account (12-digit id, canonical user id) and its root access key.
 * `COFFER_ROOT_ACCESS_KEY_ID` / `COFFER_ROOT_SECRET_ACCESS_KEY` (tests, CI, scripts) name the root
 * key instead of a random one; they are added on a later start too if not yet known. A generated
 * key is written once to `<dataDir>/root-credentials` (0600) for the operator to pick up.
 * `COFFER_BOOTSTRAP_FILE` (`coffer server --bootstrap FILE`) then applies a declarative file of
 * accounts, users, keys, policies and roles (see bootstrap-file.ts).
 */
export async function bootstrapIdentity(db: Db, sealer: Sealer, dataDir: string, env: NodeJS.ProcessEnv): Promise<RootCredentials> {
  const root = await bootstrapFirstAccount(db, sealer, dataDir, env);
  if (env.COFFER_BOOTSTRAP_FILE) await applyBootstrapFile(db, sealer, env.COFFER_BOOTSTRAP_FILE);
  return root;
}

async function bootstrapFirstAccount(db: Db, sealer: Sealer, dataDir: string, env: NodeJS.ProcessEnv): Promise<RootCredentials> {
  let account = await db.selectFrom('accounts').selectAll().orderBy('created_at').executeTakeFirst();
  if (!account) account = await ensureAccount(db, { id: env.COFFER_ACCOUNT_ID });
  const envId = env.COFFER_ROOT_ACCESS_KEY_ID;
  const envSecret = env.COFFER_ROOT_SECRET_ACCESS_KEY;
  if ((envId === undefined) !== (envSecret === undefined)) {
    throw new Error('set both COFFER_ROOT_ACCESS_KEY_ID and COFFER_ROOT_SECRET_ACCESS_KEY, or neither');
  }
  if (envId && envSecret) {
    await ensureRootKey(db, sealer, account.id, { accessKeyId: envId, secretAccessKey: envSecret });
    return { accountId: account.id, accessKeyId: envId };
  }
  const existing = await db.selectFrom('access_keys').select('access_key_id')
    .where('account_id', '=', account.id).where('principal_type', '=', 'Root').executeTakeFirst();
  if (existing) return { accountId: account.id, accessKeyId: existing.access_key_id };

  const { accessKeyId, secretAccessKey } = await ensureRootKey(db, sealer, account.id);
  const credentialsFile = join(dataDir, 'root-credentials');
  await writeFile(credentialsFile, `[coffer]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n# account ${account.id}\n`, { mode: 0o600, flag: 'wx' });
  return { accountId: account.id, accessKeyId, secretAccessKey, credentialsFile };
}

async function insertRootKey(db: Db, sealer: Sealer, accountId: string, accessKeyId: string, secret: string, now: string): Promise<void> {
  await db.insertInto('access_keys').values({
    access_key_id: accessKeyId,
    account_id: accountId,
    principal_arn: `arn:aws:iam::${accountId}:root`,
    principal_type: 'Root',
    principal_id: null,
    user_name: null,
    status: 'Active',
    secret_sealed: sealer.seal(secretAad(accessKeyId), Buffer.from(secret, 'utf8')),
    created_at: now,
    last_used_at: null,
    last_used_service: null,
    last_used_region: null,
  }).execute();
}
