/**
 * Names S3 checks: bucket names (general purpose bucket naming rules,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), object keys
 * (at most 1024 bytes of UTF-8, any characters) and version ids.
 */
import { randomBytes } from 'node:crypto';
import { invalidArgument, invalidBucketName, keyTooLong } from './errors.js';

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Whether `name` is a valid name for a new general purpose bucket. */
export function isValidBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..')) return false;
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return false;
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p))) return false;
  return !RESERVED_SUFFIXES.some((s) => name.endsWith(s));
}

/** Throws InvalidBucketName unless `name` is a valid bucket name. */
export function checkBucketName(name: string): void {
  if (!isValidBucketName(name)) throw invalidBucketName(name);
}

/** Object keys are at most 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

/** Throws KeyTooLongError for a key over 1024 UTF-8 bytes. */
export function checkKey(key: string): void {
  const size = Buffer.byteLength(key, 'utf8');
  if (size > MAX_KEY_BYTES) throw keyTooLong(size);
}

/** The version id of the null version, as S3 spells it on the wire. */
export const NULL_VERSION = 'null';

/** A new version id: 32 URL-safe characters, random (S3's are opaque and unguessable too). */
export function newVersionId(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Throws S3's InvalidArgument for a versionId that no version could have (S3 tells a malformed id
 * from one that is merely absent, which is NoSuchVersion).
 */
export function checkVersionId(versionId: string): void {
  if (versionId !== NULL_VERSION && !/^[A-Za-z0-9_-]{32}$/.test(versionId)) {
    throw invalidArgument('Invalid version id specified', 'versionId', versionId);
  }
}
