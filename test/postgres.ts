/**
 * A throwaway PostgreSQL for tests: `initdb` into a temp dir, `pg_ctl start` on a free 127.0.0.1
 * port (its unix socket in the same temp dir, fsync off: a test database need not survive a power
 * cut), then one database per caller with `createDatabase()`. `stop()` stops the server and
 * removes everything.
 *
 * PostgreSQL refuses to run as root; when the tests do (CI containers), the server runs as the
 * `postgres` user (Debian's package creates it), or `nobody`, and owns its temp dir.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** `postgres://...` of the maintenance database (create databases from here). */
  adminUrl: string;
  /** Creates a fresh, empty database (collation ICU en-US) and answers its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

/** The binaries: on PATH, else Debian's versioned directory. */
function binary(name: string): string {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  const dirs = [...(process.env.PATH ?? '').split(':'), ...versions.map((v) => `/usr/lib/postgresql/${v}/bin`)];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  throw new Error(`${name} not found: install PostgreSQL (scripts/setup-test.sh does)`);
}

/** Whether PostgreSQL's server binaries are installed (tests that need one skip without). */
export function postgresAvailable(): boolean {
  try {
    binary('initdb');
    binary('pg_ctl');
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** uid/gid to run the server as: ourselves, unless we are root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
      return { uid, gid };
    } catch {
      // no such user
    }
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

function run(cmd: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { ...user, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Starts a PostgreSQL server of its own; the caller stops it. */
export async function startPostgres(): Promise<TestPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-pg-'));
  const user = serverUser();
  if (user) await chown(dir, user.uid, user.gid);
  await chmod(dir, 0o700);
  const data = join(dir, 'data');
  const superuser = 'coffer';
  try {
    await run(binary('initdb'), ['-D', data, '-A', 'trust', '-U', superuser, '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], user);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  let port = 0;
  // Another process may take the port between our probe and the server's bind: try a few.
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await run(binary('pg_ctl'), [
        '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60',
        '-o', `-k ${dir} -p ${port} -h 127.0.0.1 -F -c max_connections=300 -c shared_buffers=32MB`, 'start',
      ], user);
      break;
    } catch (err) {
      if (attempt >= 3) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  const adminUrl = `postgres://${superuser}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await run(binary('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], user).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  // A test process that dies without stopping its server must not leave it running.
  process.once('exit', () => {
    if (!stopped) {
      try {
        execFileSync(binary('pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], { ...user, stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
  });
  return {
    adminUrl,
    async createDatabase(name = `t_${randomBytes(6).toString('hex')}`) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // A natural-language collation, as production databases often have (en_US), so that any
        // listing that relies on byte order without asking for it shows up in tests.
        await client.query(`CREATE DATABASE "${name}" LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8' TEMPLATE template0`).catch(async () => {
          await client.query(`CREATE DATABASE "${name}"`); // a PostgreSQL built without ICU
        });
      } finally {
        await client.end();
      }
      return `postgres://${superuser}@127.0.0.1:${port}/${name}`;
    },
    stop,
  };
}
