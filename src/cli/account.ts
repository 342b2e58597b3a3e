/**
 * `coffer account create | list`: the AWS accounts a Coffer data directory (or, with
 * COFFER_DATABASE_URL, a cluster's database) hosts. Safe while servers run on the same store
 * (SQLite in WAL mode, or PostgreSQL; the servers see new accounts at once).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openSealer } from '../crypto/key-ring.js';
import { loadRootKey, type Sealer } from '../crypto/root-key.js';
import { ensureAccount, ensureRootKey } from '../server/bootstrap.js';
import { rootKeyFromKms } from '../server/auto-unseal.js';
import { migrate, openSqlite, type Db } from '../store/database.js';
import { openPostgres } from '../store/postgres/postgres.js';

/**
 * Opens an existing data directory's store with its root key (never creating either): the
 * cluster's PostgreSQL when COFFER_DATABASE_URL is set (the root key from the environment or
 * through COFFER_ROOT_KEY_KMS, as the nodes get it).
 */
async function openDataDir(dir: string | undefined): Promise<{ db: Db; sealer: Sealer }> {
  const dataDir = resolve(dir ?? process.env.COFFER_DATA_DIR ?? './coffer-data');
  const database = process.env.COFFER_DATABASE_URL || undefined;
  if (!database && !existsSync(join(dataDir, 'coffer.sqlite'))) throw new Error(`no Coffer database in ${dataDir} (start the server once first)`);
  const db = database ? await openPostgres(database) : await openSqlite(join(dataDir, 'coffer.sqlite'));
  try {
    await migrate(db);
    const key = (await rootKeyFromKms(db, process.env)) ?? (await loadRootKey({ dataDir, env: process.env })).key;
    // The key ring, as a server builds it: during a root-key rotation the new key seals.
    return { db, sealer: await openSealer(db, key) };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

export function registerAccountCommands(program: Command): void {
  const account = program.command('account').description('the AWS accounts this Coffer hosts');
  account
    .command('create')
    .description('create an account with its root access key; prints the account and the key (JSON) once')
    .option('--data-dir <dir>', 'the data directory (COFFER_DATA_DIR, default ./coffer-data)')
    .option('--id <id>', 'the 12-digit account id (random when absent)')
    .option('--name <name>', 'a name for the account', 'coffer')
    .action(async (opts: { dataDir?: string; id?: string; name: string }) => {
      const { db, sealer } = await openDataDir(opts.dataDir);
      try {
        if (opts.id && (await db.selectFrom('accounts').select('id').where('id', '=', opts.id).executeTakeFirst())) {
          throw new Error(`account ${opts.id} already exists`);
        }
        const created = await ensureAccount(db, { id: opts.id, name: opts.name });
        const key = await ensureRootKey(db, sealer, created.id);
        // The secret is shown here once, to the operator who asked for it; it is kept only sealed.
        process.stdout.write(JSON.stringify({
          AccountId: created.id,
          Name: created.name,
          CanonicalUserId: created.canonical_user_id,
          AccessKeyId: key.accessKeyId,
          SecretAccessKey: key.secretAccessKey,
        }, null, 2) + '\n');
      } finally {
        await db.destroy();
      }
    });
  account
    .command('list')
    .description('list the accounts (JSON)')
    .option('--data-dir <dir>', 'the data directory (COFFER_DATA_DIR, default ./coffer-data)')
    .action(async (opts: { dataDir?: string }) => {
      const { db } = await openDataDir(opts.dataDir);
      try {
        const rows = await db.selectFrom('accounts').select(['id', 'name', 'canonical_user_id', 'created_at']).orderBy('created_at').execute();
        process.stdout.write(JSON.stringify(rows.map((r) => ({ AccountId: r.id, Name: r.name, CanonicalUserId: r.canonical_user_id, CreatedAt: r.created_at })), null, 2) + '\n');
      } finally {
        await db.destroy();
      }
    });
}
