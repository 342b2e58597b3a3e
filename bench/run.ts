import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authzEngineBench, authzWireScenarios } from './authz-wire.bench.js';
import { ratioChart, type ChartBar } from './chart.js';
import { clusterScenarios } from './cluster.bench.js';
import { envelopeBench } from './envelope.bench.js';
import { kmsEncryptPair, kmsScenarios, type BenchRow } from './kms.bench.js';
import { largeReportLines, listReportLines, rowLines } from './report.js';
import { listScenario } from './list.bench.js';
import { multipartScenario, rssScenario } from './large.bench.js';
import { medianOf3, runLoad } from './load.js';
import { isMissing, startCoffer, startEcho, startMoto, startS3rver, type Endpoint, type MissingPeer } from './processes.js';
import { s3SmallScenarios } from './s3-small.bench.js';
import { queryRequest, signerFor } from './signing.js';
import { sseReportLines, sseScenarios } from './sse.bench.js';
import { soakReportLines, soakScenario } from './soak.bench.js';

/**
 * `npm run bench`: starts Coffer, the echo server and the peers (moto, s3rver) itself, runs each
 * scenario against Coffer and its references in the same run, and writes
 * bench/results/<date>.{md,json,svg} (<date>-only-<sections>.* when BENCH_ONLY picks sections).
 * Figures are ratios to a limit or a peer measured here and now, never absolute targets, so they
 * mean the same on any machine; every figure is the median of three runs. See bench/README.md for
 * what each ratio means.
 *
 * BENCH_SECONDS (default 1, so the whole suite stays under 15 minutes) sets the length of each
 * load run; BENCH_ENVELOPE_MIB (default here 256), BENCH_LIST_KEYS, BENCH_LIST_SEED_SECONDS and
 * BENCH_RSS_GIB size the large scenarios. BENCH_ONLY=a,b picks sections (see
 * SECTIONS; `soak` runs only when named, as it takes BENCH_SOAK_SECONDS, default 600).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
/**
 * The trail's cost is the ratio of two servers' figures at full load on both cores: with runs of
 * 1 s it read 79-99% over eleven runs of the trail section, with runs of 3 s 84-91% over five.
 * Three times SECONDS there costs about 25 s.
 */
const PAIR_SECONDS = 3 * SECONDS;
const SECTIONS = ['sts', 'kms', 'trail', 'authz', 's3', 'sse', 'multipart', 'list', 'rss', 'envelope', 'cluster', 'soak'] as const;
const DEFAULT = SECTIONS.filter((s) => s !== 'soak');
const ONLY = new Set(process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : DEFAULT);
const here = fileURLToPath(new URL('.', import.meta.url));
const pct = (r: number) => `${(r * 100).toFixed(0)}%`;

/** STS GetCallerIdentity: SigV4 verification and the sealed access-key lookup, nothing else. */
async function stsRows(coffer: Endpoint, echo: Endpoint): Promise<BenchRow[]> {
  const body = Buffer.from('Action=GetCallerIdentity&Version=2011-06-15');
  const signer = signerFor(coffer, 'sts');
  const whoAmI = (base: string) => () => queryRequest(signer, base, body);
  const rows: BenchRow[] = [];
  for (const concurrency of [1, 32]) {
    const c = await medianOf3(() => runLoad(whoAmI(coffer.url), concurrency, SECONDS));
    const e = await medianOf3(() => runLoad(whoAmI(echo.url), concurrency, SECONDS));
    rows.push({ scenario: 'STS GetCallerIdentity (SigV4, sealed key lookup)', concurrency, coffer: c, references: [{ name: 'echo server', result: e, ratio: c.opsPerSecond / e.opsPerSecond }] });
  }
  return rows;
}

async function main(): Promise<void> {
  const began = performance.now();
  const date = new Date().toISOString().slice(0, 10);
  // A run of some sections only must not overwrite the day's full results.
  const name = process.env.BENCH_ONLY ? `${date}-only-${[...ONLY].join('-')}` : date;
  const timings: Record<string, number> = {};
  const section = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    if (!ONLY.has(name)) return undefined;
    const t0 = performance.now();
    process.stderr.write(`bench: ${name}...\n`);
    try {
      return await fn();
    } finally {
      timings[name] = (performance.now() - t0) / 1000;
      process.stderr.write(`bench: ${name} took ${timings[name]!.toFixed(0)} s\n`);
    }
  };
  const json: Record<string, unknown> = { date: new Date().toISOString(), seconds: SECONDS, cpus: cpus().length, node: process.version };
  const rows: BenchRow[] = [];
  const bars: ChartBar[] = [];
  const body: string[] = [];
  const missing: MissingPeer[] = [];

  const echo = await startEcho();
  const coffer = await startCoffer();
  const needsPeers = ['kms', 's3', 'list'].some((s) => ONLY.has(s));
  const moto = needsPeers ? await startMoto() : undefined;
  const s3rver = ONLY.has('s3') ? await startS3rver() : undefined;
  const peer = (p: Endpoint | MissingPeer | undefined) => {
    if (!p) return [];
    if (isMissing(p)) {
      if (!missing.includes(p)) missing.push(p);
      return [];
    }
    return [p];
  };
  const motoPeers = peer(moto);
  const s3Peers = [...motoPeers, ...peer(s3rver)];
  try {
    const sts = await section('sts', () => stsRows(coffer, echo));
    if (sts) rows.push(...sts);

    const kms = await section('kms', () => kmsScenarios({ coffer, echo, peers: motoPeers, seconds: SECONDS }));
    if (kms) {
      rows.push(...kms);
      for (const r of kms.filter((r) => r.concurrency === 32)) {
        for (const ref of r.references) bars.push({ label: `${r.scenario.replace(/ \(.*\)/, '')} c=32 vs ${ref.name}`, ratio: ref.ratio, target: r.scenario.startsWith('KMS Encrypt') && ref.name === 'echo server' ? 0.4 : undefined });
      }
    }

    await section('trail', async () => {
      // KMS Encrypt against this Coffer and one with the trail off, runs interleaved: the ratio is what recording every call costs.
      const untrailed = await startCoffer({ COFFER_TRAIL_RECORDING: 'off' });
      try {
        for (const r of await kmsEncryptPair(coffer, { ...untrailed, name: 'trail off (COFFER_TRAIL_RECORDING=off)' }, PAIR_SECONDS)) {
          rows.push({ ...r, scenario: `${r.scenario}, trail on` });
          if (r.concurrency === 32) bars.push({ label: 'KMS Encrypt c=32, trail on vs trail off', ratio: r.references[0]!.ratio });
        }
      } finally {
        await untrailed.stop();
      }
    });

    await section('authz', async () => {
      const wire = await authzWireScenarios(coffer, SECONDS);
      rows.push(...wire);
      for (const r of wire.filter((r) => r.concurrency === 32)) bars.push({ label: 'KMS Encrypt c=32, 10x10-policy IAM user vs root', ratio: r.references[0]!.ratio });
      try {
        json.authzEngine = await authzEngineBench();
      } catch (err) {
        json.authzEngine = { error: String(err) };
      }
    });

    const small = await section('s3', () => s3SmallScenarios({ coffer, echo, peers: s3Peers, seconds: SECONDS }));
    if (small) {
      rows.push(...small);
      for (const r of small.filter((r) => r.concurrency === 8)) {
        for (const ref of r.references) bars.push({ label: `${r.scenario} c=8 vs ${ref.name}`, ratio: ref.ratio, target: r.scenario.startsWith('S3 PUT') && ref.name === 'echo server' ? 0.3 : undefined });
      }
    }

    if (rows.length) body.push('## Requests per second', '', ...rowLines(rows));
    json.requests = rows;
    const authzEngine = json.authzEngine as Awaited<ReturnType<typeof authzEngineBench>> | { error: string } | undefined;
    if (authzEngine) {
      body.push('', '### The policy engine alone (bench/authz.bench.ts, in process)', '');
      if ('error' in authzEngine) body.push(`Not measured: ${authzEngine.error}`);
      else {
        body.push('| operation | root µs | IAM user 10x10 µs | extra µs per request |', '| --- | --- | --- | --- |',
          ...authzEngine.rows.map((r) => `| ${r.operation} | ${r.rootMicros.toFixed(2)} | ${r.userMicros.toFixed(2)} | ${r.extraMicros.toFixed(2)} |`),
          '', `evaluate() alone, 10x10 + bucket policy: ${authzEngine.evaluateMicros.toFixed(2)} µs.`);
      }
    }

    const sse = await section('sse', () => sseScenarios({ ...coffer, cofferUrl: coffer.url, diskDir: coffer.dataDir, kmsCountPuts: 200 }));
    if (sse) {
      body.push(...sseReportLines(sse));
      json.sse = sse;
      for (const r of sse.rows) {
        const targeted = /^S3 (PUT|GET) \d+ MiB, SSE-(S3|KMS)/.test(r.scenario) && !r.scenario.includes('no client checksum');
        bars.push({ label: `${r.scenario.replace(/ \(server computes CRC64NVME\)/, '')} c=${r.concurrency} vs lowest limit`, ratio: r.ratio, target: targeted ? 0.6 : undefined });
      }
    }

    const multipart = await section('multipart', () => multipartScenario(coffer, sse?.limits.loopbackPutMBps));
    const list = await section('list', () => listScenario({ coffer, peers: motoPeers }));
    const rss = await section('rss', async () => {
      // A Coffer of its own: VmHWM is the maximum of the process's whole life.
      const fresh = await startCoffer();
      try {
        return await rssScenario(fresh, fresh.pid);
      } finally {
        await fresh.stop();
      }
    });
    if (multipart || rss) body.push(...largeReportLines(multipart, rss));
    if (multipart?.ratio !== undefined) bars.push({ label: 'S3 multipart 1 GiB vs loopback HTTP PUT', ratio: multipart.ratio });
    json.multipart = multipart;
    json.rss = rss;
    if (list) {
      body.push(...listReportLines(list));
      json.list = list;
      for (const p of list.peers) bars.push({ label: `ListObjectsV2 ${list.keys.toLocaleString('en-US')} keys vs ${p.name}`, ratio: p.ratio });
    }

    const envelope = await section('envelope', () => envelopeBench({ url: coffer.url, accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey }, Number(process.env.BENCH_ENVELOPE_MIB ?? 256)));
    if (envelope) {
      body.push('', '## Client-side envelope encryption', '', `${envelope.scenario}: ${envelope.cliMBps.toFixed(0)} MB/s vs raw AES-256-GCM ${envelope.rawMBps.toFixed(0)} MB/s: ${pct(envelope.ratio)} (target >= 50%).`);
      json.envelope = envelope;
      bars.push({ label: `coffer encrypt ${envelope.mib} MiB vs raw AES-256-GCM`, ratio: envelope.ratio, target: 0.5 });
    }

    const cluster = await section('cluster', () => clusterScenarios({ seconds: SECONDS }));
    if (cluster) {
      const clusterRows: BenchRow[] = cluster.map((r) => ({ scenario: r.scenario, concurrency: r.concurrency, coffer: r.coffer, references: [{ name: 'baseline named in the scenario', result: r.reference, ratio: r.ratio }] }));
      body.push('', '## Cluster mode', '', ...rowLines(clusterRows));
      json.cluster = clusterRows;
      for (const r of clusterRows) bars.push({ label: r.scenario.replace(/^Cluster: /, 'Cluster ').replace(/ \(PostgreSQL \+ S3, one machine\)/, ''), ratio: r.references[0]!.ratio });
    }

    await section('soak', async () => {
      const fresh = await startCoffer();
      try {
        const soak = await soakScenario({ cofferUrl: fresh.url, accessKeyId: fresh.accessKeyId, secretAccessKey: fresh.secretAccessKey, pid: fresh.pid });
        body.push('', '## Soak', '', ...soakReportLines(soak));
        json.soak = soak;
      } finally {
        await fresh.stop();
      }
    });
  } finally {
    await coffer.stop();
    await echo.stop();
    for (const p of [moto, s3rver]) if (p && !isMissing(p)) await p.stop();
  }

  const total = (performance.now() - began) / 1000;
  json.timings = { ...timings, total };
  json.missingPeers = missing;
  const peersLine = [moto, s3rver].filter((p): p is Endpoint | MissingPeer => !!p).map((p) => (isMissing(p) ? `${p.name}: skipped (${p.reason})` : `${p.name} at ${p.url}`));
  const lines = [
    `# Coffer bench ${date}`, '',
    `Node ${process.version}, ${cpus().length} cores. Each load figure is the median of 3 runs of ${SECONDS} s (the trail on/off pair: ${PAIR_SECONDS} s); every ratio compares Coffer with a reference measured in the same run ` +
      '(bench/README.md explains each). The load generator runs in this process: its CPU (share of one core) is in every row. ' +
      'Other processes on the machine (other engineers\' builds and tests) share the cores, so absolute figures are noisy; the ratios less so.', '',
    `Peers: ${peersLine.length ? peersLine.join('; ') : 'none needed by the sections run'}.`, '',
    `Sections run: ${Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(0)} s`).join(', ')}; total ${total.toFixed(0)} s (${(total / 60).toFixed(1)} min).`, '',
    `![ratios](${name}.svg)`, '',
    ...body,
  ];
  const out = join(here, '../../bench/results');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, `${name}.md`), lines.join('\n') + '\n');
  await writeFile(join(out, `${name}.json`), JSON.stringify(json, null, 2) + '\n');
  await writeFile(join(out, `${name}.svg`), ratioChart(`Coffer bench ${name}: ratios`, bars));
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
