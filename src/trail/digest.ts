/**
 * CloudTrail log and digest files, in AWS's layout and format.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html
 *
 * A digest lists the log files delivered for one trail and Region during [digestStartTime,
 * digestEndTime), each with the SHA-256 of its uncompressed content, and links to the previous
 * digest by bucket, key, SHA-256 and signature. It is signed SHA256withRSA (RSA PKCS#1 v1.5) over
 *
 * ```
 * digestEndTime \n digestS3Bucket/digestS3Object \n hex SHA-256 of the uncompressed digest \n previous signature or "null"
 * ```
 *
 * and the hex signature travels in the object's metadata (`x-amz-meta-signature`, with
 * `x-amz-meta-signature-algorithm: SHA256withRSA`), never in the file: exactly what
 * `aws cloudtrail validate-logs` (awscli customizations/cloudtrail/validation.py) checks.
 */
import { createHash, randomInt, sign, verify, type KeyObject } from 'node:crypto';
import { trailTime } from './identity.js';

export const SIGNATURE_ALGORITHM = 'SHA256withRSA';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function withPrefix(prefix: string | null | undefined, key: string): string {
  return prefix ? `${prefix}/${key}` : key;
}

/** `2024/05/20`: the date folders of both layouts. */
function datePath(time: Date): string {
  return time.toISOString().slice(0, 10).replace(/-/g, '/');
}

/** `20240520T1746Z` (log files) or `20240520T174612Z` (digests). */
function compact(time: Date, seconds: boolean): string {
  const iso = time.toISOString();
  return iso.slice(0, 10).replace(/-/g, '') + 'T' + iso.slice(11, seconds ? 19 : 16).replace(/:/g, '') + 'Z';
}

/** `<prefix>/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 chars>.json.gz`. */
export function logFileKey(prefix: string | null | undefined, accountId: string, region: string, time: Date): string {
  let id = '';
  for (let i = 0; i < 16; i++) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return withPrefix(prefix, `AWSLogs/${accountId}/CloudTrail/${region}/${datePath(time)}/${accountId}_CloudTrail_${region}_${compact(time, false)}_${id}.json.gz`);
}

/** `<prefix>/AWSLogs/<acct>/CloudTrail-Digest/<region>/YYYY/MM/DD/<acct>_CloudTrail-Digest_<region>_<trail>_<home region>_<YYYYMMDDTHHmmssZ>.json.gz`. */
export function digestFileKey(prefix: string | null | undefined, accountId: string, region: string, trailName: string, homeRegion: string, end: Date): string {
  return withPrefix(prefix, `AWSLogs/${accountId}/CloudTrail-Digest/${region}/${datePath(end)}/${accountId}_CloudTrail-Digest_${region}_${trailName}_${homeRegion}_${compact(end, true)}.json.gz`);
}

/** A log file body: the events' stored JSON, byte for byte, in a `Records` array. */
export function logFileBody(eventJsons: string[]): Buffer {
  return Buffer.from(`{"Records":[${eventJsons.join(',')}]}`, 'utf8');
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface DigestLogFile {
  s3Bucket: string;
  s3Object: string;
  /** Hex SHA-256 of the uncompressed log file. */
  hashValue: string;
  newestEventTime: Date;
  oldestEventTime: Date;
}

export interface PreviousDigest {
  bucket: string;
  key: string;
  /** Hex SHA-256 of the previous digest, uncompressed. */
  sha256: string;
  signature: string;
}

export interface DigestContent {
  accountId: string;
  bucket: string;
  key: string;
  start: Date;
  end: Date;
  fingerprint: string;
  logFiles: DigestLogFile[];
  previous?: PreviousDigest;
}

/** The digest JSON (uncompressed), fields in AWS's order. */
export function digestBody(d: DigestContent): Buffer {
  const times = d.logFiles.flatMap((f) => [f.oldestEventTime.getTime(), f.newestEventTime.getTime()]);
  const json = {
    awsAccountId: d.accountId,
    digestStartTime: trailTime(d.start),
    digestEndTime: trailTime(d.end),
    digestS3Bucket: d.bucket,
    digestS3Object: d.key,
    digestPublicKeyFingerprint: d.fingerprint,
    digestSignatureAlgorithm: SIGNATURE_ALGORITHM,
    newestEventTime: times.length ? trailTime(new Date(Math.max(...times))) : null,
    oldestEventTime: times.length ? trailTime(new Date(Math.min(...times))) : null,
    previousDigestS3Bucket: d.previous?.bucket ?? null,
    previousDigestS3Object: d.previous?.key ?? null,
    previousDigestHashValue: d.previous?.sha256 ?? null,
    previousDigestHashAlgorithm: d.previous ? 'SHA-256' : null,
    previousDigestSignature: d.previous?.signature ?? null,
    logFiles: d.logFiles.map((f) => ({
      s3Bucket: f.s3Bucket, s3Object: f.s3Object, hashValue: f.hashValue, hashAlgorithm: 'SHA-256',
      newestEventTime: trailTime(f.newestEventTime), oldestEventTime: trailTime(f.oldestEventTime),
    })),
  };
  return Buffer.from(JSON.stringify(json), 'utf8');
}

/** The exact string AWS signs (see the module comment). */
export function digestStringToSign(endTime: string, bucket: string, key: string, digestSha256: string, previousSignature: string | null): string {
  return `${endTime}\n${bucket}/${key}\n${digestSha256}\n${previousSignature ?? 'null'}`;
}

/** SHA256withRSA (PKCS#1 v1.5), hex. */
export function signDigest(privateKey: KeyObject, stringToSign: string): string {
  return sign('sha256', Buffer.from(stringToSign, 'utf8'), privateKey).toString('hex');
}

/** Checks a digest signature against a DER PKCS#1 public key. */
export function verifyDigest(publicDer: Buffer, stringToSign: string, signatureHex: string): boolean {
  if (!/^(?:[0-9a-f]{2})+$/i.test(signatureHex)) return false;
  return verify('sha256', Buffer.from(stringToSign, 'utf8'), { key: publicDer, format: 'der', type: 'pkcs1' }, Buffer.from(signatureHex, 'hex'));
}
