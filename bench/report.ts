import type { BenchRow } from './kms.bench.js';
import type { MultipartFigure, RssFigure } from './large.bench.js';
import type { ListBenchReport } from './list.bench.js';

/** Markdown for the report's sections (bench/run.ts assembles them). */

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));
const pct = (r: number) => `${(r * 100).toFixed(0)}%`;

/** Rows of requests per second: Coffer's figure, latency, generator CPU, then each reference and the ratio to it. */
export function rowLines(rows: BenchRow[]): string[] {
  return [
    '| scenario | conc. | Coffer ops/s | p50 ms | p99 ms | generator CPU | references: ops/s (Coffer as % of it) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.scenario} | ${r.concurrency} | ${fmt(r.coffer.opsPerSecond)} | ${fmt(r.coffer.p50ms)} | ${fmt(r.coffer.p99ms)} | ${pct(r.coffer.generatorCpu)} | ` +
      `${r.references.map((ref) => `${ref.name}: ${fmt(ref.result.opsPerSecond)} (**${pct(ref.ratio)}**, gen. CPU ${pct(ref.result.generatorCpu)})`).join('; ')} |`),
  ];
}

export function largeReportLines(multipart?: MultipartFigure, rss?: RssFigure): string[] {
  const lines = ['', '## Large objects', ''];
  if (multipart) {
    lines.push(`${multipart.scenario}: ${multipart.mbPerSecond.toFixed(0)} MB/s (median of 3)` +
      (multipart.ratio !== undefined ? `, ${pct(multipart.ratio)} of the loopback HTTP PUT limit (${multipart.loopbackPutMBps!.toFixed(0)} MB/s).` : ' (no loopback limit measured: the sse section did not run).'), '');
  }
  if (rss) {
    const peak = Math.max(rss.afterPutMiB, rss.afterGetMiB);
    lines.push(`${rss.scenario}: peak RSS (VmHWM) ${rss.startMiB.toFixed(0)} MiB after start, ${rss.afterPutMiB.toFixed(0)} MiB after the PUT (${rss.putMBps.toFixed(0)} MB/s), ` +
      `${rss.afterGetMiB.toFixed(0)} MiB after the GET (${rss.getMBps.toFixed(0)} MB/s): **${peak < rss.targetMiB ? 'under' : 'OVER'}** the ${rss.targetMiB} MiB target. Measured once (a high-water mark).`, '');
  }
  return lines;
}

export function listReportLines(r: ListBenchReport): string[] {
  const lines = ['', `## ListObjectsV2 over ${r.keys.toLocaleString('en-US')} keys`, '',
    'Full listing in pages of 1,000 (median of 3), after seeding by 32 concurrent PUTs of empty objects' +
      (r.keys < r.wanted ? ` (${r.wanted.toLocaleString('en-US')} asked for: seeding Coffer stopped at its time limit, BENCH_LIST_SEED_SECONDS).` : '.'), '',
    '| server | seed PUTs/s | full listing s | keys/s | Coffer as % of it |', '| --- | --- | --- | --- | --- |',
    `| ${r.coffer.name} | ${r.coffer.seedPutsPerSecond.toFixed(0)} | ${r.coffer.listSeconds.toFixed(2)} | ${r.coffer.keysPerSecond.toFixed(0)} | |`,
    ...r.peers.map((p) => `| ${p.name} | ${p.seedPutsPerSecond.toFixed(0)} | ${p.listSeconds.toFixed(2)} | ${p.keysPerSecond.toFixed(0)} | **${pct(p.ratio)}** |`)];
  return lines;
}
