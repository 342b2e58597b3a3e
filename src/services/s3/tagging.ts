/**
 * Tag sets of buckets and objects: the `x-amz-tagging` header and `<Tagging>` bodies, checked as
 * S3 checks them (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html).
 */
import { AwsError } from '../../errors.js';
import type { Tag } from '../../generated/s3/shapes.js';
import { invalidArgument, invalidTag } from './errors.js';

/** Letters, digits, whitespace and `+ - = . _ : / @`, in any script (AWS's tag character set). */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const LIMITS = { object: 10, bucket: 50 } as const;

/** Checks a tag set for a bucket or an object; throws S3's InvalidTag / BadRequest. */
export function checkTags(tags: Tag[], kind: 'object' | 'bucket'): void {
  if (tags.length > LIMITS[kind]) {
    if (kind === 'object') throw new AwsError('BadRequest', 'Object tags cannot be greater than 10', { status: 400 });
    throw invalidTag('Bucket tag count cannot be greater than 50');
  }
  const seen = new Set<string>();
  for (const { Key: key, Value: value } of tags) {
    if (key.startsWith('aws:')) {
      throw invalidTag(kind === 'object' ? 'Your TagKey cannot be prefixed with aws:' : 'System tags cannot be added/updated by requester', { TagKey: key });
    }
    if (key.length < 1 || key.length > 128 || !TAG_CHARS.test(key)) throw invalidTag('The TagKey you have provided is invalid', { TagKey: key });
    if (value.length > 256 || !TAG_CHARS.test(value)) throw invalidTag('The TagValue you have provided is invalid', { TagKey: key, TagValue: value });
    if (seen.has(key)) throw invalidTag('Cannot provide multiple Tags with the same key', { TagKey: key });
    seen.add(key);
  }
}

/** `k1=v1&k2=v2` (URL-encoded) -> tags; S3's InvalidArgument for duplicate names. */
export function parseTaggingHeader(header: string): Tag[] {
  const tags: Tag[] = [];
  const seen = new Set<string>();
  const params = new URLSearchParams(header);
  for (const [key, value] of params) {
    if (seen.has(key)) {
      throw invalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.", 'x-amz-tagging', header);
    }
    seen.add(key);
    tags.push({ Key: key, Value: value });
  }
  checkTags(tags, 'object');
  return tags;
}
