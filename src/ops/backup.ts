/**
 * `coffer backup`: a consistent online snapshot of an embedded data directory (SQLite metadata +
 * object bodies on local disk), still encrypted: bodies stay in their AES-256-GCM segments, keys
 * and secrets stay sealed, and the root key is never copied (`root.key` and the plaintext
 * `root-credentials` file stay behind; the manifest records the key's fingerprint instead).
 *
 * ## Consistency while writes continue
 * The metadata is copied with `VACUUM INTO` on a read-only connection: one read transaction, so
 * the copy is the database as of one commit, and the server keeps writing meanwhile (WAL). The
 * bodies that copy references must then all be copied, but the server deletes a body right after
 * the commit that stops referencing it (an overwrite, a DELETE). So bodies are pinned first:
 *
 * 1. every body file present is hard-linked into `<data dir>/backup-pins/<pid>-<random>/` (same
 *    filesystem: no bytes copied, and a pinned body outlives its deletion);
 * 2. the metadata is snapshotted;
 * 3. bodies the snapshot references that were written after step 1 are pinned too; if one of them
 *    is already gone (written and replaced within those milliseconds) the attempt starts over;
 * 4. the pinned bodies the snapshot references are copied out, each hashed as it is copied;
 * 5. `MANIFEST.json` (SHA-256 and size of every file) is written last, atomically: a backup
 *    without it is incomplete, and `coffer restore` refuses it.
 *
 * Pins are removed when the backup ends; those of a backup that was killed are removed by the next
 * one (their process is gone).
 *
 * The trail's event history has its own file, `trail.sqlite` (src/trail/database.ts), snapshotted
 * the same way right after the metadata: it then holds every event the metadata's delivery
 * positions (`trails.delivered_seq`) name, and perhaps a few more (events simply not delivered yet).
 *
 * Layout of the backup directory: `coffer.sqlite`, `trail.sqlite` (absent from a backup of a
 * directory whose history is still in `coffer.sqlite`), `blobs/ab/cd/<id>` (as in the data
 * directory), `root-key.salt` when the key comes from a passphrase, `MANIFEST.json`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import SqliteDatabase from 'better-sqlite3';
import { BLOB_REFERENCES } from '../services/s3/tables.js';
import { TRAIL_FILE } from '../trail/database.js';

export const MANIFEST = 'MANIFEST.json';
export const BACKUP_FORMAT = 'coffer-backup/1';
const DB_FILE = 'coffer.sqlite';
const BLOBS = 'blobs';
const PINS = 'backup-pins';
const BLOB_ID = /^[0-9a-f]{32}$/;

// Every column that names a body (also what the S3 orphan-blob sweep keeps); `backup.test.ts` checks it.
export { BLOB_REFERENCES };

/** One file of a backup. */
export interface ManifestFile {
  /** Relative to the backup directory, `/`-separated. */
  path: string;
  size: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  /** The fingerprint of the root key the snapshot's sealed values open with. */
  rootKeyFingerprint: string;
  bodies: number;
  files: ManifestFile[];
}

export interface BackupOptions {
  dataDir: string;
  /** A directory that does not exist yet, or is empty. */
  out: string;
  /** Attempts before giving up when bodies keep vanishing between pin and snapshot. */
  attempts?: number;
  progress?(line: string): void;
}

/** Takes a backup; see the module comment. Resolves to the manifest written. */
export async function backup(opts: BackupOptions): Promise<BackupManifest> {
  const say = opts.progress ?? (() => undefined);
  const dbFile = join(opts.dataDir, DB_FILE);
  if (!existsSync(dbFile)) throw new Error(`no Coffer database in ${opts.dataDir} (backups cover the embedded SQLite store)`);
  await prepareOut(opts.out);
  await removeDeadPins(opts.dataDir);
  const attempts = opts.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const pinDir = join(opts.dataDir, PINS, `${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(pinDir, { recursive: true, mode: 0o700 });
      await pinAll(join(opts.dataDir, BLOBS), pinDir);
      const snapshot = join(opts.out, DB_FILE);
      // SQLite would create it with the umask's mode: an empty 0600 file is what VACUUM INTO fills instead.
      await writeFile(snapshot, '', { mode: 0o600, flag: 'wx' });
      vacuumInto(dbFile, snapshot);
      const { ids, fingerprint } = readSnapshot(snapshot);
      if (!(await pinReferenced(join(opts.dataDir, BLOBS), pinDir, ids))) {
        await rm(snapshot, { force: true });
        if (attempt >= attempts) throw new Error(`bodies kept being replaced during ${attempts} attempts; try again when the server is less busy`);
        say(`attempt ${attempt}: a body was replaced while it was being pinned; starting over`);
        continue;
      }
      const files: ManifestFile[] = [await hashFile(opts.out, DB_FILE)];
      const trailFile = join(opts.dataDir, TRAIL_FILE);
      if (existsSync(trailFile)) {
        await writeFile(join(opts.out, TRAIL_FILE), '', { mode: 0o600, flag: 'wx' });
        vacuumInto(trailFile, join(opts.out, TRAIL_FILE));
        files.push(await hashFile(opts.out, TRAIL_FILE));
      }
      for (const id of ids) files.push(await copyHashed(join(pinDir, id), opts.out, `${BLOBS}/${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`));
      const salt = join(opts.dataDir, 'root-key.salt');
      if (existsSync(salt)) files.push(await copyHashed(salt, opts.out, 'root-key.salt'));
      const manifest: BackupManifest = { format: BACKUP_FORMAT, createdAt: new Date().toISOString(), rootKeyFingerprint: fingerprint, bodies: ids.length, files };
      await writeAtomically(join(opts.out, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
      say(`backed up the metadata and ${ids.length} bodies to ${opts.out}`);
      return manifest;
    } finally {
      await rm(pinDir, { recursive: true, force: true });
    }
  }
}

/** Creates `out` (0700), or accepts it if it is an empty directory. */
export async function prepareOut(out: string): Promise<void> {
  try {
    const entries = await readdir(out);
    if (entries.length > 0) throw new Error(`${out} is not empty: a backup goes into a new directory`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(out, { recursive: true, mode: 0o700 });
  }
}

/** Removes pin directories whose backup process is gone. */
async function removeDeadPins(dataDir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(join(dataDir, PINS));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
    await rm(join(dataDir, PINS, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Hard-links every finished body (`ab/cd/<id>`, not `tmp/`) into `pinDir/<id>`. */
async function pinAll(blobsDir: string, pinDir: string): Promise<void> {
  for (const a of await readdirIfAny(blobsDir)) {
    if (!/^[0-9a-f]{2}$/.test(a)) continue;
    for (const b of await readdirIfAny(join(blobsDir, a))) {
      for (const id of await readdirIfAny(join(blobsDir, a, b))) {
        if (BLOB_ID.test(id)) await linkIfPresent(join(blobsDir, a, b, id), join(pinDir, id));
      }
    }
  }
}

/** Pins the referenced bodies not pinned yet; false if one of them no longer exists. */
async function pinReferenced(blobsDir: string, pinDir: string, ids: string[]): Promise<boolean> {
  const pinned = new Set(await readdir(pinDir));
  for (const id of ids) {
    if (pinned.has(id)) continue;
    if (!(await linkIfPresent(join(blobsDir, id.slice(0, 2), id.slice(2, 4), id), join(pinDir, id)))) return false;
  }
  return true;
}

async function linkIfPresent(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function readdirIfAny(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The database as of one commit, written to `target` (SQLite's VACUUM INTO; the server keeps writing). */
function vacuumInto(dbFile: string, target: string): void {
  const db = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('VACUUM INTO ?').run(target);
  } finally {
    db.close();
  }
}

/** The body ids a snapshot references (sorted, distinct) and its root key fingerprint. */
export function readSnapshot(file: string): { ids: string[]; fingerprint: string } {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    const ids = new Set<string>();
    for (const { table, column } of BLOB_REFERENCES) {
      if (!tables.has(table)) continue;
      for (const row of db.prepare(`SELECT "${column}" AS id FROM "${table}"`).iterate() as Iterable<{ id: string }>) {
        if (!BLOB_ID.test(row.id)) throw new Error(`${table}.${column} holds an id the blob store cannot have made: ${JSON.stringify(row.id)}`);
        ids.add(row.id);
      }
    }
    const fp = db.prepare("SELECT value FROM meta WHERE key = 'root_key_fingerprint'").get() as { value: string } | undefined;
    if (!fp) throw new Error('the database has no root key fingerprint: it was never started');
    return { ids: [...ids].sort(), fingerprint: fp.value };
  } finally {
    db.close();
  }
}

/** SHA-256 and size of `<dir>/<path>`. */
export async function hashFile(dir: string, path: string): Promise<ManifestFile> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(join(dir, path)) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { path, size, sha256: hash.digest('hex') };
}

/**
 * Copies `from` to `<dir>/<path>` (parents 0700, file 0600, fsynced), hashing the bytes on the way.
 * Used by restore as well.
 */
export async function copyHashed(from: string, dir: string, path: string): Promise<ManifestFile> {
  return saveHashed(createReadStream(from), dir, path);
}

/** As `copyHashed`, from a stream (a body read from a blob store). */
export async function saveHashed(source: Readable, dir: string, path: string): Promise<ManifestFile> {
  const to = join(dir, path);
  await mkdir(join(to, '..'), { recursive: true, mode: 0o700 });
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(source, tap, createWriteStream(to, { flags: 'wx', mode: 0o600 }));
  await fsync(to);
  return { path, size, sha256: hash.digest('hex') };
}

async function fsync(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `text` to `path` through a temp file, fsync and rename: never seen half-written. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
  await fsync(tmp);
  await rename(tmp, path);
  await fsync(join(path, '..'));
}

/** The manifest of a backup directory, checked for shape (not yet against the files). */
export async function readManifest(dir: string): Promise<BackupManifest> {
  const file = join(dir, MANIFEST);
  if (!(await stat(file).catch(() => undefined))) throw new Error(`${dir} has no ${MANIFEST}: it is not a complete Coffer backup`);
  const manifest = JSON.parse(await readFile(file, 'utf8')) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT || !Array.isArray(manifest.files)) throw new Error(`${file} is not a ${BACKUP_FORMAT} manifest`);
  return manifest;
}
