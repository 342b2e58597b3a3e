/**
 * Object bodies on their way to and from the blob store: every byte passes through the at-rest
 * encryption of crypto/object-stream.ts, and the digests S3 reports (MD5 for the ETag, the flexible
 * checksum) are computed on the plaintext as it streams. Nothing holds a whole body in memory.
 */
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import type { ChecksumAlgorithm } from '../../auth/checksums.js';
import { SealError } from '../../crypto/root-key.js';
import { createEncryptStream, decryptRange, ObjectStreamError } from '../../crypto/object-stream.js';
import { AwsError } from '../../errors.js';
import { NoSuchBlobError, type BlobStore } from '../../store/blobs.js';
import type { Logger } from '../../server/logger.js';
import { bodyDigests, type DigestResult } from './digests.js';
import { corruptBody, entityTooLarge } from './errors.js';

/** One blob of a body: its place (1-based; the part number of a multipart object) and plaintext size. */
export interface BlobRef {
  seq: number;
  blobId: string;
  size: number;
}

export interface WrittenBlob {
  blobId: string;
  size: number;
  /** Absent when the write said it needs none. */
  md5?: Buffer;
  checksum: { algorithm: ChecksumAlgorithm; value: string };
}

export interface WriteOptions {
  /** The blob's place in the body (1-based; a part number). */
  seq: number;
  algorithm: ChecksumAlgorithm;
  maxBytes: number;
  /** Whether to compute the MD5 (default true): S3 needs it for an SSE-S3 ETag or a Content-MD5. */
  md5?: boolean;
  /** The body's declared size, if known (large bodies are hashed off the request's thread). */
  sizeHint?: number;
}

/** The connection closed before the body ended (node:http's abort, a stream closed early). */
function isPrematureEnd(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error | null)?.message === 'aborted';
}

function incompleteBody(): AwsError {
  return new AwsError('IncompleteBody', 'The request body terminated unexpectedly', { status: 400 });
}

/** The AAD context binding a blob to its place in the body, so blobs under one key cannot be swapped. */
export function blobContext(seq: number): Buffer {
  return Buffer.from(`s3-body-part:${seq}`, 'utf8');
}

export class BodyStore {
  constructor(private readonly blobs: BlobStore, private readonly log: Logger) {}

  /**
   * Streams `source` through the digests and the encryption into a new blob. Rejects (and leaves
   * no blob behind) if the source fails (a signature or checksum check, a dropped connection) or
   * grows past `maxBytes` (EntityTooLarge).
   */
  async write(source: Readable | Buffer, key: Buffer, opts: WriteOptions): Promise<WrittenBlob> {
    const digests = bodyDigests({ md5: opts.md5 ?? true, algorithm: opts.algorithm, sizeHint: Buffer.isBuffer(source) ? source.length : opts.sizeHint });
    let size = 0;
    const meter = new Transform({
      highWaterMark: 256 << 10,
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > opts.maxBytes) return callback(entityTooLarge(size));
        let caughtUp: Promise<void> | undefined;
        try {
          caughtUp = digests.update(chunk);
        } catch (err) {
          return callback(err as Error);
        }
        if (!caughtUp) return callback(null, chunk);
        caughtUp.then(() => callback(null, chunk), callback);
      },
    });
    const input = Buffer.isBuffer(source) ? Readable.from([source]) : source;
    // Errors anywhere destroy every stage; the blob store sees the error and removes its temp file.
    const encrypted = pipeline(input, meter, createEncryptStream(key, blobContext(opts.seq)), () => undefined);
    let id: string;
    try {
      ({ id } = await this.blobs.put(encrypted));
    } catch (err) {
      digests.discard();
      // A client that went away mid-body is the client's failure, not the server's.
      if (!(err instanceof AwsError) && isPrematureEnd(err)) throw incompleteBody();
      throw err;
    }
    let result: DigestResult;
    try {
      result = await digests.result();
    } catch (err) {
      await this.blobs.delete(id).catch(() => undefined);
      throw err;
    }
    return { blobId: id, size, md5: result.md5, checksum: { algorithm: opts.algorithm, value: result.checksum } };
  }

  /**
   * The plaintext bytes [start, end] of a body made of `parts` (the whole body without a range).
   * The first segment is opened before this resolves, so a body that fails authentication at its
   * start is answered with an error instead of a truncated response. Rejects with NoSuchBlobError
   * when a blob was deleted after its version was read (a concurrent overwrite).
   */
  async read(parts: BlobRef[], key: Buffer, range?: { start: number; end: number }): Promise<Readable> {
    const total = parts.reduce((n, p) => n + p.size, 0);
    const start = range?.start ?? 0;
    const end = range?.end ?? total - 1;
    const chunks = this.plaintext(parts, key, start, end)[Symbol.asyncIterator]();
    let first: IteratorResult<Buffer>;
    try {
      first = await chunks.next();
    } catch (err) {
      // A blob gone before anything was read: its version was replaced meanwhile; the caller may retry.
      if (err instanceof NoSuchBlobError) throw err;
      throw this.asError(err);
    }
    const self = this;
    async function* rest(): AsyncGenerator<Buffer> {
      try {
        if (first.done) return;
        yield first.value;
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
      } catch (err) {
        throw self.asError(err);
      } finally {
        // A client gone mid-body: close the blob's file now rather than at garbage collection.
        await chunks.return?.(undefined);
      }
    }
    return Readable.from(rest(), { objectMode: false, highWaterMark: 256 << 10 });
  }

  /** Deletes blobs no version references any more; failures are left for the next sweep. */
  async delete(blobIds: string[]): Promise<string[]> {
    const deleted: string[] = [];
    for (const id of blobIds) {
      try {
        await this.blobs.delete(id);
        deleted.push(id);
      } catch (err) {
        this.log.warn({ err, blobId: id }, 's3: could not delete an unreferenced blob; it stays queued');
      }
    }
    return deleted;
  }

  private async *plaintext(parts: BlobRef[], key: Buffer, start: number, end: number): AsyncGenerator<Buffer> {
    let offset = 0;
    for (const part of parts) {
      const partStart = offset;
      offset += part.size;
      // An empty body is one empty blob, which is still opened so its tag is checked.
      const empty = part.size === 0 && parts.length === 1;
      if (!empty && (partStart + part.size <= start || partStart > end)) continue;
      const from = empty ? 0 : Math.max(start, partStart) - partStart;
      const to = empty ? -1 : Math.min(end, offset - 1) - partStart;
      const read = (s: number, e: number) => this.blobs.get(part.blobId, { start: s, end: e });
      yield* decryptRange(read, key, part.size, from, to, blobContext(part.seq));
    }
  }

  private asError(err: unknown): unknown {
    if (err instanceof AwsError) return err;
    if (err instanceof ObjectStreamError || err instanceof SealError || err instanceof NoSuchBlobError || err instanceof RangeError) {
      // A stored body that is not what was written: never returned as data.
      this.log.error({ err: (err as Error).message }, 's3: a stored object body failed authentication');
      return corruptBody();
    }
    return err;
  }
}
