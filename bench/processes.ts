import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newAccessKeyId, newSecretAccessKey } from '../src/server/bootstrap.js';

/**
 * The processes a bench run starts: Coffer itself, the echo server, and the peers (moto in server
 * mode, s3rver). Each runs in its own process so it gets a core of its own as Coffer does, and
 * each announces its port on its output, which is how we learn it.
 */

const here = fileURLToPath(new URL('.', import.meta.url));

/** A server the bench talks to: where it is and the credentials it accepts. */
export interface Endpoint {
  name: string;
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns `command` and resolves once `pattern` (capturing the base URL) shows on stdout or stderr. */
export async function spawnUntil(command: string, args: string[], env: NodeJS.ProcessEnv, pattern: RegExp, cwd?: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const look = (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${out.slice(-2000)}`)));
  });
  // Keep draining: a peer that logs every request would block on a full pipe otherwise.
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  child.stdout!.resume();
  child.stderr!.resume();
  return { child, url };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Starts a Coffer server on a random port with a temp data dir and fresh root credentials. The
 * KMS request quotas (src/server/quotas.ts) are off: the bench measures capacity, and AWS's
 * default quotas (500/s for Sign) are below it. It runs with MALLOC_ARENA_MAX=2 and
 * --max-semi-space-size=4, as `npm start` starts it (README, "Memory").
 */
export async function startCoffer(env: Record<string, string> = {}): Promise<Endpoint & { dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coffer-bench-'));
  const accessKeyId = newAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  const { child, url } = await spawnUntil(process.execPath, ['--max-semi-space-size=4', join(here, '../src/cli/main.js'), 'server', '--port', '0', '--data-dir', dataDir],
    { ...process.env, MALLOC_ARENA_MAX: '2', COFFER_ROOT_ACCESS_KEY_ID: accessKeyId, COFFER_ROOT_SECRET_ACCESS_KEY: secretAccessKey, COFFER_LOG_LEVEL: 'warn', COFFER_KMS_CRYPTO_RPS: '0', COFFER_KMS_ASYMMETRIC_RPS: '0', ...env },
    /coffer listening on (http:\S+)/);
  return {
    name: 'Coffer', url, dataDir, accessKeyId, secretAccessKey, pid: child.pid!,
    stop: async () => {
      await stopChild(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The trivial Node HTTP server (bench/echo-server.ts): the small-request limit. */
export async function startEcho(): Promise<Endpoint> {
  const { child, url } = await spawnUntil(process.execPath, [join(here, 'echo-server.js')], process.env, /echo listening on (http:\S+)/);
  return { name: 'echo server', url, accessKeyId: 'AKIDECHO', secretAccessKey: 'echo', pid: child.pid!, stop: () => stopChild(child) };
}

/** A peer that could not be started, and why: the report says so instead of failing. */
export interface MissingPeer { name: string; reason: string }

/**
 * moto in server mode (`python3 -m moto.server`), KMS and S3 on one port. It keeps keys in
 * plaintext and checks no signature, so it is a speed reference, not a correctness one.
 * BENCH_PYTHON picks the interpreter (default python3).
 */
export async function startMoto(): Promise<Endpoint | MissingPeer> {
  const python = process.env.BENCH_PYTHON ?? 'python3';
  const cwd = await mkdtemp(join(tmpdir(), 'moto-bench-'));
  try {
    const { child, url } = await spawnUntil(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', '0'], { ...process.env, PYTHONUNBUFFERED: '1' }, /Running on (http:\/\/127\.0\.0\.1:\d+)/, cwd);
    const version = await new Promise<string>((resolve) => {
      const v = spawn(python, ['-c', 'import moto; print(moto.__version__)'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      v.stdout.on('data', (d: Buffer) => (out += d.toString()));
      v.once('exit', () => resolve(out.trim()));
      v.once('error', () => resolve('?'));
    });
    return {
      name: `moto ${version}`, url, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', pid: child.pid!,
      stop: async () => {
        await stopChild(child);
        await rm(cwd, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(cwd, { recursive: true, force: true });
    return { name: 'moto', reason: `could not start \`${python} -m moto.server\`: ${String((err as Error).message).split('\n')[0]}` };
  }
}

/** Where s3rver's package is: BENCH_S3RVER (a package directory), else the project's node_modules. */
function s3rverDir(): string | undefined {
  if (process.env.BENCH_S3RVER) return process.env.BENCH_S3RVER;
  try {
    return dirname(createRequire(import.meta.url).resolve('s3rver/package.json'));
  } catch {
    return undefined;
  }
}

/** s3rver (npm), S3 only, on its own temp directory; it checks SigV4 with the fixed S3RVER/S3RVER credentials. */
export async function startS3rver(): Promise<Endpoint | MissingPeer> {
  const dir = s3rverDir();
  const bin = dir ? join(dir, 'bin', 's3rver.js') : undefined;
  if (!bin || !existsSync(bin)) return { name: 's3rver', reason: 'the s3rver package is not installed (npm install, or set BENCH_S3RVER to its directory)' };
  const version = (JSON.parse(await readFile(join(dir!, 'package.json'), 'utf8')) as { version: string }).version;
  const data = await mkdtemp(join(tmpdir(), 's3rver-bench-'));
  try {
    const { child, url } = await spawnUntil(process.execPath, [bin, '-d', data, '-a', '127.0.0.1', '-p', '0', '-s', '--no-vhost-buckets'], process.env, /listening on (127\.0\.0\.1:\d+)/);
    return {
      name: `s3rver ${version}`, url: `http://${url}`, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', pid: child.pid!,
      stop: async () => {
        await stopChild(child);
        await rm(data, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(data, { recursive: true, force: true });
    return { name: 's3rver', reason: `could not start: ${String((err as Error).message).split('\n')[0]}` };
  }
}

/** True when a peer start answered a reason instead of an endpoint. */
export function isMissing(p: Endpoint | MissingPeer): p is MissingPeer {
  return 'reason' in p;
}
