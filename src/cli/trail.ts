/**
 * `coffer trail verify`: checks the event history's hash chain in a data directory (see
 * src/trail/chain.ts). Read-only: it never migrates, creates or repairs anything, and may run
 * while a server uses the same directory (it reads one consistent snapshot).
 * `coffer trail validate` (trail-validate.ts): checks a trail's delivered log and digest files.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openSealer } from '../crypto/key-ring.js';
import { loadRootKey, type Sealer } from '../crypto/root-key.js';
import { rootKeyFromKms } from '../server/auto-unseal.js';
import { openSqlite } from '../store/database.js';
import { openPostgres } from '../store/postgres/postgres.js';
import { existingTrailDatabase } from '../trail/database.js';
import { verifyChain, type VerifyReport } from '../trail/verify.js';
import { registerValidateCommand } from './trail-validate.js';

/** Exit codes: 0 intact, 1 tampering found, 2 could not verify. */
const TAMPERED = 1;
const CANNOT = 2;

/**
 * The sealer, opened as a server opens it (the root key from the environment, the key file or
 * COFFER_ROOT_KEY_KMS, checked against the data directory, with the key ring of a rotation in
 * progress), if the root key can be had without creating one: a key file that does not exist yet
 * means the directory has no sealed checkpoint worth checking either.
 */
async function sealerFor(dataDir: string, db: Awaited<ReturnType<typeof openSqlite>>): Promise<Sealer | undefined> {
  const env = process.env;
  const fromKms = await rootKeyFromKms(db, env);
  if (fromKms) return openSealer(db, fromKms);
  if (!env.COFFER_ROOT_KEY && !env.COFFER_ROOT_PASSPHRASE && !existsSync(join(dataDir, 'root.key'))) return undefined;
  const { key } = await loadRootKey({ dataDir, env });
  return openSealer(db, key);
}

function print(report: VerifyReport): void {
  for (const p of report.problems) process.stdout.write(`TAMPERED (${p.kind}): ${p.message}\n`);
  const first = (report.pruned?.seq ?? 0) + 1;
  const range = report.head ? ` (seq ${first} to ${report.head.seq})` : '';
  const expired = report.pruned ? `; events up to seq ${report.pruned.seq} expired (90 days) and were removed under a sealed checkpoint` : '';
  if (report.problems.length > 0) {
    process.stdout.write(`Event history verification FAILED: ${report.problems.length} problem(s) among ${report.events} events${range}.\n`);
    return;
  }
  const tail = report.checkpoint === 'ok'
    ? 'the head matches the checkpoint sealed with the root key'
    : 'the sealed checkpoint was NOT checked (no root key available: set COFFER_ROOT_KEY or COFFER_ROOT_PASSPHRASE)';
  process.stdout.write(`Verified ${report.events} events${range}: hash chain intact; ${tail}${expired}.\n`);
}

export function registerTrailCommands(program: Command): void {
  const trail = program.command('trail').description('the CloudTrail event history');
  trail
    .command('verify')
    .description('recompute the event hash chain and report edited, inserted or deleted events')
    .option('--data-dir <dir>', 'the data directory (COFFER_DATA_DIR, default ./coffer-data)')
    .option('--database <url>', 'cluster mode: the PostgreSQL database, postgres://... (COFFER_DATABASE_URL)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { dataDir?: string; database?: string; json?: boolean }) => {
      const dataDir = resolve(opts.dataDir ?? process.env.COFFER_DATA_DIR ?? './coffer-data');
      const database = opts.database ?? (process.env.COFFER_DATABASE_URL || undefined);
      const file = join(dataDir, 'coffer.sqlite');
      if (database === undefined && !existsSync(file)) {
        process.stderr.write(`coffer: no Coffer database in ${dataDir}\n`);
        process.exitCode = CANNOT;
        return;
      }
      const db = database === undefined ? await openSqlite(file) : await openPostgres(database);
      const trailDb = database === undefined ? await existingTrailDatabase(dataDir, db) : db;
      try {
        const report = await verifyChain(trailDb, await sealerFor(dataDir, db));
        if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        else print(report);
        process.exitCode = report.problems.length > 0 ? TAMPERED : 0;
      } catch (err) {
        process.stderr.write(`coffer: cannot verify the event history: ${(err as Error).message}\n`);
        process.exitCode = CANNOT;
      } finally {
        if (trailDb !== db) await trailDb.destroy();
        await db.destroy();
      }
    });
  registerValidateCommand(trail);
}
