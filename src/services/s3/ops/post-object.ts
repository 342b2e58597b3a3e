/**
 * POST Object, a browser upload (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html):
 * a PutObject whose parameters arrive as form fields and whose file is the form's `file` part. The
 * gateway reads the form (server/post-form.ts), authenticates its signed policy
 * (auth/post-policy.ts) and authorizes s3:PutObject on the key as the signer, as for any request;
 * here the policy's expiration and conditions are checked against the form, the file is held to
 * the policy's `content-length-range` as it streams, the object is written exactly as PutObject
 * writes it, and the answer is S3's: 204 (or 200, 201 with a PostResponse document, or a 303 to
 * `success_action_redirect`).
 */
import { Readable } from 'node:stream';
import type { PutObjectOutput, PutObjectRequest, StorageClass } from '../../../generated/s3/shapes.js';
import { parseXml } from '../../../protocols/xml-read.js';
import type { WireResponse } from '../../../protocols/types.js';
import type { RequestContext } from '../../../server/context.js';
import type { PostForm } from '../../../server/post-form.js';
import { missingPostField, type PostPolicyAuth } from '../../../auth/post-policy.js';
import { AwsError } from '../../../errors.js';
import { requireBucket, type S3Deps } from '../context.js';
import { putObject } from './objects-write.js';
import { checkPolicy, parsePolicy, type LengthRange } from './post-policy.js';

const STORAGE_CLASSES = new Set<string>([
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'OUTPOSTS',
  'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE', 'FSX_OPENZFS', 'FSX_ONTAP',
]);

/** Form field -> PutObject member, for the fields that map one to one. */
const MEMBERS: Record<string, keyof PutObjectRequest> = {
  'acl': 'ACL',
  'cache-control': 'CacheControl',
  'content-type': 'ContentType',
  'content-disposition': 'ContentDisposition',
  'content-encoding': 'ContentEncoding',
  'content-language': 'ContentLanguage',
  'content-md5': 'ContentMD5',
  'x-amz-website-redirect-location': 'WebsiteRedirectLocation',
  'x-amz-server-side-encryption': 'ServerSideEncryption',
  'x-amz-server-side-encryption-aws-kms-key-id': 'SSEKMSKeyId',
  'x-amz-server-side-encryption-context': 'SSEKMSEncryptionContext',
  'x-amz-server-side-encryption-customer-algorithm': 'SSECustomerAlgorithm',
  'x-amz-server-side-encryption-customer-key': 'SSECustomerKey',
  'x-amz-server-side-encryption-customer-key-md5': 'SSECustomerKeyMD5',
  'x-amz-checksum-algorithm': 'ChecksumAlgorithm',
  'x-amz-checksum-crc32': 'ChecksumCRC32',
  'x-amz-checksum-crc32c': 'ChecksumCRC32C',
  'x-amz-checksum-crc64nvme': 'ChecksumCRC64NVME',
  'x-amz-checksum-sha1': 'ChecksumSHA1',
  'x-amz-checksum-sha256': 'ChecksumSHA256',
};

/**
 * The form's fields with `${filename}` expanded (to the file name's last path segment; a file part
 * without a `filename` leaves it as is, as S3 does), and `bucket` the bucket posted to.
 */
export function expandedFields(bucket: string, form: PostForm): Map<string, string> {
  const name = form.filename?.split(/[/\\]/).pop();
  const out = new Map<string, string>();
  for (const [k, v] of form.fields) out.set(k, name === undefined ? v : v.split('${filename}').join(name));
  out.set('bucket', bucket);
  return out;
}

/** The `tagging` field's `<Tagging><TagSet><Tag>...` document as an `x-amz-tagging` value. */
function taggingOf(xml: string): string {
  const root = parseXml(xml);
  const params = new URLSearchParams();
  for (const set of root.children.filter((n) => n.name === 'TagSet')) {
    for (const tag of set.children.filter((n) => n.name === 'Tag')) {
      const text = (name: string) => tag.children.find((n) => n.name === name)?.text ?? '';
      params.append(text('Key'), text('Value'));
    }
  }
  return params.toString();
}

/**
 * The PutObject a form asks for (for the gateway, which authorizes it before anything is
 * written). Throws S3's InvalidArgument for a form without a key.
 */
export function postObjectInput(bucket: string, form: PostForm): PutObjectRequest {
  const fields = expandedFields(bucket, form);
  const key = fields.get('key');
  if (key === undefined) throw missingPostField('key');
  const input: Record<string, unknown> = { Bucket: bucket, Key: key, Body: form.file };
  for (const [field, member] of Object.entries(MEMBERS)) if (fields.has(field)) input[member] = fields.get(field);
  const metadata: Record<string, string> = {};
  for (const [k, v] of fields) if (k.startsWith('x-amz-meta-')) metadata[k.slice('x-amz-meta-'.length)] = v;
  if (Object.keys(metadata).length > 0) input.Metadata = metadata;
  const storageClass = fields.get('x-amz-storage-class');
  if (storageClass !== undefined) {
    if (!STORAGE_CLASSES.has(storageClass)) {
      throw new AwsError('InvalidStorageClass', 'The storage class you specified is not valid', { status: 400, fields: { StorageClassRequested: storageClass } });
    }
    input.StorageClass = storageClass as StorageClass;
  }
  const expires = fields.get('expires');
  if (expires !== undefined && !Number.isNaN(Date.parse(expires))) input.Expires = new Date(expires);
  const bucketKey = fields.get('x-amz-server-side-encryption-bucket-key-enabled');
  if (bucketKey !== undefined) input.BucketKeyEnabled = bucketKey.toLowerCase() === 'true';
  const tagging = fields.get('tagging');
  if (tagging !== undefined) input.Tagging = taggingOf(tagging);
  return input as unknown as PutObjectRequest;
}

/**
 * Holds a file to the policy's size bounds as it is read: past the maximum nothing more is passed
 * on, and the error names the whole size. Lazy (nothing flows before the write reads it), so a
 * failure always reaches the reader.
 */
function sizeLimited(file: Readable, range: LengthRange): Readable {
  async function* limited(): AsyncGenerator<Buffer> {
    let size = 0;
    for await (const chunk of file as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= range.max) yield chunk;
    }
    if (size > range.max) {
      throw new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
        status: 400, fields: { ProposedSize: String(size), MaxSizeAllowed: String(range.max) },
      });
    }
    if (size < range.min) {
      throw new AwsError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
        status: 400, fields: { ProposedSize: String(size), MinSizeAllowed: String(range.min) },
      });
    }
  }
  return Readable.from(limited(), { objectMode: false });
}

/** Element text as S3 writes it in a PostResponse (quotes stay as they are). */
function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `application/x-www-form-urlencoded` encoding, as S3 appends the redirect's query. */
function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+');
}

/** The response headers of the stored object, as PutObject's would be. */
function objectHeaders(out: PutObjectOutput): Record<string, string> {
  const headers: Record<string, string> = {};
  const set = (name: string, value: unknown) => {
    if (value !== undefined && value !== null) headers[name] = String(value);
  };
  set('ETag', out.ETag);
  set('x-amz-version-id', out.VersionId);
  set('x-amz-server-side-encryption', out.ServerSideEncryption);
  set('x-amz-server-side-encryption-aws-kms-key-id', out.SSEKMSKeyId);
  set('x-amz-server-side-encryption-bucket-key-enabled', out.BucketKeyEnabled);
  set('x-amz-server-side-encryption-customer-algorithm', out.SSECustomerAlgorithm);
  set('x-amz-server-side-encryption-customer-key-MD5', out.SSECustomerKeyMD5);
  for (const a of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) set(`x-amz-checksum-${a.toLowerCase()}`, out[`Checksum${a}`]);
  set('x-amz-checksum-type', out.ChecksumType);
  return headers;
}

/**
 * Checks the form against its policy (when signed), writes the object and builds S3's answer.
 * `bucketUrl` is the URL the form was posted to (the object's Location is under it).
 */
export async function postObject(deps: S3Deps, ctx: RequestContext, input: PutObjectRequest, form: PostForm, auth: PostPolicyAuth | null, bucketUrl: string): Promise<WireResponse> {
  const bucket = await requireBucket(deps, input.Bucket);
  let body = form.file;
  try {
    if (auth) {
      if (auth.region !== bucket.region) {
        throw new AwsError('InvalidArgument', `the region '${auth.region}' is wrong; expecting '${bucket.region}'`, {
          status: 400, fields: { ArgumentName: 'X-Amz-Credential', ArgumentValue: auth.credential, Region: bucket.region },
        });
      }
      const range = checkPolicy(parsePolicy(auth.policy), expandedFields(bucket.name, form), form.names, deps.clock.now());
      if (range) body = sizeLimited(form.file, range);
    }
  } catch (err) {
    form.file.resume();
    throw err;
  }
  const out = await putObject(deps, ctx, { ...input, Body: body });
  const etag = out.ETag ?? '';
  const location = `${bucketUrl.replace(/\/$/, '')}/${encodeURIComponent(input.Key)}`;
  const headers: Record<string, string> = { ...objectHeaders(out), Location: location };
  const fields = expandedFields(bucket.name, form);
  const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (redirect !== undefined && /^https?:\/\/[^/]/i.test(redirect) && URL.canParse(redirect)) {
    const query = `bucket=${formEncode(bucket.name)}&key=${formEncode(input.Key)}&etag=${formEncode(etag)}`;
    return { status: 303, headers: { ...headers, Location: `${redirect}${redirect.includes('?') ? '&' : '?'}${query}` } };
  }
  const status = fields.get('success_action_status');
  if (status === '201') {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>'
      + `<Location>${xmlText(location)}</Location><Bucket>${xmlText(bucket.name)}</Bucket>`
      + `<Key>${xmlText(input.Key)}</Key><ETag>${xmlText(etag)}</ETag></PostResponse>`;
    return { status: 201, headers: { ...headers, 'Content-Type': 'application/xml' }, body: xml };
  }
  return { status: status === '200' ? 200 : 204, headers };
}

