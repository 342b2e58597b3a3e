import { spawn, type ChildProcess } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Sha256 } from '@aws-crypto/sha256-js';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutBucketEncryptionCommand, S3Client } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createChecksum } from '../src/auth/checksums.js';
import { median } from './load.js';

/**
 * S3 server-side encryption throughput: 64 MiB PUTs and GETs under SSE-S3, SSE-KMS without and with
 * bucket keys, and SSE-C, at concurrency 1 and 8 (8 objects at once, MB/s summed over them), each
 * in MB/s and as a ratio to the lowest of the limits measured in the
 * same run on the same machine (node:crypto AES-256-GCM on one core in 64 KiB segments, as bodies
 * are sealed; a 64 MiB disk write + fsync next to Coffer's data; 64 MiB streamed over loopback HTTP
 * to and from a trivial Node server in its own process). Also: KMS GenerateDataKey calls for 1,000
 * PUTs with bucket keys off and on, counted from the trail. The issue's target: SSE GET and PUT of
 * 64 MiB at >= 60% of the lowest limit.
 *
 * Requests are signed with UNSIGNED-PAYLOAD and bodies are streamed from one preallocated buffer,
 * so the load generator's own work is the transfer, not hashing. PUTs carry an `x-amz-checksum-crc32`
 * header as SDK clients send a CRC32 by default; one more row shows a PUT without one, for which
 * the server computes its default CRC64NVME. The report also gives the one-core speed of MD5 (the
 * SSE-S3 ETag) and CRC64NVME: a PUT computes them on the request's thread, so they bound it too.
 *
 * The limits are each one piece of a PUT alone; a PUT does them all at once, on the same cores as
 * the load generator. The report therefore also gives the PUT's CPU ceiling (PutCeiling): what
 * the machine's cores could carry if they did nothing but the work a PUT cannot skip.
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

/**
 * The most MB/s this machine's cores could give a PUT if they did nothing but the work it cannot
 * skip, all of it in perfect parallel: the CPU time each piece costs per MB, measured here, summed,
 * and divided into the cores. No server reaches it (an HTTP server, its streams and hand-offs
 * between threads cost CPU too), but none on this machine can pass it. The transfer counts both
 * ends of a loopback PUT (the load generator's CPU and the trivial server's); the disk write counts
 * the writing process's CPU only (the kernel's writeback threads are not counted), so the ceiling
 * errs high.
 */
export interface PutCeiling {
  cores: number;
  /** CPU milliseconds per MB of each piece: the checksum is the client's CRC32, or the CRC64NVME the server computes when a PUT sends none. */
  msPerMB: { transfer: number; diskWrite: number; aesGcm: number; crc32: number; crc64nvme: number; md5: number };
}

/** The ceiling in MB/s of a PUT that computes the MD5 or not (an SSE-S3 PUT, whose ETag is its MD5) with `checksum`. */
function ceilingMBps(c: PutCeiling, md5: boolean, checksum: 'CRC32' | 'CRC64NVME'): number {
  const m = c.msPerMB;
  return (c.cores * 1000) / (m.transfer + m.diskWrite + m.aesGcm + (checksum === 'CRC32' ? m.crc32 : m.crc64nvme) + (md5 ? m.md5 : 0));
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
  /** Undefined where /proc is missing (the transfer's CPU is read from the trivial server's /proc entry). */
  putCeiling?: PutCeiling;
  rows: SseBenchRow[];
  /** GenerateDataKey calls the trail shows for `puts` SSE-KMS PUTs (1,000 unless the options say otherwise). */
  kmsCalls: { puts: number; bucketKeysOff: number; bucketKeysOn: number };
}

const MB = 1e6;
const SEGMENT = 64 * 1024;
/** Unmeasured PUT + GET rounds before the first scenario. */
const WARM_UP_ROUNDS = 4;

async function medianOf3(measure: () => Promise<number>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < 3; i++) out.push(await measure());
  return median(out);
}

/** AES-256-GCM over `body` in 64 KiB segments, a fresh nonce each, on this one thread. */
function aesGcm(body: Buffer): void {
  const key = randomBytes(32);
  for (let off = 0; off < body.length; off += SEGMENT) {
    const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
    cipher.update(body.subarray(off, off + SEGMENT));
    cipher.final();
    cipher.getAuthTag();
  }
}

/** One digest a PUT computes, over `body` in 64 KiB updates, as the server computes it. */
function digest(algorithm: 'MD5' | 'CRC32' | 'CRC64NVME', body: Buffer): void {
  const hash = algorithm === 'MD5' ? createHash('md5') : createChecksum(algorithm);
  for (let off = 0; off < body.length; off += SEGMENT) hash.update(body.subarray(off, off + SEGMENT));
  hash.digest();
}

/** One piece of a PUT's work, measured: its speed (a limit) and its CPU cost (for PutCeiling). */
interface Measure {
  mbps: number;
  /** This process's CPU (every thread) per MB. */
  cpuMsPerMB: number;
}

/** `work` over `bytes`, measured. */
async function measure(bytes: number, work: () => unknown): Promise<Measure> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { mbps: bytes / MB / seconds, cpuMsPerMB: (used.user + used.system) / 1000 / (bytes / MB) };
}

/** Three measures, each figure the median of its three. */
async function measureOf3(run: () => Promise<Measure>): Promise<Measure> {
  const runs: Measure[] = [];
  for (let i = 0; i < 3; i++) runs.push(await run());
  return { mbps: median(runs.map((r) => r.mbps)), cpuMsPerMB: median(runs.map((r) => r.cpuMsPerMB)) };
}

/** CPU milliseconds a process has used, from /proc (utime + stime, in ticks of 10 ms). */
async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** `body` written to a new file in `dir` and fsynced, measured; the file is removed after. */
async function diskWrite(dir: string, body: Buffer): Promise<Measure> {
  const file = join(dir, `.sse-bench-${randomBytes(6).toString('hex')}`);
  const written = await measure(body.length, async () => {
    const fh = await open(file, 'w', 0o600);
    try {
      for (let off = 0; off < body.length; off += 1024 * 1024) await fh.write(body, off, Math.min(1024 * 1024, body.length - off));
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
  await rm(file, { force: true });
  return written;
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

/**
 * PutCeiling, from the pieces the limits measured and the two only the ceiling needs: the
 * transfer's CPU at both ends (`put`: a PUT to the trivial server, whose process is `pid`) and the
 * client's CRC32. Undefined where /proc is missing.
 */
async function putCeiling(
  body: Buffer, pid: number, put: () => Promise<unknown>, measured: Pick<PutCeiling['msPerMB'], 'diskWrite' | 'aesGcm' | 'crc64nvme' | 'md5'>,
): Promise<PutCeiling | undefined> {
  if (!(await processCpuMs(pid).then(() => true, () => false))) return undefined;
  // The trivial server's CPU is read in ticks of 10 ms: several transfers a measure keep that small.
  const transfers = 8;
  const transferCpu: number[] = [];
  for (let i = 0; i < 3; i++) {
    const serverBefore = await processCpuMs(pid);
    const clientBefore = process.cpuUsage();
    for (let t = 0; t < transfers; t++) await put();
    const client = process.cpuUsage(clientBefore);
    const serverMs = await processCpuMs(pid) - serverBefore;
    transferCpu.push(((client.user + client.system) / 1000 + serverMs) / (body.length * transfers / MB));
  }
  const crc32 = await measureOf3(() => measure(body.length, () => digest('CRC32', body)));
  return { cores: cpus().length, msPerMB: { ...measured, transfer: median(transferCpu), crc32: crc32.cpuMsPerMB } };
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
    const sinkPut = () => transfer(agent, { method: 'PUT', url: `${stream.url}/sink`, headers: { 'content-length': String(size) }, body }, size);
    const sourceGet = () => transfer(agent, { method: 'GET', url: `${stream.url}/source`, headers: {} }, size);
    // The trivial server warms up as Coffer does (see WARM_UP_ROUNDS below): measured cold, its GETs
    // ran at 1.1-1.5 GB/s and, a few transfers later, at 2-4 GB/s, and a cold limit flatters every ratio.
    for (let round = 0; round < WARM_UP_ROUNDS; round++) {
      await sinkPut();
      await sourceGet();
    }
    const aes = await measureOf3(() => measure(size, () => aesGcm(body)));
    const md5 = await measureOf3(() => measure(size, () => digest('MD5', body)));
    const crc64nvme = await measureOf3(() => measure(size, () => digest('CRC64NVME', body)));
    const disk = await measureOf3(() => diskWrite(o.diskDir, body));
    const limits = {
      aesGcmMBps: aes.mbps,
      md5MBps: md5.mbps,
      crc64nvmeMBps: crc64nvme.mbps,
      diskWriteFsyncMBps: disk.mbps,
      loopbackPutMBps: await medianOf3(sinkPut),
      loopbackGetMBps: await medianOf3(sourceGet),
    };
    const lowestMBps = Math.min(limits.aesGcmMBps, limits.diskWriteFsyncMBps, limits.loopbackPutMBps, limits.loopbackGetMBps);
    const ceiling = await putCeiling(body, stream.child.pid!, sinkPut, {
      diskWrite: disk.cpuMsPerMB, aesGcm: aes.cpuMsPerMB, crc64nvme: crc64nvme.cpuMsPerMB, md5: md5.cpuMsPerMB,
    });

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
      putCeiling: ceiling,
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

/** What the PutCeiling says, for the report. */
function ceilingLines(c: PutCeiling | undefined): string[] {
  if (!c) return [];
  const ms = (n: number) => n.toFixed(2);
  const m = c.msPerMB;
  return [
    `The CPU ceiling of a PUT on this machine: the work a PUT cannot skip costs, in CPU ms per MB, ${ms(m.transfer)} to move it over loopback (both ends), ` +
      `${ms(m.diskWrite)} to write it to disk, ${ms(m.aesGcm)} for AES-256-GCM, ${ms(m.crc32)} for the client's CRC32 (${ms(m.crc64nvme)} for the CRC64NVME of a PUT that sends none), ` +
      `and ${ms(m.md5)} more for an SSE-S3 PUT's MD5. Done in perfect parallel on ${c.cores} cores with nothing else, that is at most ` +
      `${ceilingMBps(c, true, 'CRC32').toFixed(0)} MB/s for SSE-S3 and ${ceilingMBps(c, false, 'CRC32').toFixed(0)} MB/s without MD5 (SSE-KMS, SSE-C). The last column is each PUT's MB/s as a share of its ceiling.`,
    '',
  ];
}

/** The report's Markdown lines for these scenarios (bench/run.ts appends them). */
export function sseReportLines(r: SseBenchReport): string[] {
  const f = (n: number) => n.toFixed(0);
  const pct = (ratio: number) => `${(ratio * 100).toFixed(0)}%`;
  const c = r.putCeiling;
  const ofCeiling = (row: SseBenchRow) => {
    if (!c || !row.scenario.startsWith('S3 PUT')) return '';
    return pct(row.mbPerSecond / ceilingMBps(c, row.scenario.includes('SSE-S3'), row.scenario.includes('no client checksum') ? 'CRC64NVME' : 'CRC32'));
  };
  return [
    '', '## S3 server-side encryption', '',
    `Limits measured in this run: AES-256-GCM (one core, 64 KiB segments) ${f(r.limits.aesGcmMBps)} MB/s; disk write + fsync ${f(r.limits.diskWriteFsyncMBps)} MB/s; ` +
      `loopback HTTP PUT ${f(r.limits.loopbackPutMBps)} MB/s, GET ${f(r.limits.loopbackGetMBps)} MB/s. Ratios are to the lowest, ${f(r.limits.lowestMBps)} MB/s (target >= 60%). ` +
      `What every PUT also computes on one core: MD5 (the SSE-S3 ETag) ${f(r.limits.md5MBps)} MB/s, CRC64NVME (the default checksum) ${f(r.limits.crc64nvmeMBps)} MB/s.`, '',
    ...ceilingLines(r.putCeiling),
    `| scenario | conc. | MB/s | ratio to lowest limit |${c ? ' ratio to the PUT\'s CPU ceiling |' : ''}`, `| --- | --- | --- | --- |${c ? ' --- |' : ''}`,
    ...r.rows.map((row) => `| ${row.scenario} | ${row.concurrency} | ${f(row.mbPerSecond)} | ${pct(row.ratio)} |${c ? ` ${ofCeiling(row)} |` : ''}`),
    '',
    `KMS GenerateDataKey calls for ${r.kmsCalls.puts} SSE-KMS PUTs (16 at a time): ${r.kmsCalls.bucketKeysOff} without bucket keys, ${r.kmsCalls.bucketKeysOn} with.`,
  ];
}
