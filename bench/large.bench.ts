import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { PreparedRequest } from './load.js';
import { s3Request, signerFor, type Target } from './signing.js';

/**
 * Large objects against one Coffer (default SSE-S3 bucket):
 * - a 1 GiB multipart upload (64 parts of 16 MiB, 4 in flight), MB/s as a ratio to the loopback
 *   HTTP PUT limit measured in the same run; median of 3;
 * - the Coffer process's peak RSS (VmHWM in /proc/<pid>/status) while one 5 GiB object is PUT and
 *   then GET. The body is generated as a stream from one 1 MiB buffer and the answer is discarded
 *   as it arrives: neither is ever on disk or in memory whole on the client side. Measured once, on
 *   a Coffer started for it alone (a high-water mark is the maximum of the process's life).
 *   Target: under 200 MiB.
 */

const MiB = 1024 * 1024;
const MB = 1e6;
const BUCKET = 'bench-large';

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; text: string; bytes: number }

/** One request with a streamed or buffered body; the answer is read (text only if it is small). */
function exchange(agent: Agent, prepared: PreparedRequest, body?: Readable): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(prepared.url, { method: prepared.method, headers: prepared.headers, agent }, (res) => {
      let text = '';
      let bytes = 0;
      res.on('data', (d: Buffer) => {
        bytes += d.length;
        if (text.length < 64 * 1024) text += d.toString();
      });
      res.on('end', () => {
        const answer = { status: res.statusCode ?? 0, headers: res.headers, text, bytes };
        if (answer.status >= 300) reject(new Error(`${prepared.method} ${prepared.url}: ${answer.status} ${text.slice(0, 500)}`));
        else resolve(answer);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body) pipeline(body, req).catch(reject);
    else req.end(prepared.body);
  });
}

async function createBucket(t: Target): Promise<void> {
  const s3 = new S3Client({ endpoint: t.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey } });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  } finally {
    s3.destroy();
  }
}

export interface MultipartFigure {
  scenario: string;
  mbPerSecond: number;
  loopbackPutMBps?: number;
  ratio?: number;
}

/** One 1 GiB multipart upload: create, 64 parts of 16 MiB with 4 in flight, complete. Answers MB/s. */
async function multipartOnce(t: Target, agent: Agent, part: Buffer, parts: number): Promise<number> {
  const signer = signerFor(t, 's3');
  const path = `/${BUCKET}/multipart-1g`;
  const start = performance.now();
  const created = await exchange(agent, await s3Request(signer, t.url, 'POST', path, { query: { uploads: '' } }));
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.text)?.[1];
  if (!uploadId) throw new Error(`CreateMultipartUpload answered no UploadId: ${created.text.slice(0, 300)}`);
  const etags: string[] = [];
  let next = 1;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next <= parts) {
      const n = next++;
      const answer = await exchange(agent, await s3Request(signer, t.url, 'PUT', path, { body: part, query: { partNumber: String(n), uploadId } }));
      etags[n - 1] = String(answer.headers.etag);
    }
  }));
  const complete = Buffer.from(`<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`);
  const done = await exchange(agent, await s3Request(signer, t.url, 'POST', path, { body: complete, query: { uploadId } }));
  if (!done.text.includes('CompleteMultipartUploadResult')) throw new Error(`CompleteMultipartUpload failed: ${done.text.slice(0, 300)}`);
  return (parts * part.length) / MB / ((performance.now() - start) / 1000);
}

/** The 1 GiB multipart upload, median of 3, against `loopbackPutMBps` when the caller measured it. */
export async function multipartScenario(t: Target, loopbackPutMBps?: number): Promise<MultipartFigure> {
  await createBucket(t);
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const part = randomBytes(16 * MiB);
  try {
    const runs = [await multipartOnce(t, agent, part, 64), await multipartOnce(t, agent, part, 64), await multipartOnce(t, agent, part, 64)].sort((a, b) => a - b);
    const mbPerSecond = runs[1]!;
    return { scenario: 'S3 multipart upload, 1 GiB (64 x 16 MiB parts, 4 in flight, SSE-S3)', mbPerSecond, loopbackPutMBps, ratio: loopbackPutMBps ? mbPerSecond / loopbackPutMBps : undefined };
  } finally {
    agent.destroy();
  }
}

export interface RssFigure {
  scenario: string;
  bytes: number;
  /** VmHWM of the Coffer process after start, after the PUT, after the GET (MiB). */
  startMiB: number;
  afterPutMiB: number;
  afterGetMiB: number;
  putMBps: number;
  getMBps: number;
  targetMiB: number;
}

async function highWaterMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** `bytes` from one 1 MiB buffer, pushed as the consumer asks for them. */
function generated(bytes: number): Readable {
  const chunk = randomBytes(MiB);
  let left = bytes;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

/** PUT then GET of one object of `gib` GiB (default 5) on the Coffer at `t` whose process is `pid`. */
export async function rssScenario(t: Target, pid: number, gib = Number(process.env.BENCH_RSS_GIB ?? 5)): Promise<RssFigure> {
  await createBucket(t);
  const bytes = gib * 1024 * MiB;
  const signer = signerFor(t, 's3');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const path = `/${BUCKET}/rss-${gib}g`;
  try {
    const startMiB = await highWaterMiB(pid);
    let start = performance.now();
    await exchange(agent, await s3Request(signer, t.url, 'PUT', path, { size: bytes }), generated(bytes));
    const putMBps = bytes / MB / ((performance.now() - start) / 1000);
    const afterPutMiB = await highWaterMiB(pid);
    start = performance.now();
    const got = await exchange(agent, await s3Request(signer, t.url, 'GET', path));
    if (got.bytes !== bytes) throw new Error(`GET returned ${got.bytes} bytes, not ${bytes}`);
    const getMBps = bytes / MB / ((performance.now() - start) / 1000);
    const afterGetMiB = await highWaterMiB(pid);
    // Free the disk at once: 5 GiB should not sit in the temp dir for the rest of the run.
    await exchange(agent, await s3Request(signer, t.url, 'DELETE', path));
    return { scenario: `Peak RSS of the Coffer process, ${gib} GiB PUT then GET (SSE-S3, streamed)`, bytes, startMiB, afterPutMiB, afterGetMiB, putMBps, getMBps, targetMiB: 200 };
  } finally {
    agent.destroy();
  }
}
