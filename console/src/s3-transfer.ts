import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand,
  UploadPartCommand, type CompletedPart, type ServerSideEncryption, type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** How an upload asks S3 to encrypt: the bucket's default, SSE-S3, or SSE-KMS with a key (empty = aws/s3). */
export interface UploadEncryption { mode: 'default' | 'AES256' | 'aws:kms'; keyArn: string }

/** Files up to this size go in one PutObject; larger ones in parts (S3's minimum part is 5 MiB). */
export const MULTIPART_THRESHOLD = 16 * 1024 * 1024;
const PART_SIZE = 8 * 1024 * 1024;
const PARALLEL_PARTS = 3;

function sseParams(sse: UploadEncryption): { ServerSideEncryption?: ServerSideEncryption; SSEKMSKeyId?: string } {
  if (sse.mode === 'default') return {};
  return { ServerSideEncryption: sse.mode, SSEKMSKeyId: sse.mode === 'aws:kms' && sse.keyArn ? sse.keyArn : undefined };
}

/**
 * A Blob's bytes. The browser SDK computes the flexible checksum (CRC32) of byte arrays but not
 * of Blob bodies, so each request body (at most one part, or one small file) is read first.
 */
async function bytes(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/**
 * Uploads a file: one PutObject for small files, a multipart upload (parts sliced from the File
 * and read from disk as they go, a few at a time) for large ones. `progress` receives bytes sent;
 * fetch gives no per-byte upload events, so progress advances part by part.
 */
export async function uploadFile(s3: S3Client, bucket: string, key: string, file: File, sse: UploadEncryption, progress: (sent: number) => void, signal?: AbortSignal): Promise<void> {
  const ContentType = file.type || 'application/octet-stream';
  if (file.size <= MULTIPART_THRESHOLD) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await bytes(file), ContentType, ChecksumAlgorithm: 'CRC32', ...sseParams(sse) }), { abortSignal: signal });
    progress(file.size);
    return;
  }
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType, ChecksumAlgorithm: 'CRC32', ...sseParams(sse) }), { abortSignal: signal });
  const count = Math.ceil(file.size / PART_SIZE);
  const parts: CompletedPart[] = new Array(count);
  let sent = 0;
  let next = 0;
  try {
    const worker = async () => {
      while (next < count) {
        const index = next++;
        const body = await bytes(file.slice(index * PART_SIZE, Math.min(file.size, (index + 1) * PART_SIZE)));
        const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: index + 1, Body: body, ChecksumAlgorithm: 'CRC32' }), { abortSignal: signal });
        parts[index] = { PartNumber: index + 1, ETag: r.ETag, ChecksumCRC32: r.ChecksumCRC32, ChecksumCRC32C: r.ChecksumCRC32C, ChecksumCRC64NVME: r.ChecksumCRC64NVME, ChecksumSHA1: r.ChecksumSHA1, ChecksumSHA256: r.ChecksumSHA256 };
        sent += body.byteLength;
        progress(sent);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTS, count) }, worker));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (err) {
    // Parts left behind cost storage; abort is best-effort and the original error is what matters.
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
    throw err;
  }
}

/**
 * Downloads through a short-lived presigned URL, so the browser streams the object to disk
 * instead of the page holding it in memory.
 */
export async function downloadObject(s3: S3Client, bucket: string, key: string, versionId?: string): Promise<void> {
  // A refused download would otherwise save S3's error XML as the file: check access first.
  await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  const filename = key.split('/').pop() || 'download';
  const url = await getSignedUrl(s3, new GetObjectCommand({
    Bucket: bucket, Key: key, VersionId: versionId,
    ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
  }), { expiresIn: 300 });
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}
