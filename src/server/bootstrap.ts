import { randomBytes, randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { secretAad } from '../auth/principal.js';
import type { Sealer } from '../crypto/root-key.js';
import type { Db } from '../store/database.js';

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

/**
 * First start: create the account (12-digit id, canonical user id) and its root access key.
 * `COFFER_ROOT_ACCESS_KEY_ID` / `COFFER_ROOT_SECRET_ACCESS_KEY` (tests, CI, scripts) name the root
 * key instead of a random one; they are added on a later start too if not yet known. A generated
 * key is written once to `<dataDir>/root-credentials` (0600) for the operator to pick up.
 */
export async function bootstrapIdentity(db: Db, sealer: Sealer, dataDir: string, env: NodeJS.ProcessEnv): Promise<RootCredentials> {
  let account = await db.selectFrom('accounts').selectAll().orderBy('created_at').executeTakeFirst();
  const now = new Date().toISOString();
  if (!account) {
    account = {
      id: env.COFFER_ACCOUNT_ID ?? String(randomInt(100000, 999999)) + String(randomInt(100000, 999999)),
      name: 'coffer',
      canonical_user_id: randomBytes(32).toString('hex'),
      created_at: now,
    };
    if (!/^\d{12}$/.test(account.id)) throw new Error('COFFER_ACCOUNT_ID must be 12 digits');
    await db.insertInto('accounts').values(account).execute();
  }
  const envId = env.COFFER_ROOT_ACCESS_KEY_ID;
  const envSecret = env.COFFER_ROOT_SECRET_ACCESS_KEY;
  if ((envId === undefined) !== (envSecret === undefined)) {
    throw new Error('set both COFFER_ROOT_ACCESS_KEY_ID and COFFER_ROOT_SECRET_ACCESS_KEY, or neither');
  }
  if (envId && envSecret) {
    const known = await db.selectFrom('access_keys').select('access_key_id').where('access_key_id', '=', envId).executeTakeFirst();
    if (!known) await insertRootKey(db, sealer, account.id, envId, envSecret, now);
    return { accountId: account.id, accessKeyId: envId };
  }
  const existing = await db.selectFrom('access_keys').select('access_key_id')
    .where('account_id', '=', account.id).where('principal_type', '=', 'Root').executeTakeFirst();
  if (existing) return { accountId: account.id, accessKeyId: existing.access_key_id };

  const accessKeyId = newAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  await insertRootKey(db, sealer, account.id, accessKeyId, secretAccessKey, now);
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
