/**
 * `coffer trail validate`: checks a trail's delivered log files and digest files the way
 * `aws cloudtrail validate-logs` does (awscli customizations/cloudtrail/validation.py), plus the
 * chain checks the CLI leaves implicit.
 *
 * For every digest whose end time falls in the requested range, in each Region of the trail's
 * `CloudTrail-Digest/` folder, newest first:
 * - it must be gzipped JSON with the required fields, and name its own bucket and key (a copy
 *   moved elsewhere is refused);
 * - its `x-amz-meta-signature` must verify (SHA256withRSA) under the public key whose fingerprint
 *   it names, over AWS's string to sign (digest.ts), which covers the previous digest's signature;
 * - the previous digest it links to must exist (a deleted one is reported `not found`, as awscli
 *   reports it), hash to `previousDigestHashValue` and carry the signature
 *   `previousDigestSignature` names: a swapped digest breaks the chain;
 * - each log file it names must exist and its uncompressed SHA-256 equal `hashValue`.
 *
 * Where the objects come from (S3 through the SDK, or memory in tests) is the caller's business.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-cli.html
 */
import { gunzipSync } from 'node:zlib';
import { digestStringToSign, sha256Hex, verifyDigest } from './digest.js';

/** Read access to the trail's bucket. */
export interface ValidationObjects {
  /** Every key under `prefix`, in any order. */
  list(bucket: string, prefix: string): Promise<string[]>;
  /** The object's bytes and user metadata (without `x-amz-meta-`), or undefined if there is none. */
  get(bucket: string, key: string): Promise<{ body: Buffer; metadata: Record<string, string> } | undefined>;
}

export interface ValidateOptions {
  accountId: string;
  bucket: string;
  /** The trail's S3 key prefix (without the trailing slash), if any. */
  prefix?: string;
  start: Date;
  end: Date;
  /** DER PKCS#1 public keys by fingerprint (ListPublicKeys over the range). */
  publicKeys: Map<string, Buffer>;
}

export interface ValidationResult {
  kind: 'Digest file' | 'Log file';
  bucket: string;
  key: string;
  /** undefined: valid; otherwise why not, in awscli's words where it has some. */
  invalid?: string;
}

export interface ValidationReport {
  results: ValidationResult[];
  /** The oldest digest start and newest digest end actually checked. */
  found?: { start: string; end: string };
}

const REQUIRED = [
  'digestStartTime', 'digestEndTime', 'digestS3Bucket', 'digestS3Object', 'digestPublicKeyFingerprint',
  'digestSignatureAlgorithm', 'previousDigestSignature', 'logFiles',
] as const;

interface Digest {
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  digestSignatureAlgorithm: string;
  previousDigestS3Bucket: string | null;
  previousDigestS3Object: string | null;
  previousDigestHashValue: string | null;
  previousDigestSignature: string | null;
  logFiles: Array<{ s3Bucket: string; s3Object: string; hashValue: string }>;
}

/** `..._20240520T174612Z.json.gz` -> the digest's end time. */
function digestKeyTime(key: string): Date | undefined {
  const m = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:_backfill)?\.json\.gz$/.exec(key);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : undefined;
}

function parseDigest(body: Buffer): Digest | undefined {
  try {
    const d = JSON.parse(gunzipSync(body).toString('utf8')) as Record<string, unknown>;
    if (!d || typeof d !== 'object' || REQUIRED.some((k) => !(k in d)) || !Array.isArray(d.logFiles)) return undefined;
    return d as unknown as Digest;
  } catch {
    return undefined;
  }
}

/** Validates every digest in range and the log files they name. Never throws for a bad object. */
export async function validateTrailLogs(objects: ValidationObjects, o: ValidateOptions): Promise<ValidationReport> {
  const base = `${o.prefix ? `${o.prefix}/` : ''}AWSLogs/${o.accountId}/CloudTrail-Digest/`;
  const keys = (await objects.list(o.bucket, base)).filter((k) => k.endsWith('.json.gz'));
  const byRegion = new Map<string, string[]>();
  for (const key of keys) {
    const region = key.slice(base.length).split('/')[0] ?? '';
    byRegion.set(region, [...(byRegion.get(region) ?? []), key]);
  }
  const results: ValidationResult[] = [];
  let found: ValidationReport['found'];
  for (const region of [...byRegion.keys()].sort()) {
    const inRange = byRegion.get(region)!
      .map((key) => ({ key, time: digestKeyTime(key) }))
      .filter((d): d is { key: string; time: Date } => !!d.time && d.time >= o.start && d.time <= o.end)
      .sort((a, b) => b.time.getTime() - a.time.getTime() || (a.key < b.key ? 1 : -1));
    for (const { key } of inRange) {
      const checked = await checkDigest(objects, o, key, results);
      if (!checked) continue;
      found = {
        start: !found || checked.digestStartTime < found.start ? checked.digestStartTime : found.start,
        end: !found || checked.digestEndTime > found.end ? checked.digestEndTime : found.end,
      };
    }
  }
  return { results, found };
}

/** Checks one digest, its link to the previous one and its log files; returns it when readable. */
async function checkDigest(objects: ValidationObjects, o: ValidateOptions, key: string, results: ValidationResult[]): Promise<Digest | undefined> {
  const report = (invalid?: string) => results.push({ kind: 'Digest file', bucket: o.bucket, key, invalid });
  const object = await objects.get(o.bucket, key);
  if (!object) {
    report('not found');
    return undefined;
  }
  const digest = parseDigest(object.body);
  if (!digest) {
    report('invalid format');
    return undefined;
  }
  if (digest.digestS3Bucket !== o.bucket || digest.digestS3Object !== key) {
    report(`has been moved from its original location s3://${digest.digestS3Bucket}/${digest.digestS3Object}`);
    return digest;
  }
  const publicKey = o.publicKeys.get(digest.digestPublicKeyFingerprint);
  const signature = object.metadata.signature;
  const toSign = digestStringToSign(digest.digestEndTime, o.bucket, key, sha256Hex(gunzipSync(object.body)), digest.previousDigestSignature);
  if (!publicKey) report(`public key not found for fingerprint ${digest.digestPublicKeyFingerprint}`);
  else if (!signature) report('signature verification failed: the object has no x-amz-meta-signature');
  else if (!verifyDigest(publicKey, toSign, signature)) report('signature verification failed');
  else {
    const link = await previousLink(objects, digest);
    report(link === 'missing' ? undefined : link);
    // As awscli reports a missing link of the chain: the absent digest itself, when in range.
    const previousTime = digest.previousDigestS3Object ? digestKeyTime(digest.previousDigestS3Object) : undefined;
    if (link === 'missing' && previousTime && previousTime >= o.start) {
      results.push({ kind: 'Digest file', bucket: digest.previousDigestS3Bucket!, key: digest.previousDigestS3Object!, invalid: 'not found' });
    }
    if (link && link !== 'missing') return digest;
  }
  for (const file of digest.logFiles) {
    const log = await objects.get(file.s3Bucket, file.s3Object);
    let invalid: string | undefined;
    if (!log) invalid = 'not found';
    else {
      let hash: string | undefined;
      try {
        hash = sha256Hex(gunzipSync(log.body));
      } catch {
        invalid = 'invalid format';
      }
      if (hash !== undefined && hash !== file.hashValue) invalid = "hash value doesn't match";
    }
    results.push({ kind: 'Log file', bucket: file.s3Bucket, key: file.s3Object, invalid });
  }
  return digest;
}

/**
 * Why the link to the previous digest is broken ('missing': it is gone), or undefined when it
 * holds (or there is none).
 */
async function previousLink(objects: ValidationObjects, digest: Digest): Promise<string | undefined> {
  if (digest.previousDigestSignature === null || !digest.previousDigestS3Bucket || !digest.previousDigestS3Object) return undefined;
  const where = `s3://${digest.previousDigestS3Bucket}/${digest.previousDigestS3Object}`;
  const previous = await objects.get(digest.previousDigestS3Bucket, digest.previousDigestS3Object);
  if (!previous) return 'missing';
  let hash: string | undefined;
  try {
    hash = sha256Hex(gunzipSync(previous.body));
  } catch {
    return `previous digest file ${where} has an invalid format`;
  }
  if (hash !== digest.previousDigestHashValue || previous.metadata.signature !== digest.previousDigestSignature) {
    return `previous digest file ${where} was replaced: its hash or signature is not the one this digest names`;
  }
  return undefined;
}
