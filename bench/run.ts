import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { newAccessKeyId, newSecretAccessKey } from '../src/server/bootstrap.js';
import { envelopeBench } from './envelope.bench.js';
import { kmsScenarios } from './kms.bench.js';
import { NodeSha256 } from './node-sha256.js';
import { medianOf3, runLoad, type LoadResult, type PreparedRequest } from './load.js';
import { sseReportLines, sseScenarios } from './sse.bench.js';

/**
 * `npm run bench`: starts Coffer and its references, runs each scenario against both in the same
 * run, and writes bench/results/<date>.{md,json}. Figures are ratios to a limit measured here and
 * now, never absolute targets, so they mean the same on any machine. BENCH_SECONDS sets the
 * length of each load run; BENCH_ONLY=sts,kms,trail,sse,envelope picks scenarios.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'sts,kms,trail,sse,envelope').split(','));
const here = fileURLToPath(new URL('.', import.meta.url));

interface Coffer { child: ChildProcess; url: string; dataDir: string; accessKeyId: string; secretAccessKey: string }

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

async function startCoffer(env: Record<string, string> = {}): Promise<Coffer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coffer-bench-'));
  const accessKeyId = newAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  const { child, url } = await spawnUntil([join(here, '../src/cli/main.js'), 'server', '--port', '0', '--data-dir', dataDir],
    // AWS's KMS request quotas (500 Sign/s) would throttle the load itself: the bench measures capacity.
    { ...process.env, COFFER_ROOT_ACCESS_KEY_ID: accessKeyId, COFFER_ROOT_SECRET_ACCESS_KEY: secretAccessKey, COFFER_LOG_LEVEL: 'warn', COFFER_KMS_CRYPTO_RPS: '0', COFFER_KMS_ASYMMETRIC_RPS: '0', ...env },
    /coffer listening on (http:\S+)/);
  return { child, url, dataDir, accessKeyId, secretAccessKey };
}

async function stopCoffer(c: Coffer): Promise<void> {
  const exited = new Promise((resolve) => c.child.once('exit', resolve));
  c.child.kill('SIGTERM');
  await exited;
  await rm(c.dataDir, { recursive: true, force: true });
}

interface Row { scenario: string; concurrency: number; coffer: LoadResult; reference: LoadResult; ratio: number }

/** STS GetCallerIdentity: SigV4 verification and the sealed access-key lookup, nothing else. */
async function stsRows(c: Coffer, echoUrl: string): Promise<Row[]> {
  const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', sha256: NodeSha256, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const whoAmI = async (base: string): Promise<PreparedRequest> => {
    const url = new URL(base);
    const signed = await signer.sign(new HttpRequest({
      method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', body,
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
    }));
    return { url: base + '/', method: 'POST', headers: signed.headers as Record<string, string>, body: Buffer.from(body) };
  };
  const rows: Row[] = [];
  for (const concurrency of [1, 32]) {
    const coffer = await medianOf3(() => runLoad(() => whoAmI(c.url), concurrency, SECONDS));
    const reference = await medianOf3(() => runLoad(() => whoAmI(echoUrl), concurrency, SECONDS));
    rows.push({ scenario: 'STS GetCallerIdentity vs echo server', concurrency, coffer, reference, ratio: coffer.opsPerSecond / reference.opsPerSecond });
  }
  return rows;
}

function rowLines(rows: Row[]): string[] {
  const fmt = (n: number) => n.toFixed(n >= 100 ? 0 : 2);
  return [
    '| scenario | conc. | Coffer ops/s | p50 ms | p99 ms | reference ops/s | ratio | generator CPU (Coffer / reference run) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.scenario} | ${r.concurrency} | ${fmt(r.coffer.opsPerSecond)} | ${fmt(r.coffer.p50ms)} | ${fmt(r.coffer.p99ms)} | ${fmt(r.reference.opsPerSecond)} | ${(r.ratio * 100).toFixed(0)}% | ${(r.coffer.generatorCpu * 100).toFixed(0)}% / ${(r.reference.generatorCpu * 100).toFixed(0)}% |`),
  ];
}

async function main(): Promise<void> {
  const date = new Date().toISOString().slice(0, 10);
  const lines = [`# Coffer bench ${date}`, '', `Each load figure is the median of 3 runs of ${SECONDS}s; every ratio compares Coffer with a reference measured in the same run.`, ''];
  const json: Record<string, unknown> = {};
  const echo = await spawnUntil([join(here, 'echo-server.js')], process.env, /echo listening on (http:\S+)/);
  const coffer = await startCoffer();
  try {
    const rows: Row[] = [];
    if (ONLY.has('sts')) rows.push(...(await stsRows(coffer, echo.url)));
    if (ONLY.has('kms')) rows.push(...(await kmsScenarios({ ...coffer, cofferUrl: coffer.url, echoUrl: echo.url, seconds: SECONDS })));
    if (ONLY.has('trail')) {
      // The same KMS Encrypt with the trail off: the difference is what recording every call costs.
      const untrailed = await startCoffer({ COFFER_TRAIL_RECORDING: 'off' });
      try {
        const off = await kmsScenarios({ ...untrailed, cofferUrl: untrailed.url, echoUrl: echo.url, seconds: SECONDS });
        rows.push(...off.filter((r) => r.scenario.includes('Encrypt')).map((r) => ({ ...r, scenario: `${r.scenario} (trail off)` })));
      } finally {
        await stopCoffer(untrailed);
      }
    }
    lines.push('## Requests per second', '', ...rowLines(rows));
    json.requests = rows;
    if (ONLY.has('sse')) {
      const sse = await sseScenarios({ ...coffer, cofferUrl: coffer.url, diskDir: coffer.dataDir });
      lines.push(...sseReportLines(sse));
      json.sse = sse;
    }
    if (ONLY.has('envelope')) {
      const envelope = await envelopeBench({ url: coffer.url, accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey });
      lines.push('', '## Client-side envelope encryption', '', `${envelope.scenario}: ${envelope.cliMBps.toFixed(0)} MB/s vs raw AES-256-GCM ${envelope.rawMBps.toFixed(0)} MB/s: ${(envelope.ratio * 100).toFixed(0)}% (target >= 50%).`);
      json.envelope = envelope;
    }
  } finally {
    await stopCoffer(coffer);
    echo.child.kill('SIGTERM');
  }
  const out = join(here, '../../bench/results');
  await writeFile(join(out, `${date}.md`), lines.join('\n') + '\n');
  await writeFile(join(out, `${date}.json`), JSON.stringify(json, null, 2) + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
