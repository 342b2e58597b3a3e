import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BenchRow, Reference } from './kms.bench.js';
import { interleavedMediansOf3, runLoad, type LoadResult } from './load.js';
import { s3Request, signerFor, type Target } from './signing.js';

/**
 * S3 PUT and GET of 4 KiB objects in requests per second at concurrency 1 and 8, against Coffer
 * (default SSE-S3: every body sealed under its own data key), the echo server (the same signed
 * requests) and the S3 peers that run here (moto, s3rver). PUTs spread over 1,000 keys, as real
 * traffic does. The target: 4 KiB PUT >= 30% of the echo server's requests per second.
 */

export interface S3SmallOptions {
  coffer: Target;
  echo: Target;
  peers?: Array<Target & { name: string }>;
  seconds: number;
  concurrencies?: number[];
}

const BUCKET = 'bench-small';
const SIZE = 4096;

function s3Client(t: Target): S3Client {
  return new S3Client({ endpoint: t.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey } });
}

async function prepare(t: Target, body: Buffer): Promise<void> {
  const s3 = s3Client(t);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'get-4k', Body: body }));
  } finally {
    s3.destroy();
  }
}

function loadRun(t: Target, op: 'PUT' | 'GET', body: Buffer, concurrency: number, seconds: number): () => Promise<LoadResult> {
  const signer = signerFor(t, 's3');
  let n = 0;
  const next = () => op === 'PUT'
    ? s3Request(signer, t.url, 'PUT', `/${BUCKET}/put-${n++ % 1000}`, { body })
    : s3Request(signer, t.url, 'GET', `/${BUCKET}/get-4k`);
  return () => runLoad(next, concurrency, seconds);
}

function checked(result: LoadResult, name: string, op: string): LoadResult {
  if (result.errors > 0) throw new Error(`S3 ${op} 4 KiB on ${name}: ${result.errors} of ${result.ops} requests failed`);
  return result;
}

/** Runs the 4 KiB scenarios; the caller starts the servers and writes the report. */
export async function s3SmallScenarios(o: S3SmallOptions): Promise<BenchRow[]> {
  const body = randomBytes(SIZE);
  await prepare(o.coffer, body);
  for (const p of o.peers ?? []) await prepare(p, body);
  // Half a second of each operation on every server first, unmeasured (JIT warm-up).
  for (const t of [o.coffer, o.echo, ...(o.peers ?? [])]) for (const op of ['PUT', 'GET'] as const) await loadRun(t, op, body, 8, 0.5)();
  const rows: BenchRow[] = [];
  for (const op of ['PUT', 'GET'] as const) {
    for (const concurrency of o.concurrencies ?? [1, 8]) {
      const refs = [{ ...o.echo, name: 'echo server' }, ...(o.peers ?? [])];
      const [c, ...others] = await interleavedMediansOf3([o.coffer, ...refs].map((t) => loadRun(t, op, body, concurrency, o.seconds)));
      const coffer = checked(c!, 'Coffer', op);
      const references: Reference[] = refs.map((ref, i) => {
        const result = checked(others[i]!, ref.name, op);
        return { name: ref.name, result, ratio: coffer.opsPerSecond / result.opsPerSecond };
      });
      rows.push({ scenario: `S3 ${op} 4 KiB (SSE-S3)`, concurrency, coffer, references });
    }
  }
  return rows;
}
