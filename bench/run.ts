import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { newAccessKeyId, newSecretAccessKey } from '../src/server/bootstrap.js';
import { medianOf3, runLoad, type LoadResult, type PreparedRequest } from './load.js';

/**
 * `npm run bench`: starts Coffer and its references, runs each scenario against both in the same
 * run, and writes bench/results/<date>.{md,json}. Figures are ratios to a limit measured here and
 * now, never absolute targets, so they mean the same on any machine.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const here = fileURLToPath(new URL('.', import.meta.url));

async function spawnUntil(args: string[], env: NodeJS.ProcessEnv, pattern: RegExp): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  child.stdout!.resume();
  return { child, url };
}

interface Row { scenario: string; concurrency: number; coffer: LoadResult; reference: LoadResult; ratio: number }

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coffer-bench-'));
  const accessKeyId = newAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  const coffer = await spawnUntil([join(here, '../src/cli/main.js'), 'server', '--port', '0', '--data-dir', dataDir],
    { ...process.env, COFFER_ROOT_ACCESS_KEY_ID: accessKeyId, COFFER_ROOT_SECRET_ACCESS_KEY: secretAccessKey, COFFER_LOG_LEVEL: 'warn' },
    /coffer listening on (http:\S+)/);
  const echo = await spawnUntil([join(here, 'echo-server.js')], process.env, /echo listening on (http:\S+)/);
  const rows: Row[] = [];
  try {
    const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', sha256: Sha256, credentials: { accessKeyId, secretAccessKey } });
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const whoAmI = async (base: string): Promise<PreparedRequest> => {
      const url = new URL(base);
      const signed = await signer.sign(new HttpRequest({
        method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', body,
        headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
      }));
      return { url: base + '/', method: 'POST', headers: signed.headers as Record<string, string>, body: Buffer.from(body) };
    };
    for (const concurrency of [1, 32]) {
      const cofferResult = await medianOf3(() => runLoad(() => whoAmI(coffer.url), concurrency, SECONDS));
      const echoResult = await medianOf3(() => runLoad(() => whoAmI(echo.url), concurrency, SECONDS));
      rows.push({ scenario: 'STS GetCallerIdentity (SigV4, sealed key lookup) vs echo server', concurrency, coffer: cofferResult, reference: echoResult, ratio: cofferResult.opsPerSecond / echoResult.opsPerSecond });
    }
  } finally {
    coffer.child.kill('SIGTERM');
    echo.child.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
  await report(rows);
}

async function report(rows: Row[]): Promise<void> {
  const date = new Date().toISOString().slice(0, 10);
  const fmt = (n: number) => n.toFixed(n >= 100 ? 0 : 2);
  const lines = [
    `# Coffer bench ${date}`, '',
    `Each figure is the median of 3 runs of ${SECONDS}s; the ratio compares Coffer with a reference measured in the same run.`, '',
    '| scenario | conc. | Coffer ops/s | p50 ms | p99 ms | reference ops/s | ratio | generator CPU |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.scenario} | ${r.concurrency} | ${fmt(r.coffer.opsPerSecond)} | ${fmt(r.coffer.p50ms)} | ${fmt(r.coffer.p99ms)} | ${fmt(r.reference.opsPerSecond)} | ${(r.ratio * 100).toFixed(0)}% | ${(r.coffer.generatorCpu * 100).toFixed(0)}% |`),
  ];
  const out = join(here, '../../bench/results');
  await writeFile(join(out, `${date}.md`), lines.join('\n') + '\n');
  await writeFile(join(out, `${date}.json`), JSON.stringify(rows, null, 2) + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
