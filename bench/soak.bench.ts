/**
 * Soak: steady mixed load for BENCH_SOAK_SECONDS (default 600) against one Coffer, sampling its
 * resident memory and open file descriptors from /proc every few seconds. The report says whether
 * both stayed flat: after a warm-up (the first fifth), the median of the last third of the samples
 * may exceed the median of the first third by at most max(32 MiB, 10 %) of RSS and 8 descriptors.
 * A leak of a few KiB per request, or one descriptor per upload, fails that within minutes.
 *
 * The mix, per worker and in a loop: S3 PUT (1 KiB - 1 MiB, segmented encryption), GET (whole and
 * ranged), overwrite and DELETE; KMS Encrypt/Decrypt and GenerateDataKey; STS GetCallerIdentity;
 * IAM ListUsers; CloudTrail LookupEvents now and then. Bodies are random, so nothing is cached.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { median } from './load.js';

export interface SoakOptions {
  /** Base URL of a running Coffer and its root's credentials. */
  cofferUrl: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The Coffer process, whose RSS and descriptors are read from /proc/<pid>. */
  pid: number;
  /** Default: BENCH_SOAK_SECONDS, else 600. */
  seconds?: number;
  /** Concurrent clients (default 16). */
  concurrency?: number;
  /** Seconds between samples (default 5). */
  sampleSeconds?: number;
  region?: string;
}

export interface SoakSample {
  /** Seconds since the start. */
  t: number;
  rssMiB: number;
  fds: number;
  /** Operations completed so far. */
  ops: number;
}

export interface SoakReport {
  scenario: string;
  seconds: number;
  ops: number;
  opsPerSecond: number;
  errors: number;
  samples: SoakSample[];
  /** Median of the last third minus median of the first third, after the warm-up. */
  rssGrowthMiB: number;
  fdGrowth: number;
  flat: boolean;
}

async function sample(pid: number): Promise<{ rssMiB: number; fds: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { rssMiB: rssKiB / 1024, fds: (await readdir(`/proc/${pid}/fd`)).length };
}

/** Runs the soak and judges flatness; the caller starts Coffer (and passes its pid) and writes the report. */
export async function soakScenario(o: SoakOptions): Promise<SoakReport> {
  const seconds = o.seconds ?? Number(process.env.BENCH_SOAK_SECONDS ?? 600);
  const concurrency = o.concurrency ?? 16;
  const region = o.region ?? 'us-east-1';
  const common = { endpoint: o.cofferUrl, region, credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey }, maxAttempts: 1 };
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const kms = new KMSClient(common);
  const sts = new STSClient(common);
  const iam = new IAMClient(common);
  const trail = new CloudTrailClient(common);
  const bucket = `soak-${randomBytes(4).toString('hex')}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const keyId = (await kms.send(new CreateKeyCommand({ Description: 'soak' }))).KeyMetadata!.KeyId!;

  let ops = 0;
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const step = async (w: number, i: number) => {
    const key = `w${w}/k${i % 50}`;
    switch (i % 8) {
      case 0:
      case 1: {
        const size = randomInt(2) ? randomInt(1024, 8192) : randomInt(64 * 1024, 1024 * 1024);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: randomBytes(size) }));
        break;
      }
      case 2: {
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `w${w}/k${(i - 1) % 50}` }));
        await got.Body!.transformToByteArray();
        break;
      }
      case 3: {
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `w${w}/k${(i - 2) % 50}`, Range: 'bytes=100-70000' }));
        await got.Body!.transformToByteArray();
        break;
      }
      case 4: {
        const blob = (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: randomBytes(256) }))).CiphertextBlob!;
        await kms.send(new DecryptCommand({ CiphertextBlob: blob }));
        break;
      }
      case 5:
        await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
        await sts.send(new GetCallerIdentityCommand({}));
        break;
      case 6:
        await iam.send(new ListUsersCommand({}));
        if (i % 80 === 6) await trail.send(new LookupEventsCommand({ MaxResults: 50 }));
        break;
      default:
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `w${w}/k${(i + 25) % 50}` }));
    }
  };
  const worker = async (w: number) => {
    for (let i = 0; performance.now() < deadline; i++) {
      try {
        await step(w, i);
      } catch (err) {
        // A GET of a key the same worker's DELETE step just removed is the mix, not a failure.
        if ((err as Error).name !== 'NoSuchKey') errors++;
      }
      ops++;
    }
  };

  const started = performance.now();
  const samples: SoakSample[] = [];
  const take = async () => samples.push({ t: (performance.now() - started) / 1000, ops, ...(await sample(o.pid)) });
  await take();
  const sampler = setInterval(() => void take(), (o.sampleSeconds ?? 5) * 1000);
  try {
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  } finally {
    clearInterval(sampler);
    for (const c of [s3, kms, sts, iam, trail]) c.destroy();
  }
  await take();

  const settled = samples.filter((s) => s.t >= seconds / 5);
  const third = Math.max(1, Math.floor(settled.length / 3));
  const first = settled.slice(0, third);
  const last = settled.slice(-third);
  const rssGrowthMiB = median(last.map((s) => s.rssMiB)) - median(first.map((s) => s.rssMiB));
  const fdGrowth = median(last.map((s) => s.fds)) - median(first.map((s) => s.fds));
  const baseline = median(first.map((s) => s.rssMiB));
  const elapsed = (performance.now() - started) / 1000;
  return {
    scenario: `Soak: ${concurrency} clients of mixed S3/KMS/STS/IAM/CloudTrail load for ${seconds} s`,
    seconds: elapsed, ops, opsPerSecond: ops / elapsed, errors, samples,
    rssGrowthMiB, fdGrowth,
    flat: settled.length >= 3 && rssGrowthMiB <= Math.max(32, baseline * 0.1) && fdGrowth <= 8,
  };
}

/** The report's lines for the soak (markdown), as the other scenarios' are written. */
export function soakReportLines(r: SoakReport): string[] {
  const rss = r.samples.map((s) => s.rssMiB);
  const fds = r.samples.map((s) => s.fds);
  return [
    `### ${r.scenario}`,
    '',
    `${r.ops} operations (${r.opsPerSecond.toFixed(0)}/s), ${r.errors} errors. RSS ${Math.min(...rss).toFixed(0)}-${Math.max(...rss).toFixed(0)} MiB, ` +
      `growth after warm-up ${r.rssGrowthMiB.toFixed(1)} MiB; descriptors ${Math.min(...fds)}-${Math.max(...fds)}, growth ${r.fdGrowth}. ` +
      `**${r.flat ? 'Flat' : 'NOT flat'}**.`,
    '',
  ];
}

/** The Coffer the soak loads: bench/run.ts's started server (its `child` gives the pid to sample). */
export interface SoakTarget {
  child: { pid?: number };
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The soak as bench/run.ts runs a scenario: against `c` (a Coffer it started), for BENCH_SOAK_SECONDS
 * (default 600) unless `options.seconds` says otherwise. Resolves to the report (for the JSON
 * results) and its markdown lines (for the .md). Ten minutes by default: wire it behind an
 * explicit BENCH_ONLY=soak rather than into the default run.
 */
export async function soakBench(c: SoakTarget, options: Pick<SoakOptions, 'seconds' | 'concurrency' | 'sampleSeconds'> = {}): Promise<{ report: SoakReport; lines: string[] }> {
  if (c.child.pid === undefined) throw new Error('the soak needs the Coffer process id (its child process has exited?)');
  const report = await soakScenario({ ...options, cofferUrl: c.url, accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, pid: c.child.pid });
  return { report, lines: ['', '## Soak', '', ...soakReportLines(report)] };
}
