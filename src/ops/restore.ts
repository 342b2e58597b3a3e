/**
 * `coffer restore`: rebuilds a data directory from a `coffer backup` directory.
 *
 * Every file the manifest lists is copied into a staging directory next to the target, its
 * SHA-256 and size compared with the manifest's as it is copied; a file the manifest does not list,
 * a path outside the backup's layout, or any mismatch fails the restore before anything is in
 * place. SQLite's integrity check runs on the copy; only then is the staging directory renamed to
 * the target (0700, files 0600).
 *
 * With `database` (cluster mode) the metadata goes into that PostgreSQL database instead (new, or
 * empty: migrated here, then every row loaded in one transaction), and with `blobs` the bodies go
 * into that S3-compatible store (each under the new id the store gives it, the references rewritten
 * before the load; bodies already uploaded are deleted again if the load fails). The data directory
 * then holds only what a node keeps locally (`root.key`, `root-key.salt`). A backup of either kind
 * (embedded or cluster, backup.ts / backup-cluster.ts) restores into either.
 *
 * With the root key at hand (`--root-key-file`, installed as the new directory's `root.key`, or
 * COFFER_ROOT_KEY / COFFER_ROOT_PASSPHRASE), its fingerprint is checked against the backup's and
 * every sealed value the registry lists is opened: the restored directory is known to decrypt.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { openSealer } from '../crypto/key-ring.js';
import { rootKeyFingerprint } from '../crypto/root-key.js';
import { migrate, openSqlite } from '../store/database.js';
import { openBlobStore } from '../store/open.js';
import { withClusterLock } from '../store/postgres/locks.js';
import { openPostgres } from '../store/postgres/postgres.js';
import { BLOB_REFERENCES, copyHashed, MANIFEST, readManifest, type BackupManifest } from './backup.js';
import { existingTrailDatabase, TRAIL_FILE } from '../trail/database.js';
import { scanSealed } from './sealed-scan.js';
import { sqliteToPostgres } from './table-copy.js';

export interface RestoreOptions {
  from: string;
  /** Must not exist, or be an empty directory. */
  dataDir: string;
  /** The root key of the backup: every sealed value is opened with it to prove the restore. */
  rootKey?: Buffer;
  /** Also write `rootKey` as the new directory's `root.key` (0600). */
  installKey?: boolean;
  /** Cluster mode: a postgres:// URL of a new (or empty) database to load the metadata into. */
  database?: string;
  /** Cluster mode, with `database`: an s3:// URL of the blob store to upload the bodies to. */
  blobs?: string;
  progress?(line: string): void;
}

export interface RestoreReport {
  manifest: BackupManifest;
  /** Sealed values opened per registry entry; undefined when no root key was given. */
  opened?: Record<string, number>;
}

/** Paths a backup may hold (see backup.ts). */
const LAYOUT = /^(coffer\.sqlite|trail\.sqlite|root-key\.salt|blobs\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{32})$/;

/** Restores a backup; see the module comment. */
export async function restore(opts: RestoreOptions): Promise<RestoreReport> {
  const say = opts.progress ?? (() => undefined);
  const manifest = await readManifest(opts.from);
  if (opts.rootKey && rootKeyFingerprint(opts.rootKey) !== manifest.rootKeyFingerprint) {
    throw new Error(`the root key given (fingerprint ${rootKeyFingerprint(opts.rootKey)}) is not the backup's (${manifest.rootKeyFingerprint})`);
  }
  await checkTargetEmpty(opts.dataDir);
  const listed = new Set<string>();
  for (const f of manifest.files) {
    if (!LAYOUT.test(f.path) || listed.has(f.path)) throw new Error(`${MANIFEST} lists an unexpected path: ${JSON.stringify(f.path)}`);
    listed.add(f.path);
  }
  if (!listed.has('coffer.sqlite')) throw new Error(`${MANIFEST} lists no coffer.sqlite`);
  for (const path of await filesUnder(opts.from)) {
    if (path !== MANIFEST && !listed.has(path)) throw new Error(`the backup holds a file its manifest does not list: ${path}`);
  }

  const staging = join(dirname(opts.dataDir), `.coffer-restore-${randomBytes(6).toString('hex')}`);
  try {
    for (const f of manifest.files) {
      const copied = await copyHashed(join(opts.from, f.path), staging, f.path);
      if (copied.sha256 !== f.sha256 || copied.size !== f.size) throw new Error(`${f.path} does not match the manifest: the backup is damaged`);
    }
    checkIntegrity(join(staging, 'coffer.sqlite'));
    if (listed.has(TRAIL_FILE)) checkIntegrity(join(staging, TRAIL_FILE));
    if (opts.blobs !== undefined && opts.database === undefined) throw new Error('--blobs needs --database: an embedded data directory keeps its bodies in files');
    if (opts.database !== undefined) await loadIntoCluster(staging, opts.database, opts.blobs, say);
    if (opts.rootKey && opts.installKey) await writeFile(join(staging, 'root.key'), opts.rootKey, { mode: 0o600, flag: 'wx' });
    await chmod(staging, 0o700);
    await rmdir(opts.dataDir).catch(() => undefined);
    await rename(staging, opts.dataDir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  say(`restored ${manifest.files.length} files (${manifest.bodies} bodies) into ${opts.dataDir}; every checksum matched`);
  if (!opts.rootKey) return { manifest };

  const db = opts.database !== undefined ? await openPostgres(opts.database, { maxConnections: 2 }) : await openSqlite(join(opts.dataDir, 'coffer.sqlite'));
  const trailDb = opts.database !== undefined ? db : await existingTrailDatabase(opts.dataDir, db);
  try {
    const sealer = await openSealer(db, opts.rootKey);
    const report = await scanSealed({ main: db, trail: trailDb }, sealer, { rewrap: false });
    const opened = Object.fromEntries([...report].map(([name, c]) => [name, c.opened]));
    say(`opened every sealed value: ${Object.values(opened).reduce((a, b) => a + b, 0)} in ${report.size} kinds`);
    return { manifest, opened };
  } finally {
    if (trailDb !== db) await trailDb.destroy();
    await db.destroy();
  }
}

/**
 * Loads a staged backup into PostgreSQL (and the blob store): see the module comment. Afterwards
 * the staging directory holds only what stays on the node (the bodies too, with no `blobs`).
 */
async function loadIntoCluster(staging: string, database: string, blobsUrl: string | undefined, say: (line: string) => void): Promise<void> {
  const file = join(staging, 'coffer.sqlite');
  // PostgreSQL keeps the event history with everything else.
  const files = [file, ...(existsSync(join(staging, TRAIL_FILE)) ? [join(staging, TRAIL_FILE)] : [])];
  const db = await openPostgres(database, { maxConnections: 2 });
  const uploaded: string[] = [];
  const { blobs } = await openBlobStore({ dataDir: staging, blobs: blobsUrl });
  try {
    // Under the nodes' start-up lock: a node starting meanwhile waits, then finds the whole state.
    await withClusterLock(db, 'coffer:startup', async () => {
      await migrate(db);
      try {
        if (blobsUrl !== undefined) {
          const renamed = new Map<string, string>();
          for (const path of (await filesUnder(staging)).filter((p) => p.startsWith('blobs/'))) {
            const { id } = await blobs.put(createReadStream(join(staging, path)));
            uploaded.push(id);
            renamed.set(path.slice(path.lastIndexOf('/') + 1), id);
          }
          renameBlobs(file, renamed);
          say(`uploaded ${renamed.size} bodies to the blob store`);
        }
        const rows = await sqliteToPostgres(files, database);
        say(`loaded ${Object.values(rows).reduce((a, b) => a + b, 0)} rows into PostgreSQL`);
      } catch (err) {
        for (const id of uploaded) await blobs.delete(id).catch(() => undefined);
        throw err;
      }
    });
  } finally {
    await db.destroy();
  }
  for (const f of files) await rm(f);
  if (blobsUrl !== undefined) await rm(join(staging, 'blobs'), { recursive: true, force: true });
}

/** Rewrites every body reference in the staged SQLite file from its backed-up id to its new one. */
function renameBlobs(file: string, renamed: Map<string, string>): void {
  const db = new SqliteDatabase(file, { fileMustExist: true });
  try {
    db.transaction(() => {
      for (const { table, column } of BLOB_REFERENCES) {
        const update = db.prepare(`UPDATE "${table}" SET "${column}" = ? WHERE "${column}" = ?`);
        for (const [from, to] of renamed) update.run(to, from);
      }
    })();
  } finally {
    db.close();
  }
}

async function checkTargetEmpty(dir: string): Promise<void> {
  try {
    if ((await readdir(dir)).length > 0) throw new Error(`${dir} is not empty: restore into a new data directory`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Every file under `dir`, relative and `/`-separated. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const link = entries.find((e) => e.isSymbolicLink());
  if (link) throw new Error(`the backup holds a symbolic link (${link.name}): refusing it`);
  return entries.filter((e) => !e.isDirectory()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

function checkIntegrity(file: string): void {
  const db = new SqliteDatabase(file, { fileMustExist: true });
  try {
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error(`the backup's database fails SQLite's integrity check: ${String(result)}`);
  } finally {
    db.close();
  }
}
