import { spawn, type ChildProcess } from 'node:child_process';
import { createCipheriv, randomBytes, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { CommitmentPolicy } from '@aws-crypto/client-node';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { newAccessKeyId, newSecretAccessKey } from '../src/server/bootstrap.js';
import { esdkEncrypt } from '../src/cli/envelope/encrypt.js';
import { buildKeyring } from '../src/cli/envelope/keyring.js';
import { KmsCallLog, kmsClientSupplier } from '../src/cli/envelope/kms-client.js';
import { runJobs } from '../src/cli/envelope/run.js';

/**
 * Envelope scenario: encrypt one file of BENCH_ENVELOPE_MIB (default 1024) MiB through the code
 * path of `coffer encrypt -i f -o f.encrypted -w key=<arn> -S` (runJobs: read, frame, encrypt,
 * sign, write a temp file, fsync, rename), against a Coffer server's KMS, and compare it with the
 * limit: the same file through node:crypto's AES-256-GCM alone, also into an fsynced file, so
 * the ratio isolates what the Encryption SDK format and the CLI cost. Target: >= 50%.
 * Median of 3 alternating runs each. Not yet wired into bench/run.ts: call envelopeBench() there.
 */
export interface EnvelopeBenchResult {
  scenario: string;
  mib: number;
  cliMBps: number;
  rawMBps: number;
  ratio: number;
}

/** A Coffer server to take KMS keys from. */
export interface KmsEndpoint {
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const MiB = 1024 * 1024;

async function writeInput(path: string, mib: number): Promise<void> {
  const out = createWriteStream(path);
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < mib; i++) {
    if (!out.write(randomFillSync(Buffer.from(block)))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(resolve);
  });
}

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs the scenario against the Coffer at `kms`; see the module comment. */
export async function envelopeBench(kms: KmsEndpoint, mib = Number(process.env.BENCH_ENVELOPE_MIB ?? 1024)): Promise<EnvelopeBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-envelope-bench-'));
  const input = join(dir, 'input');
  const output = join(dir, 'output');
  try {
    await writeInput(input, mib);
    // The CLI takes credentials from the SDK's chain, as `coffer encrypt` would from its env.
    process.env.AWS_ACCESS_KEY_ID = kms.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = kms.secretAccessKey;
    const client = new KMSClient({ endpoint: kms.url, region: 'us-east-1', credentials: { accessKeyId: kms.accessKeyId, secretAccessKey: kms.secretAccessKey } });
    const arn = (await client.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const cli = () => {
      const log = new KmsCallLog();
      const keyring = buildKeyring([{ keys: [arn], discovery: false }], 'encrypt', () => kmsClientSupplier({ endpointUrl: kms.url }, log));
      return runJobs([{ source: input, destination: output }], { mode: 'encrypt', decode: false, encode: false, overwrite: true, spoolStdout: false }, () =>
        esdkEncrypt({ keyring, commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT, encryptionContext: {} }));
    };
    const raw = () => pipeline(
      createReadStream(input),
      createCipheriv('aes-256-gcm', randomBytes(32), randomBytes(12)),
      createWriteStream(output, { flush: true }),
    );
    const cliSeconds: number[] = [];
    const rawSeconds: number[] = [];
    for (let i = 0; i < 3; i++) {
      rawSeconds.push(await timed(raw));
      cliSeconds.push(await timed(cli));
    }
    const megabytes = (mib * MiB) / 1e6;
    const cliMBps = megabytes / median(cliSeconds);
    const rawMBps = megabytes / median(rawSeconds);
    return { scenario: `coffer encrypt of a ${mib} MiB file (AWS Encryption SDK format) vs raw AES-256-GCM`, mib, cliMBps, rawMBps, ratio: cliMBps / rawMBps };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Standalone: `node dist/bench/envelope.bench.js` starts its own Coffer server. */
async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coffer-bench-'));
  const accessKeyId = newAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  const server: ChildProcess = spawn(process.execPath, [fileURLToPath(new URL('../src/cli/main.js', import.meta.url)), 'server', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, COFFER_ROOT_ACCESS_KEY_ID: accessKeyId, COFFER_ROOT_SECRET_ACCESS_KEY: secretAccessKey, COFFER_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /coffer listening on (http:\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server.once('exit', (code) => reject(new Error(`coffer server exited with ${code}`)));
    });
    const r = await envelopeBench({ url, accessKeyId, secretAccessKey });
    process.stdout.write(`${r.scenario}\n  coffer encrypt ${r.cliMBps.toFixed(0)} MB/s, raw AES-256-GCM ${r.rawMBps.toFixed(0)} MB/s, ratio ${(r.ratio * 100).toFixed(0)}% (target >= 50%)\n`);
  } finally {
    server.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`envelope bench failed: ${err.stack ?? err}\n`);
    process.exit(1);
  });
}
