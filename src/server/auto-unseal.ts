/**
 * "Auto-unseal": the root key wrapped by an external KMS (AWS KMS, or another Coffer), so no node
 * keeps it in a file or its environment.
 *
 *   COFFER_ROOT_KEY_KMS           the wrapping key: key ARN, key id or alias (ARN)
 *   COFFER_ROOT_KEY_KMS_ENDPOINT  the KMS endpoint (absent: AWS's, from the Region)
 *   credentials                   the standard AWS chain (AWS_ACCESS_KEY_ID/..., profile, role)
 *
 * The first node to start calls GenerateDataKey (AES_256) and stores only the wrapped copy (its
 * CiphertextBlob) in the `meta` table, which every node shares; every start calls Decrypt on it. The
 * encryption context binds the blob to this purpose, so it cannot be swapped for another data key of
 * the same KMS key. Losing access to the KMS key means losing the root key: nodes cannot start.
 */
import type { Db } from '../store/database.js';

const META_KEY = 'root_key_kms_wrapped';
const CONTEXT = { 'coffer:purpose': 'root-key' };

/** The root key opened through KMS, or undefined when COFFER_ROOT_KEY_KMS is not set. */
export async function rootKeyFromKms(db: Db, env: NodeJS.ProcessEnv): Promise<Buffer | undefined> {
  const keyId = env.COFFER_ROOT_KEY_KMS;
  if (!keyId) return undefined;
  if (env.COFFER_ROOT_KEY || env.COFFER_ROOT_PASSPHRASE) {
    throw new Error('set COFFER_ROOT_KEY_KMS or COFFER_ROOT_KEY / COFFER_ROOT_PASSPHRASE, not both');
  }
  const region = /^arn:aws[a-z-]*:kms:([^:]+):/.exec(keyId)?.[1] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  // Loaded only here: a node whose root key is local never pays the KMS client's memory.
  const { DecryptCommand, GenerateDataKeyCommand, KMSClient } = await import('@aws-sdk/client-kms');
  const kms = new KMSClient({ region, endpoint: env.COFFER_ROOT_KEY_KMS_ENDPOINT || undefined });
  try {
    const read = async () => (await db.selectFrom('meta').select('value').where('key', '=', META_KEY).executeTakeFirst())?.value;
    let wrapped = await read();
    if (wrapped === undefined) {
      const out = await call('GenerateDataKey', () => kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: CONTEXT })));
      // Nodes start under one lock (app.ts), but a racing start would still find the first copy here.
      await db.insertInto('meta').values({ key: META_KEY, value: Buffer.from(out.CiphertextBlob!).toString('base64') })
        .onConflict((oc) => oc.column('key').doNothing()).execute();
      wrapped = (await read())!;
    }
    const out = await call('Decrypt', () => kms.send(new DecryptCommand({ KeyId: keyId, CiphertextBlob: Buffer.from(wrapped!, 'base64'), EncryptionContext: CONTEXT })));
    const key = Buffer.from(out.Plaintext!);
    if (key.length !== 32) throw new Error(`KMS returned a ${key.length}-byte root key; expected 32`);
    return key;
  } finally {
    kms.destroy();
  }
}

/** KMS failures named for the operator: which call, and AWS's error code (never key material). */
async function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err as { name?: string; message?: string };
    throw new Error(`cannot open the root key through KMS (${operation}): ${e.name ?? 'Error'}: ${e.message ?? ''}`, { cause: err });
  }
}
