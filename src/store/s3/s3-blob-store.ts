/**
 * Blobs as objects in any S3-compatible store (AWS S3, MinIO, Ceph, another Coffer): cluster mode,
 * where every node must see every blob.
 *
 *   s3://<bucket>/<prefix><id>    a finished blob; id = 32 random hex chars
 *
 * What reaches the store is already ciphertext: S3 bodies pass through Coffer's segmented
 * AES-256-GCM (crypto/object-stream.ts) before `put` sees them, so the backing store's operator
 * learns sizes and timing, never content.
 *
 * - A body up to `multipartThreshold` bytes is buffered and sent as one PutObject; a longer one
 *   streams as a multipart upload of `partSize` parts, at most `queueSize` in flight (memory stays
 *   bounded by about (queueSize + 1) x partSize whatever the body's length). Either way the object
 *   appears only when complete (S3's PutObject and CompleteMultipartUpload are atomic), so a blob
 *   is absent or whole, as with the filesystem store.
 * - A put that fails aborts its multipart upload. One cut short by a crash leaves an incomplete
 *   upload (invisible, but billed by the store): `sweep` aborts those older than `abandonAfterMs`,
 *   never one this store has in flight. Other nodes' uploads in flight are younger than the bound,
 *   so a starting node never aborts them; a single-node deployment may set the bound to 0.
 * - Multipart uploads are hand-driven rather than lib-storage's `Upload`, which starts an upload
 *   only once a whole part (5 MiB at least) is buffered and cannot be told to start earlier.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, S3ServiceException,
  UploadPartCommand, type CompletedPart, type S3Client,
} from '@aws-sdk/client-s3';
import { NoSuchBlobError, type BlobStore } from '../blobs.js';

const ID_PATTERN = /^[0-9a-f]{32}$/;
/** S3's smallest part (all but the last). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix of every blob ('' or ending in '/', e.g. 'coffer/blobs/'). */
  prefix?: string;
  /** Bytes per multipart part (default 8 MiB, at least 5 MiB). */
  partSize?: number;
  /** Longest body sent as a single PutObject (default: partSize). 0 streams every body as multipart. */
  multipartThreshold?: number;
  /** Parts uploaded at once (default 2). */
  queueSize?: number;
  /** Incomplete uploads older than this are abandoned: `sweep` aborts them (default 24 hours). */
  abandonAfterMs?: number;
}

export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly threshold: number;
  private readonly queueSize: number;
  private readonly abandonAfterMs: number;
  /** Upload ids of this store's multipart uploads in flight, which `sweep` leaves alone. */
  private readonly active = new Set<string>();

  constructor(options: S3BlobStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    if (this.prefix !== '' && !this.prefix.endsWith('/')) throw new Error(`blob key prefix must end with '/': ${this.prefix}`);
    this.partSize = options.partSize ?? 8 * 1024 * 1024;
    if (this.partSize < MIN_PART_SIZE) throw new RangeError(`partSize must be at least ${MIN_PART_SIZE} bytes (S3's minimum part)`);
    this.threshold = options.multipartThreshold ?? this.partSize;
    this.queueSize = Math.max(1, options.queueSize ?? 2);
    this.abandonAfterMs = options.abandonAfterMs ?? 24 * 3600_000;
  }

  async put(body: AsyncIterable<Uint8Array> | Readable): Promise<{ id: string; size: number }> {
    const id = randomBytes(16).toString('hex');
    const key = this.prefix + id;
    const source = (body as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const head = new Buffers();
    // Buffer up to the threshold: most bodies end there and go in one request.
    for (;;) {
      if (head.length > this.threshold) break;
      const next = await source.next();
      if (next.done) {
        const data = head.take(head.length);
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: data, ContentLength: data.length }));
        return { id, size: data.length };
      }
      head.push(bytes(next.value));
    }
    return this.multipart(id, key, head, source);
  }

  private async multipart(id: string, key: string, pending: Buffers, source: AsyncIterator<unknown>): Promise<{ id: string; size: number }> {
    const { UploadId: uploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }));
    if (!uploadId) throw new Error('the blob store answered CreateMultipartUpload without an UploadId');
    this.active.add(uploadId);
    const parts: CompletedPart[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    let size = pending.length;
    const upload = (partNumber: number, data: Buffer) => {
      const sent = this.client.send(new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: data, ContentLength: data.length }))
        .then((out) => {
          parts.push({ PartNumber: partNumber, ETag: out.ETag });
        }, (err: unknown) => {
          failure ??= err;
        })
        .finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    };
    try {
      let partNumber = 0;
      let ended = false;
      while (!ended) {
        while (pending.length < this.partSize) {
          const next = await source.next();
          if (next.done) {
            ended = true;
            break;
          }
          const chunk = bytes(next.value);
          size += chunk.length;
          pending.push(chunk);
        }
        if (failure !== undefined) throw failure;
        // A body ending on a part boundary leaves nothing for a last part; an empty part is sent only if there is no other.
        if (pending.length > 0 || partNumber === 0) upload(++partNumber, pending.take(Math.min(this.partSize, pending.length)));
        while (inFlight.size >= this.queueSize) await Promise.race(inFlight);
      }
      while (pending.length > 0) upload(++partNumber, pending.take(Math.min(this.partSize, pending.length)));
      await Promise.all(inFlight);
      if (failure !== undefined) throw failure;
      parts.sort((a, b) => a.PartNumber! - b.PartNumber!);
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
      return { id, size };
    } catch (err) {
      await Promise.allSettled(inFlight);
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
      // Stop reading a source that is still producing (a Readable would otherwise stay paused).
      await source.return?.(undefined)?.catch(() => undefined);
      throw err;
    } finally {
      this.active.delete(uploadId);
    }
  }

  async get(id: string, range?: { start: number; end: number }): Promise<Readable> {
    const key = this.keyOf(id);
    if (range !== undefined) {
      const { start, end } = range;
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
        throw new RangeError(`range ${start}-${end} is not a valid byte range`);
      }
    }
    let out;
    try {
      out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range && `bytes=${range.start}-${range.end}` }));
    } catch (err) {
      if (status(err) === 416) throw new RangeError(`range ${range?.start}-${range?.end} is outside blob ${id}`);
      throw notFoundAs(err, id);
    }
    const stream = out.Body as Readable;
    if (range !== undefined) {
      // S3 clamps a range that runs past the end; the contract refuses it instead.
      const total = Number(/\/(\d+)$/.exec(out.ContentRange ?? '')?.[1]);
      if (!Number.isSafeInteger(total) || range.end >= total) {
        // Destroying a response mid-body makes it emit 'aborted': expected here, so handled.
        stream.on('error', () => undefined);
        stream.destroy();
        throw new RangeError(`range ${range.start}-${range.end} is outside blob ${id} of ${total} bytes`);
      }
    }
    return stream;
  }

  async size(id: string): Promise<number> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(id) }));
      return Number(out.ContentLength);
    } catch (err) {
      throw notFoundAs(err, id);
    }
  }

  async delete(id: string): Promise<void> {
    if (!ID_PATTERN.test(id)) return;
    // S3's DeleteObject of an absent key succeeds: idempotent as the contract wants.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + id }));
  }

  async *list(): AsyncIterable<{ id: string; writtenAt: Date }> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        const id = o.Key?.slice(this.prefix.length);
        if (id && ID_PATTERN.test(id) && o.LastModified) yield { id, writtenAt: o.LastModified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async sweep(): Promise<number> {
    const cutoff = Date.now() - this.abandonAfterMs;
    let removed = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.client.send(new ListMultipartUploadsCommand({
        Bucket: this.bucket, Prefix: this.prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker,
      }));
      for (const u of page.Uploads ?? []) {
        if (!u.Key || !u.UploadId || this.active.has(u.UploadId)) continue;
        if (!ID_PATTERN.test(u.Key.slice(this.prefix.length))) continue;
        // Younger than the bound: possibly another node's upload in flight.
        if (u.Initiated && u.Initiated.getTime() > cutoff) continue;
        try {
          await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }));
          removed++;
        } catch (err) {
          // Another node's sweep got there first.
          if (code(err) !== 'NoSuchUpload') throw err;
        }
      }
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
    return removed;
  }

  /** The object key of a blob; ids that this store could not have made are absent. */
  private keyOf(id: string): string {
    if (!ID_PATTERN.test(id)) throw new NoSuchBlobError(id);
    return this.prefix + id;
  }
}

/** Chunks queued for the next request, taken from the front without copying more than once. */
class Buffers {
  private chunks: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The first `n` bytes as one Buffer. */
  take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const first = this.chunks[0]!;
      const used = Math.min(first.length, n - filled);
      first.copy(out, filled, 0, used);
      filled += used;
      if (used === first.length) this.chunks.shift();
      else this.chunks[0] = first.subarray(used);
    }
    this.length -= n;
    return out;
  }
}

function bytes(chunk: unknown): Buffer {
  if (!(chunk instanceof Uint8Array)) throw new TypeError('blob body must yield bytes (Buffer or Uint8Array), not strings or objects');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function status(err: unknown): number | undefined {
  return err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
}

function code(err: unknown): string | undefined {
  return (err as { name?: string; Code?: string } | null)?.Code ?? (err as { name?: string } | null)?.name;
}

function notFoundAs(err: unknown, id: string): unknown {
  if (err instanceof NoSuchBlobError) return err;
  const c = code(err);
  return c === 'NoSuchKey' || c === 'NotFound' || status(err) === 404 ? new NoSuchBlobError(id) : err;
}
