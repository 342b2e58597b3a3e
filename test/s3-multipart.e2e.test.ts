/**
 * S3 multipart uploads through real clients: the AWS SDK for JavaScript v3 (the operations one by
 * one, and lib-storage's Upload), aws-cli v1 and v2 (`aws s3 cp` of 100 MiB), boto3 1.43 and 1.26
 * (upload_file / download_file with 5 MiB thresholds) and s3cmd (5 MiB chunks). ETags, composite
 * and full-object checksums are compared with values computed here; errors with S3's codes and
 * fields; listings paged; a client killed mid-part leaves nothing visible; aborted parts go.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketCommand, GetObjectAttributesCommand,
  GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectVersionsCommand, ListPartsCommand, PutBucketVersioningCommand,
  PutBucketEncryptionCommand, PutObjectCommand, S3Client, S3ServiceException, UploadPartCommand, UploadPartCopyCommand, type ChecksumAlgorithm, type CompletedPart,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { embeddedOnly } from './cluster-backend.js';
import { AWS_CLIS, PYTHONS, run, startServer, type TestServer } from './harness.js';

const MiB = 1024 * 1024;
const BUCKET = 'multipart-bucket';

async function failure(request: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await request;
  } catch (err) {
    if (err instanceof S3ServiceException) return err;
    throw err;
  }
  throw new Error('the request succeeded but should have failed');
}

function client(server: TestServer): S3Client {
  return new S3Client({
    endpoint: server.url, region: server.region, forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
}

/** A member of an SDK output named at run time (`ChecksumCRC32` ...). */
const member = (output: object, name: string): unknown => (output as Record<string, unknown>)[name];
const md5 = (data: Buffer) => createHash('md5').update(data).digest();
/** S3's multipart ETag: the MD5 of the parts' MD5s, then the number of parts. */
const multipartEtag = (parts: Buffer[]) => `"${createHash('md5').update(Buffer.concat(parts.map(md5))).digest('hex')}-${parts.length}"`;
const crc32Of = (data: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString('base64');
};
const sha256Of = (data: Buffer) => createHash('sha256').update(data).digest('base64');
async function crc64Of(data: Buffer): Promise<string> {
  const crc = new Crc64Nvme();
  crc.update(data);
  return Buffer.from(await crc.digest()).toString('base64');
}

/** The gateway's log line of an UploadPart that failed with 400. */
const FAILED_PART = /"operation":"UploadPart","status":400[^\n]*"msg":"request"/;

/** Finished blob files on disk (the temp directory holds puts in progress). */
async function blobFiles(dataDir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path !== join(dataDir, 'blobs', 'tmp')) await walk(path);
      } else {
        out.push(path);
      }
    }
  };
  await walk(join(dataDir, 'blobs'));
  return out.sort();
}

describe('S3 multipart uploads', () => {
  let server: TestServer;
  let s3: S3Client;
  let work: string;
  before(async () => {
    server = await startServer();
    s3 = client(server);
    work = await mkdtemp(join(tmpdir(), 'coffer-s3-multipart-'));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(async () => {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });

  /** Creates an upload and uploads `parts` as parts 1..n; returns the id and the parts to complete with. */
  async function prepare(key: string, parts: Buffer[], opts: { algorithm?: ChecksumAlgorithm; type?: 'COMPOSITE' | 'FULL_OBJECT' } = {}) {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ChecksumAlgorithm: opts.algorithm, ChecksumType: opts.type }));
    const completed: CompletedPart[] = [];
    for (const [i, body] of parts.entries()) {
      const out = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body: body, ChecksumAlgorithm: opts.algorithm }));
      completed.push({
        PartNumber: i + 1, ETag: out.ETag,
        ...(opts.algorithm ? { [`Checksum${opts.algorithm}`]: member(out, `Checksum${opts.algorithm}`) } : {}),
      });
    }
    return { uploadId: UploadId!, completed };
  }

  it('assembles the parts into one object, readable whole, by range and by part', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1234)];
    const created = await s3.send(new CreateMultipartUploadCommand({
      Bucket: BUCKET, Key: 'dir/assembled.bin', ContentType: 'application/x-test', Metadata: { color: 'blue' }, Tagging: 'a=1&b=2',
      StorageClass: 'STANDARD_IA',
    }));
    assert.equal(created.ServerSideEncryption, 'AES256');
    assert.equal(created.ChecksumAlgorithm, undefined);
    const uploadId = created.UploadId!;
    const started = await server.advanceClock(60);
    const completed: CompletedPart[] = [];
    for (const [i, body] of parts.entries()) {
      const out = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'dir/assembled.bin', UploadId: uploadId, PartNumber: i + 1, Body: body }));
      assert.equal(out.ETag, `"${md5(body).toString('hex')}"`);
      completed.push({ PartNumber: i + 1, ETag: out.ETag });
    }
    // A part sent again replaces the earlier one.
    const again = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'dir/assembled.bin', UploadId: uploadId, PartNumber: 3, Body: parts[2] }));
    assert.equal(again.ETag, completed[2]!.ETag);
    // Not visible before Complete.
    assert.equal((await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'dir/assembled.bin' })))).$metadata.httpStatusCode, 404);
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'dir/assembled.bin', UploadId: uploadId, MultipartUpload: { Parts: completed } }));
    assert.equal(done.ETag, multipartEtag(parts));
    assert.equal(done.Key, 'dir/assembled.bin');
    // Location is a URL the client can fetch: the endpoint it addressed, path style here.
    assert.equal(done.Location, `${server.url}/${BUCKET}/dir%2Fassembled.bin`);
    // Objects uploaded without a checksum get a full-object CRC64NVME, as S3 computes.
    assert.equal(done.ChecksumCRC64NVME, await crc64Of(Buffer.concat(parts)));
    assert.equal(done.ChecksumType, 'FULL_OBJECT');

    const whole = Buffer.concat(parts);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'dir/assembled.bin' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), whole);
    assert.equal(got.ETag, multipartEtag(parts));
    assert.equal(got.ContentType, 'application/x-test');
    assert.deepEqual(got.Metadata, { color: 'blue' });
    assert.equal(got.TagCount, 2);
    assert.equal(got.StorageClass, 'STANDARD_IA');
    assert.equal(got.PartsCount, undefined);
    // A multipart object is dated by the start of its upload.
    assert.ok(got.LastModified!.getTime() < started.getTime());

    const across = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'dir/assembled.bin', Range: `bytes=${5 * MiB - 2}-${5 * MiB + 1}` }));
    assert.deepEqual(Buffer.from(await across.Body!.transformToByteArray()), whole.subarray(5 * MiB - 2, 5 * MiB + 2));
    for (const [n, start, body] of [[1, 0, parts[0]!], [2, 5 * MiB, parts[1]!], [3, 10 * MiB, parts[2]!]] as const) {
      const part = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'dir/assembled.bin', PartNumber: n }));
      assert.equal(part.$metadata.httpStatusCode, 206);
      assert.equal(part.PartsCount, 3);
      assert.equal(part.ContentRange, `bytes ${start}-${start + body.length - 1}/${whole.length}`);
      assert.deepEqual(Buffer.from(await part.Body!.transformToByteArray()), body);
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'dir/assembled.bin', PartNumber: n }));
      assert.deepEqual([head.PartsCount, head.ContentLength], [3, body.length]);
    }
    const beyond = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'dir/assembled.bin', PartNumber: 4 })));
    assert.deepEqual([beyond.name, beyond.$metadata.httpStatusCode], ['InvalidPartNumber', 416]);
    assert.equal((beyond as unknown as Record<string, string>).ActualPartCount, '3');
    assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads, undefined);
  });

  it('writes with lib-storage Upload in 5 MiB parts', async () => {
    const body = randomBytes(12 * MiB + 5);
    const upload = new Upload({ client: s3, params: { Bucket: BUCKET, Key: 'lib-storage.bin', Body: body }, partSize: 5 * MiB, queueSize: 2 });
    const out = await upload.done();
    assert.equal(out.ETag, multipartEtag([body.subarray(0, 5 * MiB), body.subarray(5 * MiB, 10 * MiB), body.subarray(10 * MiB)]));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'lib-storage.bin' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), body);
  });

  it('refuses a Complete as S3 does, and leaves the upload in progress', async () => {
    const small = [Buffer.from('one'), Buffer.from('two'), Buffer.from('three')];
    const { uploadId, completed } = await prepare('refused', small);
    const complete = (parts: CompletedPart[]) => s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'refused', UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    const tooSmall = await failure(complete(completed.slice(0, 2)));
    assert.deepEqual([tooSmall.name, tooSmall.message, tooSmall.$metadata.httpStatusCode], ['EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400]);
    const fields = tooSmall as unknown as Record<string, string>;
    assert.deepEqual([fields.ProposedSize, fields.MinSizeAllowed, fields.PartNumber, fields.ETag], ['3', String(5 * MiB), '1', md5(small[0]!).toString('hex')]);

    const wrong = await failure(complete([{ PartNumber: 1, ETag: `"${md5(Buffer.from('other')).toString('hex')}"` }]));
    assert.equal(wrong.name, 'InvalidPart');
    assert.equal(wrong.message, "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.");
    assert.equal((wrong as unknown as Record<string, string>).UploadId, uploadId);
    assert.equal((await failure(complete([{ PartNumber: 7, ETag: completed[0]!.ETag }]))).name, 'InvalidPart');

    const order = await failure(complete([completed[1]!, completed[0]!]));
    assert.deepEqual([order.name, order.message], ['InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.']);
    assert.equal((await failure(complete([completed[0]!, completed[0]!]))).name, 'InvalidPartOrder');
    assert.equal((await failure(complete([]))).name, 'MalformedXML');

    const listed = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'refused', UploadId: uploadId }));
    assert.deepEqual(listed.Parts!.map((p) => p.PartNumber), [1, 2, 3]);
    // Only the last part may be small: the last one listed here is part 1.
    const single = await complete([completed[0]!]);
    assert.equal(single.ETag, multipartEtag([small[0]!]));
  });

  it('answers NoSuchUpload for an aborted upload and an unknown id, and checks part numbers', async () => {
    const { uploadId } = await prepare('aborted', [Buffer.from('x')]);
    for (const n of [0, 10_001]) {
      const bad = await failure(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'aborted', UploadId: uploadId, PartNumber: n, Body: 'x' })));
      assert.deepEqual([bad.name, bad.message], ['InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive']);
    }
    const aborted = await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'aborted', UploadId: uploadId }));
    assert.equal(aborted.$metadata.httpStatusCode, 204);
    for (const id of [uploadId, 'no-such-upload-id']) {
      const attempts = [
        () => s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'aborted', UploadId: id, PartNumber: 1, Body: 'x' })),
        () => s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'aborted', UploadId: id })),
        () => s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'aborted', UploadId: id, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"x"' }] } })),
        () => s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'aborted', UploadId: id })),
      ];
      for (const attempt of attempts) {
        const err = await failure(attempt());
        assert.deepEqual([err.name, err.$metadata.httpStatusCode], ['NoSuchUpload', 404]);
        assert.equal(err.message, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.');
      }
    }
    // Another key's upload id is no upload of this key.
    const other = await prepare('other-key', [Buffer.from('y')]);
    assert.equal((await failure(s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'aborted', UploadId: other.uploadId })))).name, 'NoSuchUpload');
    await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'other-key', UploadId: other.uploadId }));
  });

  it('pages ListParts and ListMultipartUploads', async () => {
    const bucket = 'listing-uploads';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { UploadId: partsUpload } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'parts' }));
    for (const n of [8, 1, 5, 3, 2]) {
      await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'parts', UploadId: partsUpload, PartNumber: n, Body: Buffer.alloc(n, 'x') }));
    }
    const pages: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'parts', UploadId: partsUpload, MaxParts: 2, PartNumberMarker: marker }));
      pages.push(`${page.Parts?.map((p) => `${p.PartNumber}:${p.Size}`).join(',')} ${page.IsTruncated}`);
      if (!page.IsTruncated) break;
      marker = page.NextPartNumberMarker;
    }
    assert.deepEqual(pages, ['1:1,2:2 true', '3:3,5:5 true', '8:8 false']);

    const ids: Record<string, string[]> = {};
    for (const key of ['b', 'c d', 'a/2', 'b', 'a/1']) {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      (ids[key] ??= []).push(UploadId!);
      await server.advanceClock(1);
    }
    const all = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    // By key, then by the time of the start.
    assert.deepEqual(all.Uploads!.map((u) => `${u.Key}`), ['a/1', 'a/2', 'b', 'b', 'c d', 'parts']);
    assert.deepEqual(all.Uploads!.filter((u) => u.Key === 'b').map((u) => u.UploadId), ids.b);
    assert.equal(all.IsTruncated, false);

    const seen: string[] = [];
    let keyMarker: string | undefined;
    let idMarker: string | undefined;
    for (let pagesLeft = 10; pagesLeft > 0; pagesLeft--) {
      const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, MaxUploads: 2, KeyMarker: keyMarker, UploadIdMarker: idMarker }));
      seen.push(...page.Uploads!.map((u) => u.UploadId!));
      if (!page.IsTruncated) break;
      [keyMarker, idMarker] = [page.NextKeyMarker, page.NextUploadIdMarker];
    }
    assert.deepEqual(seen, all.Uploads!.map((u) => u.UploadId));

    const rolled = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Delimiter: '/' }));
    assert.deepEqual(rolled.CommonPrefixes?.map((p) => p.Prefix), ['a/']);
    assert.deepEqual(rolled.Uploads!.map((u) => u.Key), ['b', 'b', 'c d', 'parts']);
    const prefixed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'a/' }));
    assert.deepEqual(prefixed.Uploads!.map((u) => u.Key), ['a/1', 'a/2']);
  });

  it('copies parts from objects, whole, by range and by version', async () => {
    const versioned = 'copy-sources';
    await s3.send(new CreateBucketCommand({ Bucket: versioned }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: 'Enabled' } }));
    const source = randomBytes(5 * MiB + 10);
    const first = await s3.send(new PutObjectCommand({ Bucket: versioned, Key: 'src', Body: source }));
    await s3.send(new PutObjectCommand({ Bucket: versioned, Key: 'src', Body: 'a later version' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'copied' }));
    const copy = (n: number, from: string, range?: string) =>
      s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'copied', UploadId, PartNumber: n, CopySource: from, CopySourceRange: range }));
    const p1 = await copy(1, `${versioned}/src?versionId=${first.VersionId}`, `bytes=0-${5 * MiB - 1}`);
    assert.equal(p1.CopyPartResult!.ETag, `"${md5(source.subarray(0, 5 * MiB)).toString('hex')}"`);
    assert.equal(p1.CopySourceVersionId, first.VersionId);
    const p2 = await copy(2, `${versioned}/src?versionId=${first.VersionId}`);
    const p3 = await copy(3, `/${versioned}/src`, 'bytes=2-6');
    const parts = [source.subarray(0, 5 * MiB), source, Buffer.from('later'.slice(0, 5))];
    assert.deepEqual(Buffer.from('a later version').subarray(2, 7), Buffer.from('later'));
    const done = await s3.send(new CompleteMultipartUploadCommand({
      Bucket: BUCKET, Key: 'copied', UploadId,
      MultipartUpload: { Parts: [p1, p2, p3].map((p, i) => ({ PartNumber: i + 1, ETag: p.CopyPartResult!.ETag })) },
    }));
    assert.equal(done.ETag, multipartEtag(parts));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'copied' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), Buffer.concat(parts));

    const { UploadId: other } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'copied-bad' }));
    const bad = (range: string) => failure(s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'copied-bad', UploadId: other, PartNumber: 1, CopySource: `${versioned}/src`, CopySourceRange: range })));
    const malformed = await bad('bytes=0');
    assert.deepEqual([malformed.name, malformed.message], ['InvalidArgument',
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy']);
    const outside = await bad('bytes=0-15');
    assert.deepEqual([outside.name, outside.message], ['InvalidArgument', 'Range specified is not valid for source object of size: 15']);
    const condition = await failure(s3.send(new UploadPartCopyCommand({
      Bucket: BUCKET, Key: 'copied-bad', UploadId: other, PartNumber: 1, CopySource: `${versioned}/src`, CopySourceIfMatch: '"nope"',
    })));
    assert.deepEqual([condition.name, condition.$metadata.httpStatusCode], ['PreconditionFailed', 412]);
    assert.equal((await failure(s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'copied-bad', UploadId: other, PartNumber: 1, CopySource: `${versioned}/missing` })))).name, 'NoSuchKey');
    assert.equal((await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'copied-bad', UploadId: other }))).Parts, undefined);
  });

  for (const [algorithm, type] of [['CRC32', 'COMPOSITE'], ['CRC32', 'FULL_OBJECT'], ['CRC32C', 'FULL_OBJECT'], ['SHA256', 'COMPOSITE'], ['CRC64NVME', 'FULL_OBJECT']] as const) {
    it(`computes ${type} ${algorithm} checksums as S3 does`, async () => {
      const parts = [Buffer.alloc(5 * MiB, 'A'), Buffer.from('tail')];
      const key = `checksum-${algorithm}-${type}`;
      const { uploadId, completed } = await prepare(key, parts, { algorithm, type });
      const partSums = completed.map((p) => (p as Record<string, string>)[`Checksum${algorithm}`]!);
      let expected: string;
      if (algorithm === 'CRC32') {
        assert.deepEqual(partSums, parts.map(crc32Of));
        expected = type === 'COMPOSITE' ? `${crc32Of(Buffer.concat(partSums.map((s) => Buffer.from(s, 'base64'))))}-2` : crc32Of(Buffer.concat(parts));
      } else if (algorithm === 'SHA256') {
        assert.deepEqual(partSums, parts.map(sha256Of));
        expected = `${sha256Of(Buffer.concat(partSums.map((s) => Buffer.from(s, 'base64'))))}-2`;
      } else if (algorithm === 'CRC64NVME') {
        expected = await crc64Of(Buffer.concat(parts));
      } else {
        // s3-tests' vectors for 5 MiB of "A" then "tail".
        assert.deepEqual(partSums, ['MDaLrw==', 'B21LrQ==']);
        expected = 'LZbOwA==';
      }
      const listed = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId }));
      assert.deepEqual([listed.ChecksumAlgorithm, listed.ChecksumType], [algorithm, type]);
      const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, MultipartUpload: { Parts: completed } }));
      assert.deepEqual([member(done, `Checksum${algorithm}`), done.ChecksumType], [expected, type]);
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED' }));
      assert.equal(member(head, `Checksum${algorithm}`), expected);
      const part2 = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, PartNumber: 2, ChecksumMode: 'ENABLED' }));
      assert.equal(member(part2, `Checksum${algorithm}`), partSums[1]);
      const attributes = await s3.send(new GetObjectAttributesCommand({
        Bucket: BUCKET, Key: key, ObjectAttributes: ['ETag', 'Checksum', 'ObjectParts', 'ObjectSize', 'StorageClass'], MaxParts: 1,
      }));
      assert.equal(attributes.ETag, multipartEtag(parts).slice(1, -1));
      assert.equal(attributes.ObjectSize, 5 * MiB + 4);
      assert.equal(attributes.StorageClass, 'STANDARD');
      assert.deepEqual([member(attributes.Checksum!, `Checksum${algorithm}`), attributes.Checksum!.ChecksumType], [expected, type]);
      assert.equal(attributes.ObjectParts!.TotalPartsCount, 2);
      assert.equal(attributes.ObjectParts!.IsTruncated, true);
      assert.deepEqual(attributes.ObjectParts!.Parts!.map((p) => [p.PartNumber, p.Size, member(p, `Checksum${algorithm}`)]), [[1, 5 * MiB, partSums[0]]]);
      const rest = await s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: key, ObjectAttributes: ['ObjectParts'], PartNumberMarker: '1' }));
      assert.deepEqual(rest.ObjectParts!.Parts!.map((p) => p.PartNumber), [2]);
    });
  }

  it('checks the checksums of parts and of the Complete request', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'sums', ChecksumAlgorithm: 'SHA256' }));
    const wrongAlgorithm = await failure(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'sums', UploadId, PartNumber: 1, Body: 'one', ChecksumCRC32: crc32Of(Buffer.from('one')) })));
    assert.deepEqual([wrongAlgorithm.name, wrongAlgorithm.message], ['InvalidRequest', 'Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: crc32']);
    const bad = await failure(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'sums', UploadId, PartNumber: 1, Body: 'one', ChecksumSHA256: sha256Of(Buffer.from('two')) })));
    assert.equal(bad.name, 'BadDigest');
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'sums', UploadId, PartNumber: 1, Body: 'one', ChecksumSHA256: sha256Of(Buffer.from('one')) }));
    const missing = await failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'sums', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } })));
    assert.deepEqual([missing.name, missing.message], ['InvalidRequest',
      'The upload was created using a sha256 checksum. The complete request must include the checksum for each part. It was missing for part 1 in the request.']);
    const wrongPart = await failure(s3.send(new CompleteMultipartUploadCommand({
      Bucket: BUCKET, Key: 'sums', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumSHA256: sha256Of(Buffer.from('two')) }] },
    })));
    assert.equal(wrongPart.name, 'InvalidPart');
    const composite = `${sha256Of(Buffer.from(sha256Of(Buffer.from('one')), 'base64'))}-1`;
    const wrongWhole = await failure(s3.send(new CompleteMultipartUploadCommand({
      Bucket: BUCKET, Key: 'sums', UploadId, ChecksumSHA256: `${sha256Of(Buffer.from('x'))}-1`,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumSHA256: part.ChecksumSHA256 }] },
    })));
    assert.equal(wrongWhole.name, 'BadDigest');
    const done = await s3.send(new CompleteMultipartUploadCommand({
      Bucket: BUCKET, Key: 'sums', UploadId, ChecksumSHA256: composite,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumSHA256: part.ChecksumSHA256 }] },
    }));
    assert.equal(done.ChecksumSHA256, composite);

    for (const [algorithm, type, message] of [
      ['SHA256', 'FULL_OBJECT', 'The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.'],
      ['CRC64NVME', 'COMPOSITE', 'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.'],
      [undefined, 'COMPOSITE', 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.'],
    ] as const) {
      const err = await failure(s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'bad-type', ChecksumAlgorithm: algorithm, ChecksumType: type })));
      assert.deepEqual([err.name, err.message], ['InvalidRequest', message]);
    }
  });

  it('honours If-None-Match and If-Match on Complete, and completes an upload once', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'guarded', Body: 'already here' }));
    const { uploadId, completed } = await prepare('guarded', [Buffer.from('new')]);
    const exists = await failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'guarded', UploadId: uploadId, IfNoneMatch: '*', MultipartUpload: { Parts: completed } })));
    assert.deepEqual([exists.name, exists.$metadata.httpStatusCode], ['PreconditionFailed', 412]);
    const mismatch = await failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'guarded', UploadId: uploadId, IfMatch: '"nope"', MultipartUpload: { Parts: completed } })));
    assert.equal(mismatch.name, 'PreconditionFailed');
    const still = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'guarded' }));
    assert.equal(await still.Body!.transformToString(), 'already here');

    // Concurrent Completes of one upload: exactly one version is made; every answer names it.
    const versioned = 'complete-once';
    await s3.send(new CreateBucketCommand({ Bucket: versioned }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: 'Enabled' } }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: versioned, Key: 'once' }));
    const p = await s3.send(new UploadPartCommand({ Bucket: versioned, Key: 'once', UploadId, PartNumber: 1, Body: 'once' }));
    const results = await Promise.allSettled(Array.from({ length: 4 }, () =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket: versioned, Key: 'once', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag }] } }))));
    const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'NoSuchUpload');
    assert.ok(ok.length >= 1);
    assert.equal(new Set(ok.map((o) => o.VersionId)).size, 1);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: versioned }));
    assert.deepEqual(versions.Versions!.map((v) => v.VersionId), [ok[0]!.VersionId]);
    // A repeated Complete is answered again while the object is there.
    const repeated = await s3.send(new CompleteMultipartUploadCommand({ Bucket: versioned, Key: 'once', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag }] } }));
    assert.deepEqual([repeated.ETag, repeated.VersionId], [ok[0]!.ETag, ok[0]!.VersionId]);
  });

  it('reclaims the blobs of aborted uploads and of replaced and unlisted parts', { skip: embeddedOnly('the data directory\'s blob files') }, async () => {
    await server.advanceClock(1);
    const before = await blobFiles(server.dataDir);
    const { uploadId } = await prepare('reclaimed', [Buffer.from('a'), Buffer.from('b')]);
    await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'reclaimed', UploadId: uploadId, PartNumber: 2, Body: 'b again' }));
    // The replaced part's blob is deleted after the answer (src/services/s3/reclaim.ts).
    await server.backgroundDone();
    assert.equal((await blobFiles(server.dataDir)).length, before.length + 2);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'reclaimed', UploadId: uploadId }));
    await server.advanceClock(1);
    assert.deepEqual(await blobFiles(server.dataDir), before);

    const kept = await prepare('partly', [Buffer.from('a'), Buffer.from('b')]);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'partly', UploadId: kept.uploadId, MultipartUpload: { Parts: [kept.completed[0]!] } }));
    await server.advanceClock(1);
    assert.equal((await blobFiles(server.dataDir)).length, before.length + 1);
  });

  it('deletes a bucket with uploads in progress, and its uploads with it', async () => {
    await server.advanceClock(1);
    // The parts' blobs are files in the data directory on the embedded backend only.
    const onDisk = embeddedOnly('blob files') === false;
    const before = onDisk ? await blobFiles(server.dataDir) : [];
    await s3.send(new CreateBucketCommand({ Bucket: 'short-lived' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'short-lived', Key: 'pending' }));
    await s3.send(new UploadPartCommand({ Bucket: 'short-lived', Key: 'pending', UploadId, PartNumber: 1, Body: 'pending part' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'short-lived' }));
    await server.advanceClock(1);
    await s3.send(new CreateBucketCommand({ Bucket: 'short-lived' }));
    // A new bucket of the same name has none of the old one's uploads, and their parts are gone.
    assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: 'short-lived' }))).Uploads, undefined);
    assert.equal((await failure(s3.send(new ListPartsCommand({ Bucket: 'short-lived', Key: 'pending', UploadId })))).name, 'NoSuchUpload');
    if (onDisk) assert.deepEqual(await blobFiles(server.dataDir), before);
  });

  it('a client killed mid-part leaves no part and no blob', { skip: embeddedOnly('the data directory\'s blob files') }, async () => {
    const { uploadId } = await prepare('killed', []);
    // Blobs queued for deletion by earlier tests go first.
    await server.advanceClock(1);
    const before = await blobFiles(server.dataDir);
    const failedBefore = server.output().match(new RegExp(FAILED_PART.source, 'g'))?.length ?? 0;
    const url = new URL(server.url);
    const path = `/${BUCKET}/killed?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`;
    const signer = new SignatureV4({ service: 's3', region: 'us-east-1', sha256: Sha256, uriEscapePath: false,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    const signed = await signer.sign(new HttpRequest({
      method: 'PUT', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: `/${BUCKET}/killed`,
      query: { partNumber: '1', uploadId }, headers: { host: url.host, 'content-length': String(8 * MiB), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    }));
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, method: 'PUT', path, headers: signed.headers });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(randomBytes(3 * MiB), () => req.destroy());
    });
    // The gateway logs every request once it is over: wait for one more failed UploadPart than before.
    await server.waitForOutput(new RegExp(`(?:${FAILED_PART.source}[\\s\\S]*){${failedBefore + 1}}`));
    assert.equal((await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'killed', UploadId: uploadId }))).Parts, undefined);
    assert.deepEqual(await blobFiles(server.dataDir), before);
    assert.deepEqual(await readdir(join(server.dataDir, 'blobs', 'tmp')), []);
  });

  it('keeps the SSE-C key of an upload for its parts', async () => {
    const key = randomBytes(32);
    const sse = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64'), SSECustomerKeyMD5: md5(key).toString('base64') };
    // New buckets block SSE-C (as S3's since 2026): this one allows it.
    const bucket = 'sse-c-multipart';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }] } }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'sse-c', ...sse }));
    const without = await failure(s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'sse-c', UploadId, PartNumber: 1, Body: 'x' })));
    assert.deepEqual([without.name, without.message], ['InvalidRequest',
      'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.']);
    const other = randomBytes(32);
    const wrong = await failure(s3.send(new UploadPartCommand({
      Bucket: bucket, Key: 'sse-c', UploadId, PartNumber: 1, Body: 'x',
      SSECustomerAlgorithm: 'AES256', SSECustomerKey: other.toString('base64'), SSECustomerKeyMD5: md5(other).toString('base64'),
    })));
    assert.deepEqual([wrong.name, wrong.message], ['InvalidRequest', 'The provided encryption parameters did not match the ones used originally.']);
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'sse-c', UploadId, PartNumber: 1, Body: 'secret part', ...sse }));
    assert.equal(part.SSECustomerKeyMD5, sse.SSECustomerKeyMD5);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'sse-c', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    const noKey = await failure(s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'sse-c', ObjectAttributes: ['ObjectSize'] })));
    assert.equal(noKey.name, 'InvalidRequest');
    const attributes = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'sse-c', ObjectAttributes: ['ObjectSize'], ...sse }));
    assert.equal(attributes.ObjectSize, 11);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'sse-c', ...sse }));
    assert.equal(await got.Body!.transformToString(), 'secret part');
  });
});

/** 100 MiB of reproducible bytes, streamed to disk without holding them. */
async function largeFile(path: string, size: number): Promise<string> {
  const hash = createHash('md5');
  async function* chunks(): AsyncGenerator<Buffer> {
    const block = randomBytes(MiB);
    for (let left = size; left > 0; left -= MiB) {
      const chunk = left >= MiB ? block : block.subarray(0, left);
      block[0] = (block[0]! + 1) & 0xff;
      hash.update(chunk);
      yield Buffer.from(chunk);
    }
  }
  await pipeline(chunks(), createWriteStream(path));
  return hash.digest('hex');
}

async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

const BOTO3_TRANSFER = `
import boto3, json, sys
from boto3.s3.transfer import TransferConfig
endpoint, bucket, source, target = sys.argv[1:5]
s3 = boto3.client('s3', endpoint_url=endpoint)
config = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024, max_concurrency=4)
s3.upload_file(source, bucket, 'boto3.bin', Config=config)
s3.download_file(bucket, 'boto3.bin', target, Config=config)
head = s3.head_object(Bucket=bucket, Key='boto3.bin')
print(json.dumps({'etag': head['ETag']}))
`;

describe('S3 multipart through aws-cli, boto3 and s3cmd', () => {
  let server: TestServer;
  let work: string;
  before(async () => {
    server = await startServer();
    work = await mkdtemp(join(tmpdir(), 'coffer-s3-multipart-clients-'));
  });
  after(async () => {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });

  for (const aws of AWS_CLIS) {
    it(`aws-cli (${aws}): s3 cp of 100 MiB goes through multipart and comes back whole`, async () => {
      const n = AWS_CLIS.indexOf(aws);
      const bucket = `cli-multipart-${n}`;
      const source = join(work, `cli-${n}.bin`);
      const sum = await largeFile(source, 100 * MiB);
      const cli = async (...args: string[]) => {
        const out = await run(aws, [...args, '--endpoint-url', server.url], server.clientEnv());
        assert.equal(out.code, 0, `${args.join(' ')}: ${out.stderr}`);
        return out.stdout;
      };
      await cli('s3', 'mb', `s3://${bucket}`);
      await cli('s3', 'cp', source, `s3://${bucket}/big.bin`);
      const head = JSON.parse(await cli('s3api', 'head-object', '--bucket', bucket, '--key', 'big.bin'));
      // The default 8 MiB chunks: 13 parts.
      assert.match(head.ETag, /-13"$/);
      assert.equal(head.ContentLength, 100 * MiB);
      await cli('s3', 'cp', `s3://${bucket}/big.bin`, `${source}.out`);
      assert.equal(await md5File(`${source}.out`), sum);
      await rm(source);
      await rm(`${source}.out`);
    });
  }

  for (const python of PYTHONS) {
    it(`boto3 (${python}): upload_file and download_file in 5 MiB parts`, async () => {
      const n = PYTHONS.indexOf(python);
      const bucket = `boto3-multipart-${n}`;
      const source = join(work, `boto3-${n}.bin`);
      const sum = await largeFile(source, 12 * MiB + 3);
      const env = server.clientEnv();
      const made = await run('aws', ['s3', 'mb', `s3://${bucket}`, '--endpoint-url', server.url], env);
      assert.equal(made.code, 0, made.stderr);
      const out = await run(python, ['-c', BOTO3_TRANSFER, server.url, bucket, source, `${source}.out`], env);
      assert.equal(out.code, 0, out.stderr);
      assert.match(JSON.parse(out.stdout).etag, /-3"$/);
      assert.equal(await md5File(`${source}.out`), sum);
    });
  }

  it('s3cmd: put and get in 5 MiB chunks', async () => {
    const dir = join(work, 's3cmd');
    await mkdir(dir);
    const config = join(dir, 's3cfg');
    const host = `127.0.0.1:${server.port}`;
    await writeFile(config, [
      '[default]', `access_key = ${server.accessKeyId}`, `secret_key = ${server.secretAccessKey}`,
      `host_base = ${host}`, `host_bucket = ${host}`, 'use_https = False', 'signature_v2 = False', 'bucket_location = us-east-1', '',
    ].join('\n'), { mode: 0o600 });
    const sum = await largeFile(join(dir, 'up.bin'), 11 * MiB);
    const s3cmd = async (...args: string[]) => {
      const out = await run('s3cmd', ['-c', config, ...args], { ...process.env, HOME: dir });
      assert.equal(out.code, 0, `${args.join(' ')}: ${out.stderr}`);
      return out.stdout;
    };
    await s3cmd('mb', 's3://s3cmd-multipart');
    await s3cmd('put', '--multipart-chunk-size-mb=5', join(dir, 'up.bin'), 's3://s3cmd-multipart/up.bin');
    const s3 = client(server);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 's3cmd-multipart', Key: 'up.bin' }));
    assert.match(head.ETag!, /-3"$/);
    await s3cmd('get', 's3://s3cmd-multipart/up.bin', join(dir, 'down.bin'));
    assert.equal(await md5File(join(dir, 'down.bin')), sum);
  });
});
