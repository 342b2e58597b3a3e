import { spawn, type ChildProcess } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Sha256 } from '@aws-crypto/sha256-js';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutBucketEncryptionCommand, S3Client } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createChecksum } from '../src/auth/checksums.js';

/**
 * S3 server-side encryption throughput: 64 MiB PUTs and GETs under SSE-S3, SSE-KMS without and with
 * bucket keys, and SSE-C, at concurrency 1 and 8 (8 objects at once, MB/s summed over them), each
 * in MB/s and as a ratio to the lowest of the limits measured in the
 * same run on the same machine (node:crypto AES-256-GCM on one core in 64 KiB segments, as bodies
 * are sealed; a 64 MiB disk write + fsync next to Coffer's data; 64 MiB streamed over loopback HTTP
 * to and from a trivial Node server in its own process). Also: KMS GenerateDataKey calls for 1,000
 * PUTs with bucket keys off and on, counted from the trail. The target: SSE GET and PUT of
 * 64 MiB at >= 60% of the lowest limit.
 *
 * Requests are signed with UNSIGNED-PAYLOAD and bodies are streamed from one preallocated buffer,
 * so the load generator's own work is the transfer, not hashing. PUTs carry an `x-amz-checksum-crc32`
 * header as SDK clients send a CRC32 by default; one more row shows a PUT without one, for which
 * the server computes its default CRC64NVME. The report also gives the one-core speed of MD5 (the
 * SSE-S3 ETag) and CRC64NVME: a PUT computes them on the request's thread, so they bound it too.
 */

export interface SseBenchOptions {
  /** Base URL of a running Coffer (on loopback: SSE-C over plain HTTP is allowed there). */
  cofferUrl: string;
  /** Credentials of Coffer's account root. */
  accessKeyId: string;
  secretAccessKey: string;
  /** A directory on the disk Coffer writes to (its data dir): the disk limit is measured there. */
  diskDir: string;
  region?: string;
  /** Body size (default 64 MiB). */
  sizeMiB?: number;
  /** PUTs behind the KMS-calls figure (default 1,000). */
  kmsCountPuts?: number;
  /** Transfers in flight at once (default 1 and 8). */
  concurrencies?: number[];
}

export interface SseBenchLimits {
  aesGcmMBps: number;
  /** Not limits of the machine but of the work a PUT must do: the ETag's MD5 and the default CRC64NVME, on one core. */
  md5MBps: number;
  crc64nvmeMBps: number;
  diskWriteFsyncMBps: number;
  loopbackPutMBps: number;
  loopbackGetMBps: number;
  lowestMBps: number;
}

export interface SseBenchRow {
  scenario: string;
  concurrency: number;
  mbPerSecond: number;
  /** mbPerSecond / limits.lowestMBps. */
  ratio: number;
}

export interface SseBenchReport {
  limits: SseBenchLimits;
  rows: SseBenchRow[];
  /** GenerateDataKey calls the trail shows for `puts` SSE-KMS PUTs (1,000 unless the options say otherwise). */
  kmsCalls: { puts: number; bucketKeysOff: number; bucketKeysOn: number };
}

const MB = 1e6;
const SEGMENT = 64 * 1024;
/** Unmeasured PUT + GET rounds before the first scenario. */
const WARM_UP_ROUNDS = 4;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

async function medianOf3(measure: () => Promise<number>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < 3; i++) out.push(await measure());
  return median(out);
}

/** AES-256-GCM over `body` in 64 KiB segments, a fresh nonce each, on this one thread. */
function aesGcmMBps(body: Buffer): number {
  const key = randomBytes(32);
  const start = performance.now();
  for (let off = 0; off < body.length; off += SEGMENT) {
    const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
    cipher.update(body.subarray(off, off + SEGMENT));
    cipher.final();
    cipher.getAuthTag();
  }
  return body.length / MB / ((performance.now() - start) / 1000);
}

/** One digest a PUT computes, over `body` in 64 KiB updates, as the server computes it. */
function digestMBps(algorithm: 'MD5' | 'CRC64NVME', body: Buffer): number {
  const start = performance.now();
  if (algorithm === 'MD5') {
    const md5 = createHash('md5');
    for (let off = 0; off < body.length; off += SEGMENT) md5.update(body.subarray(off, off + SEGMENT));
    md5.digest();
  } else {
    const crc = createChecksum('CRC64NVME');
    for (let off = 0; off < body.length; off += SEGMENT) crc.update(body.subarray(off, off + SEGMENT));
    crc.digest();
  }
  return body.length / MB / ((performance.now() - start) / 1000);
}

async function diskMBps(dir: string, body: Buffer): Promise<number> {
  const file = join(dir, `.sse-bench-${randomBytes(6).toString('hex')}`);
  const start = performance.now();
  const fh = await open(file, 'w', 0o600);
  try {
    for (let off = 0; off < body.length; off += 1024 * 1024) await fh.write(body, off, Math.min(1024 * 1024, body.length - off));
    await fh.sync();
  } finally {
    await fh.close();
  }
  const mbps = body.length / MB / ((performance.now() - start) / 1000);
  await rm(file, { force: true });
  return mbps;
}

/** A Node server in its own process that drains PUT bodies and answers GETs with `size` bytes. */
const STREAM_SERVER = `
const http = require('node:http');
const size = Number(process.argv[1]);
const chunk = Buffer.alloc(1024 * 1024, 7);
const server = http.createServer((req, res) => {
  if (req.method === 'PUT') { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-length': '0' }); res.end(); }); return; }
  res.writeHead(200, { 'content-length': String(size) });
  let left = size;
  const pump = () => { while (left > 0) { const n = Math.min(left, chunk.length); left -= n; if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return res.once('drain', pump); } res.end(); };
  pump();
});
server.listen(0, '127.0.0.1', () => process.stdout.write('stream listening on http://127.0.0.1:' + server.address().port + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

async function startStreamServer(size: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-e', STREAM_SERVER, String(size)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /stream listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`stream server exited with ${code}`)));
  });
  return { child, url };
}

interface Transfer { method: 'PUT' | 'GET'; url: string; headers: Record<string, string>; body?: Buffer }

/** One request; resolves with the MB/s of its body (sent or received). Fails on any status >= 300. */
function transfer(agent: Agent, t: Transfer, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(t.url, { method: t.method, headers: t.headers, agent }, (res) => {
      let received = 0;
      let text = '';
      res.on('data', (d: Buffer) => {
        received += d.length;
        if ((res.statusCode ?? 0) >= 300) text += d.toString();
      });
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 300) return reject(new Error(`${t.method} ${t.url}: ${res.statusCode} ${text}`));
        if (t.method === 'GET' && received !== size) return reject(new Error(`GET returned ${received} bytes, not ${size}`));
        resolve(size / MB / ((performance.now() - start) / 1000));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(t.body);
  });
}

/** The SSE modes measured, as request headers (SSE-C: on GET too). */
function modes(kmsKeyArn: string): Array<{ name: string; bucket: string; put: Record<string, string>; get: Record<string, string> }> {
  const customer = randomBytes(32);
  const sseC = {
    'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    'x-amz-server-side-encryption-customer-key': customer.toString('base64'),
    'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(customer).digest('base64'),
  };
  const kms = { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': kmsKeyArn };
  return [
    { name: 'SSE-S3', bucket: 'bench-sse', put: {}, get: {} },
    { name: 'SSE-KMS, no bucket key', bucket: 'bench-sse', put: { ...kms, 'x-amz-server-side-encryption-bucket-key-enabled': 'false' }, get: {} },
    { name: 'SSE-KMS, bucket key', bucket: 'bench-sse', put: { ...kms, 'x-amz-server-side-encryption-bucket-key-enabled': 'true' }, get: {} },
    { name: 'SSE-C', bucket: 'bench-sse', put: sseC, get: sseC },
  ];
}

/** Signs a request for Coffer's S3 with UNSIGNED-PAYLOAD (the body is streamed, not hashed). */
async function signed(signer: SignatureV4, base: string, method: 'PUT' | 'GET', path: string, headers: Record<string, string>, size?: number): Promise<Record<string, string>> {
  const url = new URL(base);
  const req = await signer.sign(new HttpRequest({
    method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path,
    headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...(size !== undefined ? { 'content-length': String(size) } : {}), ...headers },
  }));
  return req.headers as Record<string, string>;
}

/** GenerateDataKey events S3 made for objects of `bucket` (the context names the bucket or an object in it). */
async function generateDataKeyCalls(trail: CloudTrailClient, bucket: string): Promise<number> {
  let count = 0;
  let NextToken: string | undefined;
  do {
    const page = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GenerateDataKey' }], NextToken, MaxResults: 50 }));
    for (const e of page.Events ?? []) {
      const arn = (JSON.parse(e.CloudTrailEvent!) as { requestParameters?: { encryptionContext?: Record<string, string> } }).requestParameters?.encryptionContext?.['aws:s3:arn'] ?? '';
      if (arn === `arn:aws:s3:::${bucket}` || arn.startsWith(`arn:aws:s3:::${bucket}/`)) count++;
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return count;
}

/** Runs the SSE scenarios against a running Coffer; the caller starts it and writes the report. */
export async function sseScenarios(o: SseBenchOptions): Promise<SseBenchReport> {
  const region = o.region ?? 'us-east-1';
  const size = (o.sizeMiB ?? 64) * 1024 * 1024;
  const puts = o.kmsCountPuts ?? 1000;
  const credentials = { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey };
  const common = { endpoint: o.cofferUrl, region, credentials };
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const kms = new KMSClient(common);
  const trail = new CloudTrailClient(common);
  const signer = new SignatureV4({ service: 's3', region, sha256: Sha256, credentials });
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const body = randomBytes(size);
  const stream = await startStreamServer(size);
  try {
    const limits = {
      aesGcmMBps: median([aesGcmMBps(body), aesGcmMBps(body), aesGcmMBps(body)]),
      md5MBps: median([digestMBps('MD5', body), digestMBps('MD5', body), digestMBps('MD5', body)]),
      crc64nvmeMBps: median([digestMBps('CRC64NVME', body), digestMBps('CRC64NVME', body), digestMBps('CRC64NVME', body)]),
      diskWriteFsyncMBps: await medianOf3(() => diskMBps(o.diskDir, body)),
      loopbackPutMBps: await medianOf3(() => transfer(agent, { method: 'PUT', url: `${stream.url}/sink`, headers: { 'content-length': String(size) }, body }, size)),
      loopbackGetMBps: await medianOf3(() => transfer(agent, { method: 'GET', url: `${stream.url}/source`, headers: {} }, size)),
    };
    const lowestMBps = Math.min(limits.aesGcmMBps, limits.diskWriteFsyncMBps, limits.loopbackPutMBps, limits.loopbackGetMBps);

    const keyArn = (await kms.send(new CreateKeyCommand({ Description: 'bench sse' }))).KeyMetadata!.Arn!;
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-sse' }));
    // SSE-C is blocked on new buckets, as in AWS: the bench bucket allows it.
    await s3.send(new PutBucketEncryptionCommand({ Bucket: 'bench-sse', ServerSideEncryptionConfiguration: { Rules: [{ BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }] } }));
    // PUTs carry a CRC32 checksum header, as the SDKs send one by default; the server then computes
    // CRC32 instead of its own default CRC64NVME (see the row without one).
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32BE(crc32(body) >>> 0);
    const crcHeader = { 'x-amz-checksum-crc32': checksum.toString('base64') };
    const mib = size / 1024 / 1024;
    const rows: SseBenchRow[] = [];
    const row = (scenario: string, mbPerSecond: number, concurrency = 1) => rows.push({ scenario, concurrency, mbPerSecond, ratio: mbPerSecond / lowestMBps });
    const putMBps = (path: string, headers: Record<string, string>) =>
      medianOf3(async () => transfer(agent, { method: 'PUT', url: o.cofferUrl + path, headers: await signed(signer, o.cofferUrl, 'PUT', path, headers, size), body }, size));
    // `c` transfers at once (object i of each), MB/s summed: the whole batch's bytes over its time.
    const parallelMBps = (c: number, method: 'PUT' | 'GET', path: (i: number) => string, headers: Record<string, string>) => medianOf3(async () => {
      const requests = await Promise.all(Array.from({ length: c }, async (_, i) => ({
        method, url: o.cofferUrl + path(i), headers: await signed(signer, o.cofferUrl, method, path(i), headers, method === 'PUT' ? size : undefined), body: method === 'PUT' ? body : undefined,
      })));
      const start = performance.now();
      await Promise.all(requests.map((t) => transfer(agent, t, size)));
      return (c * size) / MB / ((performance.now() - start) / 1000);
    });
    // Unmeasured rounds first, so the first scenario doesn't pay for the server's warm-up: a
    // server's large-body path reaches its speed only after a few such transfers (six 64 MiB GETs
    // in a row on a fresh server ran at 350, 353, 511, 595, 584 and 600 MB/s).
    for (let round = 0; round < WARM_UP_ROUNDS; round++) {
      await transfer(agent, { method: 'PUT', url: `${o.cofferUrl}/bench-sse/warm-up`, headers: await signed(signer, o.cofferUrl, 'PUT', '/bench-sse/warm-up', crcHeader, size), body }, size);
      await transfer(agent, { method: 'GET', url: `${o.cofferUrl}/bench-sse/warm-up`, headers: await signed(signer, o.cofferUrl, 'GET', '/bench-sse/warm-up', {}) }, size);
    }
    for (const concurrency of o.concurrencies ?? [1, 8]) {
      for (const [m, mode] of modes(keyArn).entries()) {
        const path = (i: number) => `/${mode.bucket}/object-${m}-${i}`;
        row(`S3 PUT ${mib} MiB, ${mode.name}`, await parallelMBps(concurrency, 'PUT', path, { ...mode.put, ...crcHeader }), concurrency);
        row(`S3 GET ${mib} MiB, ${mode.name}`, await parallelMBps(concurrency, 'GET', path, mode.get), concurrency);
      }
    }
    row(`S3 PUT ${mib} MiB, SSE-S3, no client checksum (server computes CRC64NVME)`, await putMBps('/bench-sse/no-checksum', {}));

    const kmsCalls: Record<string, number> = {};
    for (const [bucket, bucketKey] of [['bench-bk-off', false], ['bench-bk-on', true]] as const) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutBucketEncryptionCommand({
        Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn }, BucketKeyEnabled: bucketKey }] },
      }));
      const small = Buffer.from('bench');
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < puts) {
          const path = `/${bucket}/o${next++}`;
          await transfer(agent, { method: 'PUT', url: o.cofferUrl + path, headers: await signed(signer, o.cofferUrl, 'PUT', path, {}, small.length), body: small }, small.length);
        }
      }));
      kmsCalls[bucket] = await generateDataKeyCalls(trail, bucket);
    }
    return {
      limits: { ...limits, lowestMBps },
      rows,
      kmsCalls: { puts, bucketKeysOff: kmsCalls['bench-bk-off']!, bucketKeysOn: kmsCalls['bench-bk-on']! },
    };
  } finally {
    stream.child.kill('SIGTERM');
    agent.destroy();
    s3.destroy();
    kms.destroy();
    trail.destroy();
  }
}

/** The report's Markdown lines for these scenarios (bench/run.ts appends them). */
export function sseReportLines(r: SseBenchReport): string[] {
  const f = (n: number) => n.toFixed(0);
  return [
    '', '## S3 server-side encryption', '',
    `Limits measured in this run: AES-256-GCM (one core, 64 KiB segments) ${f(r.limits.aesGcmMBps)} MB/s; disk write + fsync ${f(r.limits.diskWriteFsyncMBps)} MB/s; ` +
      `loopback HTTP PUT ${f(r.limits.loopbackPutMBps)} MB/s, GET ${f(r.limits.loopbackGetMBps)} MB/s. Ratios are to the lowest, ${f(r.limits.lowestMBps)} MB/s (target >= 60%). ` +
      `What every PUT also computes on one core: MD5 (the SSE-S3 ETag) ${f(r.limits.md5MBps)} MB/s, CRC64NVME (the default checksum) ${f(r.limits.crc64nvmeMBps)} MB/s.`, '',
    '| scenario | conc. | MB/s | ratio to lowest limit |', '| --- | --- | --- | --- |',
    ...r.rows.map((row) => `| ${row.scenario} | ${row.concurrency} | ${f(row.mbPerSecond)} | ${(row.ratio * 100).toFixed(0)}% |`),
    '',
    `KMS GenerateDataKey calls for ${r.kmsCalls.puts} SSE-KMS PUTs (16 at a time): ${r.kmsCalls.bucketKeysOff} without bucket keys, ${r.kmsCalls.bucketKeysOn} with.`,
  ];
}
