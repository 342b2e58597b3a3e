/**
 * Operations commands: `coffer backup`, `coffer restore`, `coffer root-key rotate` (src/ops/).
 * Each is safe while a server runs on the same data directory. The store and the src/ops modules
 * load only when one of these commands runs, so other commands don't pay for them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadRootKey, parseRootKey } from '../crypto/root-key.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

function dataDirOf(dir: string | undefined): string {
  return resolve(dir ?? process.env.COFFER_DATA_DIR ?? './coffer-data');
}

/** Cluster mode's stores from the options, else the environment (as `coffer server` reads them). */
function clusterOf(opts: { database?: string; blobs?: string }): { database?: string; blobs?: string } {
  return { database: opts.database ?? (process.env.COFFER_DATABASE_URL || undefined), blobs: opts.blobs ?? (process.env.COFFER_BLOBS_URL || undefined) };
}

/** A key file: 32 raw bytes, or hex / base64 text of 32 bytes (as COFFER_ROOT_KEY takes). */
async function readKeyFile(file: string): Promise<Buffer> {
  const bytes = await readFile(file);
  return bytes.length === 32 ? bytes : parseRootKey(bytes.toString('utf8'));
}

/** The data directory's key from its usual sources, never creating one. */
async function existingRootKey(dataDir: string): Promise<{ key: Buffer; source: string }> {
  const env = process.env;
  if (!env.COFFER_ROOT_KEY && !env.COFFER_ROOT_PASSPHRASE && !existsSync(join(dataDir, 'root.key'))) {
    throw new Error(`no root key: set COFFER_ROOT_KEY or COFFER_ROOT_PASSPHRASE, or keep root.key in ${dataDir}`);
  }
  return loadRootKey({ dataDir, env });
}

/** Replaces `<dataDir>/root.key` with `key`: temp file (0600), fsync, rename, fsync the directory. */
async function replaceKeyFile(dataDir: string, key: Buffer): Promise<void> {
  const path = join(dataDir, 'root.key');
  if ((await readFile(path)).equals(key)) return;
  const tmp = join(dataDir, `.root.key.${randomBytes(8).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(key);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  const dir = await open(dataDir, 'r');
  await dir.sync().finally(() => dir.close());
}

export function registerOpsCommands(program: Command): void {
  program
    .command('backup')
    .description('take a consistent online snapshot of the metadata and the encrypted bodies (the root key is not included)')
    .option('--data-dir <dir>', 'the data directory (COFFER_DATA_DIR, default ./coffer-data)')
    .option('--database <url>', 'cluster mode: the PostgreSQL database, postgres://... (COFFER_DATABASE_URL)')
    .option('--blobs <url>', 'cluster mode: the S3-compatible blob store, s3://bucket/prefix?endpoint=... (COFFER_BLOBS_URL)')
    .requiredOption('--out <dir>', 'a new (or empty) directory to write the backup into')
    .action(async (opts: { dataDir?: string; database?: string; blobs?: string; out: string }) => {
      const { database, blobs } = clusterOf(opts);
      const dataDir = dataDirOf(opts.dataDir);
      const out = resolve(opts.out);
      const manifest = database !== undefined
        ? await (await import('../ops/backup-cluster.js')).backupCluster({ database, blobs, dataDir, out, progress: say })
        : await (await import('../ops/backup.js')).backup({ dataDir, out, progress: say });
      process.stdout.write(`${JSON.stringify({ out: resolve(opts.out), rootKeyFingerprint: manifest.rootKeyFingerprint, bodies: manifest.bodies, files: manifest.files.length })}\n`);
    });

  program
    .command('restore')
    .description('restore a backup into a new data directory, checking every file against its manifest')
    .requiredOption('--from <dir>', 'the backup directory')
    .requiredOption('--data-dir <dir>', 'the new data directory (must not exist, or be empty)')
    .option('--root-key-file <file>', "the backup's root key: installed as root.key, then every sealed value is opened to prove it")
    .option('--database <url>', 'cluster mode: a new (or empty) PostgreSQL database to load the metadata into (COFFER_DATABASE_URL)')
    .option('--blobs <url>', 'cluster mode: the S3-compatible blob store to upload the bodies to (COFFER_BLOBS_URL)')
    .action(async (opts: { from: string; dataDir: string; rootKeyFile?: string; database?: string; blobs?: string }) => {
      const { restore } = await import('../ops/restore.js');
      const env = process.env;
      const rootKey = opts.rootKeyFile ? await readKeyFile(opts.rootKeyFile) : env.COFFER_ROOT_KEY ? parseRootKey(env.COFFER_ROOT_KEY) : undefined;
      // With COFFER_ROOT_KEY the key stays in the environment: checked, but not written as root.key.
      const report = await restore({ from: resolve(opts.from), dataDir: resolve(opts.dataDir), rootKey, installKey: !!opts.rootKeyFile, ...clusterOf(opts), progress: say });
      if (!rootKey) say('sealed values NOT checked: give --root-key-file (or COFFER_ROOT_KEY) to prove the backup decrypts');
      process.stdout.write(`${JSON.stringify({ dataDir: resolve(opts.dataDir), rootKeyFingerprint: report.manifest.rootKeyFingerprint, files: report.manifest.files.length, opened: report.opened })}\n`);
    });

  const rootKey = program.command('root-key').description('the root key that seals every secret at rest');
  rootKey
    .command('rotate')
    .description('re-wrap every sealed value under a new root key, while servers keep running')
    .option('--data-dir <dir>', 'the data directory (COFFER_DATA_DIR, default ./coffer-data)')
    .option('--database <url>', 'cluster mode: the PostgreSQL database, postgres://... (COFFER_DATABASE_URL); the key from COFFER_ROOT_KEY')
    .option('--new-key-file <file>', 'the new key (32 bytes, or hex / base64 text); COFFER_NEW_ROOT_KEY; generated when root.key holds the key')
    .option('--grace-seconds <n>', 'how long running servers get to adopt the new key before the re-wrap', '5')
    .action(async (opts: { dataDir?: string; database?: string; newKeyFile?: string; graceSeconds: string }) => {
      const dataDir = dataDirOf(opts.dataDir);
      const database = opts.database ?? (process.env.COFFER_DATABASE_URL || undefined);
      const file = join(dataDir, 'coffer.sqlite');
      if (!database && !existsSync(file)) throw new Error(`no Coffer database in ${dataDir}`);
      if (process.env.COFFER_ROOT_KEY_KMS) throw new Error('a root key kept by KMS (COFFER_ROOT_KEY_KMS) is not rotated by this command');
      const { key, source } = await existingRootKey(dataDir);
      const given = opts.newKeyFile ? await readKeyFile(opts.newKeyFile)
        : process.env.COFFER_NEW_ROOT_KEY ? parseRootKey(process.env.COFFER_NEW_ROOT_KEY) : undefined;
      const graceMs = Number(opts.graceSeconds) * 1000;
      if (!Number.isFinite(graceMs) || graceMs < 0) throw new Error(`invalid --grace-seconds: ${opts.graceSeconds}`);
      const { openSqlite } = await import('../store/database.js');
      const { openPostgres } = await import('../store/postgres/postgres.js');
      const { rotateRootKey } = await import('../ops/root-key-rotate.js');
      const { existingTrailDatabase } = await import('../trail/database.js');
      const db = database ? await openPostgres(database) : await openSqlite(file);
      const trailDb = database ? db : await existingTrailDatabase(dataDir, db);
      try {
        const report = await rotateRootKey({
          db, trailDb, key, graceMs, progress: say,
          // Only a key kept in root.key may be made up here: anywhere else the operator must hold it.
          newKey: given,
          makeNewKey: source === 'file' ? () => randomBytes(32) : undefined,
          onStaged: source === 'file' ? (next) => replaceKeyFile(dataDir, next) : undefined,
        });
        if (source !== 'file') say('start servers with the new key from now on: COFFER_ROOT_KEY=<the new key> (the old one no longer works)');
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } finally {
        if (trailDb !== db) await trailDb.destroy();
        await db.destroy();
      }
    });
}
