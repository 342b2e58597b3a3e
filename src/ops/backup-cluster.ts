/**
 * `coffer backup --database postgres://...`: the same backup format as the embedded store's
 * (backup.ts: `coffer.sqlite`, `blobs/ab/cd/<id>`, `MANIFEST.json` written last), taken from a
 * cluster's PostgreSQL and blob store (S3-compatible, or files) while its nodes keep writing, so
 * one `coffer restore` serves both: into an embedded data directory, or into a new PostgreSQL
 * database and blob store.
 *
 * ## Consistency while writes continue
 * The metadata is one REPEATABLE READ snapshot of PostgreSQL (table-copy.ts). A node deletes a
 * body right after the commit that stops referencing it, and a blob store has no hard links to pin
 * bodies with, so bodies are fetched around the snapshot instead:
 *
 * 1. every body referenced now is fetched into the backup (one that is already gone was no longer
 *    referenced, and ids are never reused: no later snapshot can reference it);
 * 2. the metadata is snapshotted;
 * 3. the bodies the snapshot references that step 1 did not fetch (written in between) are
 *    fetched; if one is already gone (written and replaced within that moment) the attempt starts
 *    over from step 1, keeping every body fetched so far, so each attempt has less left to fetch;
 * 4. fetched bodies the snapshot does not reference are removed; the manifest is written.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { NoSuchBlobError, type BlobStore } from '../store/blobs.js';
import { openBlobStore } from '../store/open.js';
import { openPostgres } from '../store/postgres/postgres.js';
import { BACKUP_FORMAT, BLOB_REFERENCES, copyHashed, hashFile, MANIFEST, prepareOut, readSnapshot, saveHashed, writeAtomically, type BackupManifest, type ManifestFile } from './backup.js';
import { postgresToSqlite } from './table-copy.js';
import type { Db } from '../store/database.js';

export interface ClusterBackupOptions {
  /** postgres:// URL of the cluster's database. */
  database: string;
  /** s3:// URL of the cluster's blob store; absent: files under `<dataDir>/blobs`. */
  blobs?: string;
  /** The node's data directory: its `root-key.salt` (passphrase-derived keys) is backed up. */
  dataDir: string;
  /** A directory that does not exist yet, or is empty. */
  out: string;
  /** Attempts before giving up when bodies keep vanishing around the snapshot. */
  attempts?: number;
  progress?(line: string): void;
}

const DB_FILE = 'coffer.sqlite';
const blobPath = (id: string) => `blobs/${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`;

/** Takes a backup of a PostgreSQL-backed deployment; see the module comment. */
export async function backupCluster(opts: ClusterBackupOptions): Promise<BackupManifest> {
  const say = opts.progress ?? (() => undefined);
  await prepareOut(opts.out);
  const db = await openPostgres(opts.database, { maxConnections: 2 });
  const { blobs } = await openBlobStore({ dataDir: opts.dataDir, blobs: opts.blobs });
  const fetched = new Map<string, ManifestFile>();
  const fetch = async (id: string): Promise<boolean> => {
    if (fetched.has(id)) return true;
    const file = await fetchBody(blobs, id, opts.out);
    if (file) fetched.set(id, file);
    return file !== undefined;
  };
  try {
    const attempts = opts.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      for (const id of await referencedNow(db)) await fetch(id);
      const snapshot = join(opts.out, DB_FILE);
      await rm(snapshot, { force: true });
      await postgresToSqlite(opts.database, snapshot);
      const { ids, fingerprint } = readSnapshot(snapshot);
      let whole = true;
      for (const id of ids) {
        if (!(await fetch(id))) {
          whole = false;
          break;
        }
      }
      if (!whole) {
        if (attempt >= attempts) throw new Error(`bodies kept being replaced during ${attempts} attempts; try again when the cluster is less busy`);
        say(`attempt ${attempt}: a body was replaced right after the snapshot; starting over`);
        continue;
      }
      const wanted = new Set(ids);
      for (const id of [...fetched.keys()].filter((id) => !wanted.has(id))) {
        await rm(join(opts.out, blobPath(id)));
        fetched.delete(id);
      }
      const files: ManifestFile[] = [await hashFile(opts.out, DB_FILE), ...ids.map((id) => fetched.get(id)!)];
      const salt = join(opts.dataDir, 'root-key.salt');
      if (existsSync(salt)) files.push(await copyHashed(salt, opts.out, 'root-key.salt'));
      const manifest: BackupManifest = { format: BACKUP_FORMAT, createdAt: new Date().toISOString(), rootKeyFingerprint: fingerprint, bodies: ids.length, files };
      await writeAtomically(join(opts.out, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
      say(`backed up the PostgreSQL metadata and ${ids.length} bodies to ${opts.out}`);
      return manifest;
    }
  } finally {
    await db.destroy();
  }
}

/** Every body id the database references at this moment. */
async function referencedNow(db: Db): Promise<string[]> {
  const ids: string[] = [];
  for (const { table, column } of BLOB_REFERENCES) {
    const { rows } = await sql<{ id: string }>`select ${sql.ref(column)} as id from ${sql.table(table)}`.execute(db);
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/** Copies body `id` into the backup; undefined if the store no longer has it. */
async function fetchBody(blobs: BlobStore, id: string, out: string): Promise<ManifestFile | undefined> {
  let body;
  try {
    body = await blobs.get(id);
  } catch (err) {
    if (err instanceof NoSuchBlobError) return undefined;
    throw err;
  }
  try {
    return await saveHashed(body, out, blobPath(id));
  } catch (err) {
    await rm(join(out, blobPath(id)), { force: true });
    throw err;
  }
}
