import { Agent } from 'node:http';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { sendForText } from './load.js';
import { s3Request, signerFor, type Target } from './signing.js';

/**
 * ListObjectsV2 over many keys (BENCH_LIST_KEYS, default 100,000): each server is seeded with
 * empty objects by 32 concurrent PUTs (the seeding rate is reported too), then the whole bucket is
 * listed in pages of 1,000 following continuation tokens; the figure is the median of three full
 * listings, in keys per second, against Coffer and moto. Seeding Coffer stops early after
 * BENCH_LIST_SEED_SECONDS (default 120) so the suite stays bounded on a slow or busy machine; the
 * peers are then seeded with the same number of keys, and the report gives the number listed.
 */

export interface ListBenchOptions {
  coffer: Target;
  peers?: Array<Target & { name: string }>;
  keys?: number;
}

/** One server's figures. */
export interface ListFigure {
  name: string;
  keys: number;
  seedPutsPerSecond: number;
  listSeconds: number;
  keysPerSecond: number;
}

export interface ListBenchReport {
  /** Keys asked for, and keys seeded and listed (fewer when seeding hit its time limit). */
  wanted: number;
  keys: number;
  coffer: ListFigure;
  peers: Array<ListFigure & { ratio: number }>;
}

const BUCKET = 'bench-list';
const body = Buffer.alloc(0);

/** Seeds up to `keys` objects, stopping at `deadline` (ms, performance.now()); answers how many and at what rate. */
async function seed(t: Target, keys: number, agent: Agent, deadline = Infinity): Promise<{ seeded: number; perSecond: number }> {
  const s3 = new S3Client({ endpoint: t.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey } });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  } finally {
    s3.destroy();
  }
  const signer = signerFor(t, 's3');
  let next = 0;
  const start = performance.now();
  let done = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < keys && performance.now() < deadline) {
      const key = `data/${String(next++).padStart(7, '0')}`;
      await sendForText(agent, await s3Request(signer, t.url, 'PUT', `/${BUCKET}/${key}`, { body }));
      done++;
    }
  }));
  return { seeded: done, perSecond: done / ((performance.now() - start) / 1000) };
}

/** Lists the whole bucket once; answers the seconds it took and checks every key came back. */
async function listAll(t: Target, keys: number, agent: Agent): Promise<number> {
  const signer = signerFor(t, 's3');
  let token: string | undefined;
  let seen = 0;
  const start = performance.now();
  do {
    const query: Record<string, string> = { 'list-type': '2', 'max-keys': '1000', ...(token ? { 'continuation-token': token } : {}) };
    const xml = await sendForText(agent, await s3Request(signer, t.url, 'GET', `/${BUCKET}`, { query }));
    seen += xml.match(/<Key>/g)?.length ?? 0;
    const m = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(xml);
    token = m ? m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'") : undefined;
  } while (token);
  const seconds = (performance.now() - start) / 1000;
  if (seen !== keys) throw new Error(`ListObjectsV2 returned ${seen} keys, not ${keys}`);
  return seconds;
}

async function figure(t: Target, name: string, wanted: number, deadline?: number): Promise<ListFigure> {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  try {
    const { seeded: keys, perSecond: seedPutsPerSecond } = await seed(t, wanted, agent, deadline);
    const runs = [await listAll(t, keys, agent), await listAll(t, keys, agent), await listAll(t, keys, agent)].sort((a, b) => a - b);
    return { name, keys, seedPutsPerSecond, listSeconds: runs[1]!, keysPerSecond: keys / runs[1]! };
  } finally {
    agent.destroy();
  }
}

/** Seeds and lists Coffer and each peer in turn; the caller starts them and writes the report. */
export async function listScenario(o: ListBenchOptions): Promise<ListBenchReport> {
  const wanted = o.keys ?? Number(process.env.BENCH_LIST_KEYS ?? 100_000);
  const coffer = await figure(o.coffer, 'Coffer', wanted, performance.now() + Number(process.env.BENCH_LIST_SEED_SECONDS ?? 120) * 1000);
  const keys = coffer.keys;
  const peers = [];
  for (const p of o.peers ?? []) {
    const f = await figure(p, p.name, keys);
    peers.push({ ...f, ratio: coffer.keysPerSecond / f.keysPerSecond });
  }
  return { wanted, keys, coffer, peers };
}
