/**
 * `coffer trail validate`: checks a trail's delivered log files and digests (src/trail/validate.ts)
 * through the CloudTrail and S3 APIs, as `aws cloudtrail validate-logs` does, with its options and
 * its report: one line per invalid file on stderr (and per valid file with --verbose), then the
 * counts. Credentials and Region come from the usual AWS environment (AWS_ACCESS_KEY_ID, ...).
 */
import { CloudTrailClient, DescribeTrailsCommand, ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { validateTrailLogs, type ValidationObjects, type ValidationResult } from '../trail/validate.js';

/** Exit codes: 0 every file valid, 1 an invalid or missing file, 2 could not validate. */
const INVALID = 1;
const CANNOT = 2;

interface Options {
  trailArn: string;
  startTime: string;
  endTime?: string;
  s3Bucket?: string;
  s3Prefix?: string;
  endpointUrl?: string;
  verbose?: boolean;
}

function time(value: string, name: string): Date {
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) throw new Error(`${name} is not a date: ${value}`);
  return t;
}

/** The bucket through the S3 API: ListObjectsV2 pages, GetObject with its metadata. */
function s3Objects(s3: S3Client): ValidationObjects {
  return {
    async list(bucket, prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((c) => c.Key!));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    async get(bucket, key) {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return { body: Buffer.from(await out.Body!.transformToByteArray()), metadata: out.Metadata ?? {} };
      } catch (err) {
        if (err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404)) return undefined;
        throw err;
      }
    },
  };
}

/** awscli's display format: seconds, no fraction. */
function display(t: Date | string): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function line(r: ValidationResult): string {
  return `${r.kind}\ts3://${r.bucket}/${r.key}\t${r.invalid ? `INVALID: ${r.invalid}` : 'valid'}\n`;
}

function counts(results: ValidationResult[], kind: ValidationResult['kind'], noun: string): string {
  const all = results.filter((r) => r.kind === kind);
  const bad = all.filter((r) => r.invalid).length;
  const good = `${all.length - bad}/${all.length} ${noun} valid`;
  return bad > 0 ? `${good}, ${bad}/${all.length} ${noun} INVALID\n` : `${good}\n`;
}

async function validate(opts: Options): Promise<number> {
  const arn = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/.exec(opts.trailArn);
  if (!arn) throw new Error(`not a trail ARN: ${opts.trailArn}`);
  const [, region, accountId] = arn as unknown as [string, string, string];
  const start = time(opts.startTime, '--start-time');
  const end = opts.endTime ? time(opts.endTime, '--end-time') : new Date();
  const config = { region, ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}) };
  const cloudtrail = new CloudTrailClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  try {
    let bucket = opts.s3Bucket;
    let prefix = opts.s3Prefix;
    if (!bucket) {
      const trail = (await cloudtrail.send(new DescribeTrailsCommand({ trailNameList: [opts.trailArn] }))).trailList?.[0];
      if (!trail?.S3BucketName) throw new Error(`trail ${opts.trailArn} not found`);
      bucket = trail.S3BucketName;
      prefix ??= trail.S3KeyPrefix;
    }
    const publicKeys = new Map<string, Buffer>();
    let token: string | undefined;
    do {
      const page = await cloudtrail.send(new ListPublicKeysCommand({ StartTime: start, EndTime: end, NextToken: token }));
      for (const k of page.PublicKeyList ?? []) if (k.Fingerprint && k.Value) publicKeys.set(k.Fingerprint, Buffer.from(k.Value));
      token = page.NextToken;
    } while (token);

    const range = `${display(start)} and ${display(end)}`;
    process.stdout.write(`Validating log files for trail ${opts.trailArn} between ${range}\n\n`);
    const report = await validateTrailLogs(s3Objects(s3), { accountId, bucket, prefix: prefix || undefined, start, end, publicKeys });
    for (const r of report.results) {
      if (r.invalid) process.stderr.write(line(r));
      else if (opts.verbose) process.stdout.write(line(r));
    }
    process.stdout.write(`\nResults requested for ${display(start)} to ${display(end)}\n`);
    if (!report.found) {
      process.stdout.write('No digests found\n');
      return 0;
    }
    process.stdout.write(`Results found for ${display(report.found.start)} to ${display(report.found.end)}:\n\n`);
    process.stdout.write(counts(report.results, 'Digest file', 'digest files'));
    process.stdout.write(counts(report.results, 'Log file', 'log files'));
    return report.results.some((r) => r.invalid) ? INVALID : 0;
  } finally {
    cloudtrail.destroy();
    s3.destroy();
  }
}

export function registerValidateCommand(trail: Command): void {
  trail
    .command('validate')
    .description("check a trail's delivered log files and signed digests (as aws cloudtrail validate-logs)")
    .requiredOption('--trail-arn <arn>', 'the trail whose files to check')
    .requiredOption('--start-time <time>', 'check digests delivered from this time on')
    .option('--end-time <time>', 'and up to this time (default: now)')
    .option('--s3-bucket <bucket>', "the bucket holding the files (default: the trail's)")
    .option('--s3-prefix <prefix>', "their key prefix (default: the trail's)")
    .option('--endpoint-url <url>', 'the Coffer endpoint (for both CloudTrail and S3; default AWS_ENDPOINT_URL)')
    .option('--verbose', 'also list every valid file')
    .action(async (opts: Options) => {
      try {
        process.exitCode = await validate(opts);
      } catch (err) {
        process.stderr.write(`coffer: cannot validate the trail's logs: ${(err as Error).message}\n`);
        process.exitCode = CANNOT;
      }
    });
}
