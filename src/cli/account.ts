/**
 * `coffer account create | list`: the AWS accounts a Coffer data directory hosts. Safe while a
 * server runs on the same directory (SQLite in WAL mode; the server sees new accounts at once).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { checkRootKeyFingerprint, loadRootKey, Sealer } from '../crypto/root-key.js';
import { ensureAccount, ensureRootKey } from '../server/bootstrap.js';
import { migrate, openSqlite, type Db } from '../store/database.js';

/** Opens an existing data directory's store with its root key (never creating either). */
async function openDataDir(dir: string | undefined): Promise<{ db: Db; sealer: Sealer }> {
  const dataDir = resolve(dir ?? process.env.COFFER_DATA_DIR ?? './coffer-data');
  if (!existsSync(join(dataDir, 'coffer.sqlite'))) throw new Error(`no Coffer database in ${dataDir} (start the server once first)`);
  const { key } = await loadRootKey({ dataDir, env: process.env });
  const db = await openSqlite(join(dataDir, 'coffer.sqlite'));
  try {
    await migrate(db);
    await checkRootKeyFingerprint(db, key);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, sealer: new Sealer(key) };
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
