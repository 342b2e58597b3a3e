import { Agent, request } from 'node:http';

export interface LoadResult {
  ops: number;
  seconds: number;
  opsPerSecond: number;
  p50ms: number;
  p99ms: number;
  errors: number;
  /** CPU the load generator itself used, as a share of one core: it must not be the bottleneck. */
  generatorCpu: number;
}

export interface PreparedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/**
 * Closed-loop load: `concurrency` workers each send the next request as soon as the previous one
 * answers, for `seconds`. `next()` builds each request (signing included), so it is measured as
 * the generator's own CPU, not the server's.
 */
export async function runLoad(next: () => Promise<PreparedRequest> | PreparedRequest, concurrency: number, seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const req = await next();
      const t0 = performance.now();
      const status = await send(agent, req);
      latencies.push(performance.now() - t0);
      if (status >= 400) errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    ops: latencies.length, seconds: elapsed, opsPerSecond: latencies.length / elapsed,
    p50ms: pick(0.5), p99ms: pick(0.99), errors,
    generatorCpu: (cpu.user + cpu.system) / 1e6 / elapsed,
  };
}

function send(agent: Agent, prepared: PreparedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(prepared.url, { method: prepared.method, headers: prepared.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(prepared.body);
  });
}

/** One request whose answer is read whole (small answers only: listings); fails on a status >= 300. */
export function sendForText(agent: Agent, prepared: PreparedRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(prepared.url, { method: prepared.method, headers: prepared.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`${prepared.method} ${prepared.url}: ${res.statusCode} ${text.slice(0, 500)}`));
        else resolve(text);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(prepared.body);
  });
}

/** The middle of `values` (the upper one of an even count); 0 when there are none. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The median of three runs by ops/s, as every figure in the report is. */
export async function medianOf3(run: () => Promise<LoadResult>): Promise<LoadResult> {
  const results = [await run(), await run(), await run()];
  results.sort((a, b) => a.opsPerSecond - b.opsPerSecond);
  return results[1]!;
}

/**
 * Each of `runs` three times, interleaved (a b c a b c a b c), and each one's median by ops/s:
 * a slow change in the machine's load (other processes on shared cores) then hits every side of a
 * comparison alike instead of whichever happened to run during it.
 */
export async function interleavedMediansOf3(runs: Array<() => Promise<LoadResult>>): Promise<LoadResult[]> {
  const results: LoadResult[][] = runs.map(() => []);
  for (let round = 0; round < 3; round++) {
    for (const [i, run] of runs.entries()) results[i]!.push(await run());
  }
  return results.map((r) => r.sort((a, b) => a.opsPerSecond - b.opsPerSecond)[1]!);
}
