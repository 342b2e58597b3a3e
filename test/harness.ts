import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newAccessKeyId, newSecretAccessKey } from '../src/server/bootstrap.js';
import { clusterEnv, testBackend, type Backend } from './cluster-backend.js';

/** A real Coffer process on a random 127.0.0.1 port with its own temp data dir. */
export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** stdout + stderr so far: tests scan it for leaked secrets. */
  output(): string;
  /** Moves the server's service time forward and runs its background jobs once. */
  advanceClock(seconds: number): Promise<Date>;
  /**
   * Runs the server's background jobs once without moving its clock: resolves once the work its
   * answered requests left to the background (deleting the blobs they stopped referencing) is done.
   */
  backgroundDone(): Promise<void>;
  /** Resolves once the server's output matches `pattern` (a log line it writes). */
  waitForOutput(pattern: RegExp): Promise<void>;
  /** The child process's exit code once stopped. */
  exitCode(): number | null;
  /** Credentials and endpoint as environment variables, for aws-cli / boto3 / s3cmd children. */
  clientEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** Servers still running when the test process exits are killed with it. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * `backend`: where the server keeps its state; default COFFER_TEST_BACKEND (`embedded`: SQLite and
 * files in the data dir; `cluster`: PostgreSQL and a backing Coffer over S3, see cluster-backend.ts).
 */
export async function startServer(options: { env?: Record<string, string>; dataDir?: string; credentials?: boolean; backend?: Backend } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'coffer-test-')));
  const accessKeyId = newAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  const backendEnv = await clusterEnv(options.backend ?? testBackend(), dataDir);
  const env: NodeJS.ProcessEnv = { ...process.env, COFFER_LOG_LEVEL: 'info', COFFER_TEST_HOOKS: '1', ...backendEnv, ...options.env };
  if (options.credentials !== false) {
    env.COFFER_ROOT_ACCESS_KEY_ID = accessKeyId;
    env.COFFER_ROOT_SECRET_ACCESS_KEY = secretAccessKey;
  }
  const child = spawn(process.execPath, [MAIN, 'server', '--port', '0', '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /coffer listening on (https?:\/\/\S+)/.exec(output);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`coffer exited with ${code} before listening:\n${output}`)));
  });
  const port = Number(new URL(url).port);
  const region = 'us-east-1';
  const advanceClock = async (seconds: number): Promise<Date> => {
    const res = await fetch(`${url}/_coffer/test/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: seconds }) });
    if (res.status !== 200) throw new Error(`clock: ${res.status} ${await res.text()}`);
    return new Date(((await res.json()) as { now: string }).now);
  };
  return {
    url, port, dataDir, accessKeyId, secretAccessKey, region,
    output: () => output,
    exitCode: () => child.exitCode,
    waitForOutput: (pattern) => new Promise<void>((resolve) => {
      const check = () => {
        if (pattern.test(output)) {
          child.stdout!.off('data', check);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      check();
    }),
    advanceClock,
    backgroundDone: async () => {
      await advanceClock(0);
    },
    clientEnv: (extra = {}) => ({
      ...process.env,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_DEFAULT_REGION: region,
      AWS_REGION: region,
      AWS_ENDPOINT_URL: url,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
      ...extra,
    }),
    stop: () => stopChild(child, options.dataDir ? undefined : dataDir),
  };
}

async function stopChild(child: ChildProcess, removeDir: string | undefined): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  if (removeDir) await rm(removeDir, { recursive: true, force: true });
}

/** Runs a command to completion, capturing its output (no shell). */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    // A command that never reads its stdin closes it early: that is not the test's failure.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** The Python clients this machine may have: its own (newest boto3) and Debian's (boto3 1.26). */
export const PYTHONS = ['python3', '/usr/bin/python3'];
/** aws-cli v1 from the machine's Python and Debian's aws-cli v2. */
export const AWS_CLIS = ['aws', '/usr/bin/aws'];

/** A random secret-looking string, for negative tests. */
export function randomSecret(): string {
  return randomBytes(30).toString('base64');
}
