/**
 * COFFER_TEST_BACKEND=cluster: every server the harness starts keeps its metadata in PostgreSQL and
 * its object bodies in another Coffer (over S3), so the whole suite runs on the cluster backends.
 *
 * One throwaway PostgreSQL and one backing Coffer (embedded backends) serve a whole test process;
 * each data directory gets its own database and its own key prefix in the backing bucket, so a test
 * that restarts a server on the same data directory finds its state again, and tests never see
 * each other's. `COFFER_TEST_PG_ADMIN_URL` points at an already running PostgreSQL instead
 * (scripts/test.sh starts one for the whole pass, test/postgres-server.ts): then this process's
 * databases are dropped when it ends.
 */
import { createHash } from 'node:crypto';
import { after } from 'node:test';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { startServer, type TestServer } from './harness.js';
import { startPostgres, type TestPostgres } from './postgres.js';

export type Backend = 'embedded' | 'cluster';

/** The backend the suite runs on: COFFER_TEST_BACKEND (default embedded). */
export function testBackend(): Backend {
  const value = process.env.COFFER_TEST_BACKEND ?? 'embedded';
  if (value !== 'embedded' && value !== 'cluster') throw new Error(`COFFER_TEST_BACKEND must be embedded or cluster, not ${value}`);
  return value;
}

interface Shared {
  adminUrl: string;
  postgres?: TestPostgres;
  blobStore: TestServer;
}

const BUCKET = 'coffer-test-blobs';
let shared: Promise<Shared> | undefined;
const databases = new Map<string, Promise<string>>();

// The shared backends outlive every test of the file, then stop: their processes would otherwise
// keep the test process (and so the whole run) alive. Registered only for the cluster backend, so
// that importing the harness elsewhere (benchmarks) does not start node:test's reporter.
if (testBackend() === 'cluster') {
  after(async () => {
    const s = await shared?.catch(() => undefined);
    shared = undefined;
    await s?.blobStore.stop();
    if (s?.postgres) await s.postgres.stop();
    else if (s) await dropDatabases(s.adminUrl);
  });
}

async function start(): Promise<Shared> {
  const postgres = process.env.COFFER_TEST_PG_ADMIN_URL ? undefined : await startPostgres();
  const blobStore = await startServer({ backend: 'embedded', env: { COFFER_LOG_LEVEL: 'warn' } });
  const s3 = new S3Client({
    endpoint: blobStore.url, region: blobStore.region, forcePathStyle: true,
    credentials: { accessKeyId: blobStore.accessKeyId, secretAccessKey: blobStore.secretAccessKey },
  });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  } finally {
    s3.destroy();
  }
  return { adminUrl: process.env.COFFER_TEST_PG_ADMIN_URL ?? postgres!.adminUrl, postgres, blobStore };
}

/** The database of a data directory, created on first use. */
function databaseFor(adminUrl: string, dataDir: string): Promise<string> {
  let url = databases.get(dataDir);
  if (!url) {
    const name = `coffer_${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;
    url = (async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // ICU en-US, as production databases often sort: byte-order assumptions show up in tests.
        await client.query(`CREATE DATABASE "${name}" LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8' TEMPLATE template0`);
      } finally {
        await client.end();
      }
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      return u.toString();
    })();
    databases.set(dataDir, url);
  }
  return url;
}

/** On a PostgreSQL shared by the whole pass: this process's databases go when it ends (disk). */
async function dropDatabases(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const url of databases.values()) {
      const name = new URL(await url).pathname.slice(1);
      // FORCE: a server a test left running must not keep its database.
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

/** The environment that puts a server on `dataDir` onto the cluster backends (empty when embedded). */
export async function clusterEnv(backend: Backend, dataDir: string): Promise<Record<string, string>> {
  if (backend !== 'cluster') return {};
  shared ??= start();
  const { adminUrl, blobStore } = await shared;
  const database = await databaseFor(adminUrl, dataDir);
  const prefix = new URL(database).pathname.slice(1);
  return {
    COFFER_DATABASE_URL: database,
    COFFER_BLOBS_URL: `s3://${BUCKET}/${prefix}?endpoint=${encodeURIComponent(blobStore.url)}&region=${blobStore.region}`,
    AWS_ACCESS_KEY_ID: blobStore.accessKeyId,
    AWS_SECRET_ACCESS_KEY: blobStore.secretAccessKey,
    AWS_REGION: blobStore.region,
  };
}

/**
 * For a test about the embedded store's own files (the SQLite file, `<dataDir>/blobs`): skipped,
 * with this reason, on the cluster backend, whose state is in PostgreSQL and the backing store
 * (test/cluster.e2e.test.ts checks the same properties there).
 */
export function embeddedOnly(what: string): string | false {
  return testBackend() === 'cluster' ? `inspects ${what}, which the cluster backend keeps elsewhere` : false;
}
