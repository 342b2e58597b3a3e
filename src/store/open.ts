/**
 * Chooses the storage backends from the server's configuration, in one place:
 *
 * - metadata: embedded SQLite in `<dataDir>/coffer.sqlite` (the default), or PostgreSQL when
 *   `--database postgres://...` / COFFER_DATABASE_URL is set;
 * - the trail's event history: embedded, its own file `<dataDir>/trail.sqlite`; on PostgreSQL, the
 *   same database (src/trail/database.ts);
 * - object bodies: files under `<dataDir>/blobs` (the default), or an S3-compatible store when
 *   `--blobs s3://bucket/prefix?endpoint=http://...&region=...&forcePathStyle=true` /
 *   COFFER_BLOBS_URL is set. Its credentials come from the standard AWS chain (AWS_ACCESS_KEY_ID /
 *   AWS_SECRET_ACCESS_KEY, AWS_PROFILE and the shared config files, instance roles), never the URL.
 *
 * Several nodes may share PostgreSQL and the S3 store (cluster mode): then background jobs run on
 * an elected leader (server/leader.ts). A node on SQLite leads alone.
 */
import { join } from 'node:path';
import type { BlobStore } from './blobs.js';
import { openSqlite, type Db } from './database.js';
import { FsBlobStore } from './fs/fs-blob-store.js';
import { openPostgres } from './postgres/postgres.js';
import { PostgresLeadership, soleLeader, type Leadership } from '../server/leader.js';
import type { Logger } from '../server/logger.js';
import { openTrailSqlite, type TrailDatabase } from '../trail/database.js';

export interface StoreConfig {
  dataDir: string;
  /** postgres:// or postgresql:// URL; absent: SQLite in the data directory. */
  database?: string;
  /** s3:// URL; absent: files in the data directory. */
  blobs?: string;
}

export interface Stores {
  db: Db;
  /** The trail's event history: its own SQLite file, or `db` itself on PostgreSQL. */
  trail: TrailDatabase;
  blobs: BlobStore;
  /** Who runs the cluster's background jobs. */
  leadership: Leadership;
  /** For the start-up log: where metadata and bodies live (no credentials). */
  describe: { database: string; blobs: string };
  /** Releases leadership and closes the databases. */
  close(): Promise<void>;
}

/** Opens the metadata database and the blob store `config` names (see the module comment). */
export async function openStores(config: StoreConfig, log: Logger): Promise<Stores> {
  const database = config.database;
  let db: Db;
  let trail: TrailDatabase;
  let leadership: Leadership = soleLeader;
  if (database !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(database)) throw new Error('--database must be a postgres:// URL (without it Coffer uses SQLite in the data directory)');
    db = await openPostgres(database);
    trail = { db, location: { kind: 'postgres', url: database } };
    leadership = new PostgresLeadership(database, log);
  } else {
    db = await openSqlite(join(config.dataDir, 'coffer.sqlite'));
    trail = await openTrailSqlite(config.dataDir).catch(async (err: unknown) => {
      await db.destroy();
      throw err;
    });
  }
  const destroy = async () => {
    await db.destroy();
    if (trail.db !== db) await trail.db.destroy();
  };
  let opened: { blobs: BlobStore; describe: string };
  try {
    opened = await openBlobStore(config);
  } catch (err) {
    await destroy();
    throw err;
  }
  const { blobs } = opened;
  return {
    db, trail, blobs, leadership,
    describe: { database: database !== undefined ? 'postgresql' : join(config.dataDir, 'coffer.sqlite'), blobs: opened.describe },
    async close() {
      await leadership.stop();
      await destroy();
    },
  };
}

/**
 * The blob store `config` names (`blobs`, else files in the data directory) and where it is, for
 * logs. The S3 client is loaded only for an S3 store: a node on local disk never pays its memory.
 */
export async function openBlobStore(config: StoreConfig): Promise<{ blobs: BlobStore; describe: string }> {
  if (config.blobs === undefined) {
    const dir = join(config.dataDir, 'blobs');
    return { blobs: new FsBlobStore(dir), describe: dir };
  }
  const [{ s3Location }, { S3BlobStore }] = await Promise.all([import('./s3/s3-location.js'), import('./s3/s3-blob-store.js')]);
  const s3 = s3Location(config.blobs);
  return {
    blobs: new S3BlobStore({ client: s3.client, bucket: s3.bucket, prefix: s3.prefix, partSize: s3.partSize }),
    describe: `s3://${s3.bucket}/${s3.prefix}${s3.endpoint ? ` at ${s3.endpoint}` : ''}`,
  };
}
