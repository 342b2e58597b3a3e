/**
 * Object bodies on their way to and from storage: every byte passes through the at-rest encryption
 * of crypto/object-stream.ts, and the digests S3 reports (MD5 for the ETag, the flexible checksum)
 * are computed on the plaintext as it streams. Nothing holds a large body in memory.
 *
 * A body goes to the blob store unless it is known to be small before it is read (at most
 * {@link INLINE_MAX_BYTES}, declared up front): then it is read whole and sealed in memory, and its
 * encrypted bytes, the very stream a blob would hold, are committed in the database row beside the
 * version's (`s3_object_inline`). A blob costs a file, its fsync and its directory's fsync per PUT, which
 * bound small PUTs to a few hundred a second; a row rides on the commit the version needs anyway,
 * whose WAL sync is shared by every concurrent writer (store/group-commit.ts).
 */
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import type { ChecksumAlgorithm } from '../../auth/checksums.js';
import { SealError } from '../../crypto/root-key.js';
import { createEncryptStream, decryptRange, decryptWhole, encryptWhole, ObjectStreamError, SEGMENT_SIZE, type SealedSegments, type StoredRangeReader } from '../../crypto/object-stream.js';
import { AwsError } from '../../errors.js';
import { NoSuchBlobError, type BlobStore, type NewBlobFile } from '../../store/blobs.js';
import type { Logger } from '../../server/logger.js';
import { releasingBody } from '../../server/releasing-body.js';
import { bodyWorkers } from './body-workers.js';
import { bodyDigests, OFFLOAD_MIN_BYTES, type DigestResult } from './digests.js';
import { corruptBody, entityTooLarge } from './errors.js';

/**
 * The largest body kept in the database: one segment of the object stream (64 KiB of plaintext,
 * 64 KiB + 36 bytes stored). A range of it decrypts that one segment whatever the layout, and a
 * row of that size is still cheap to write and to read whole; larger bodies gain nothing from
 * skipping a file's fsync that their own bytes do not already cost.
 */
export const INLINE_MAX_BYTES = SEGMENT_SIZE;

/** One blob of a body: its place (1-based; the part number of a multipart object) and plaintext size. */
export interface BlobRef {
  seq: number;
  blobId: string;
  size: number;
}

/**
 * A small body kept in the database: its encrypted bytes (the object stream a blob would hold).
 * Always a whole single-PUT body, so `seq` is 1.
 */
export interface InlineRef {
  seq: number;
  sealed: Buffer;
  size: number;
}

/** One piece of a body, wherever its encrypted bytes are kept. */
export type BodyPart = BlobRef | InlineRef;

export function isInline(part: BodyPart): part is InlineRef {
  return 'sealed' in part;
}

/** The blob ids among `parts` (what to delete when a write that made them fails). */
export function blobIdsOf(parts: BodyPart[]): string[] {
  return parts.flatMap((p) => (isInline(p) ? [] : [p.blobId]));
}

export interface Written<P extends BodyPart> {
  part: P;
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
  /**
   * Whether a body declared at most INLINE_MAX_BYTES may be kept in memory for the database
   * (a whole single-PUT object's body; parts of a multipart upload stay blobs).
   */
  inline?: boolean;
}

/**
 * What a failure while reading a body is answered as: a connection closed before the body ended
 * (node:http's abort, a stream closed early) is the client's failure, not the server's.
 */
function bodyReadError(err: unknown): unknown {
  if (err instanceof AwsError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const premature = code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error | null)?.message === 'aborted';
  return premature ? new AwsError('IncompleteBody', 'The request body terminated unexpectedly', { status: 400 }) : err;
}

/** The AAD context binding a blob to its place in the body, so blobs under one key cannot be swapped. */
export function blobContext(seq: number): Buffer {
  return Buffer.from(`s3-body-part:${seq}`, 'utf8');
}

export class BodyStore {
  constructor(private readonly blobs: BlobStore, private readonly log: Logger) {}

  /**
   * Streams `source` through the digests and the encryption into a new blob, or into memory when
   * `opts.inline` and the body is declared small. Rejects (and leaves no blob behind) if the source
   * fails (a signature or checksum check, a dropped connection) or grows past `maxBytes`
   * (EntityTooLarge).
   */
  write(source: Readable | Buffer, key: Buffer, opts: WriteOptions & { inline: true }): Promise<Written<BodyPart>>;
  write(source: Readable | Buffer, key: Buffer, opts: WriteOptions & { inline?: false }): Promise<Written<BlobRef>>;
  async write(source: Readable | Buffer, key: Buffer, opts: WriteOptions): Promise<Written<BodyPart>> {
    const declared = Buffer.isBuffer(source) ? source.length : opts.sizeHint;
    if (opts.inline === true && declared !== undefined && declared <= INLINE_MAX_BYTES) return this.writeInline(source, key, opts, declared);
    if (this.blobs.create && declared !== undefined && declared >= OFFLOAD_MIN_BYTES) return this.writeFile(source, key, opts, this.blobs.create.bind(this.blobs));
    const digests = bodyDigests({ md5: opts.md5 ?? true, algorithm: opts.algorithm, sizeHint: declared });
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
    let stored: { blobId: string };
    try {
      stored = { blobId: (await this.blobs.put(encrypted)).id };
    } catch (err) {
      digests.discard();
      throw bodyReadError(err);
    }
    let result: DigestResult;
    try {
      result = await digests.result();
    } catch (err) {
      await this.blobs.delete(stored.blobId).catch(() => undefined);
      throw err;
    }
    return { part: { seq: opts.seq, size, ...stored }, md5: result.md5, checksum: { algorithm: opts.algorithm, value: result.checksum } };
  }

  /**
   * A large body to a local blob: sealed and written to the new blob's file on one body worker
   * while its digests are computed on another, so that this thread only reads the socket (and
   * copies each chunk once for each worker). Against sealing here and writing through the thread
   * pool (the stream path below, still taken where blobs are not local files), 64 MiB SSE-KMS and
   * SSE-C PUTs ran about a fifth faster on two cores, SSE-S3 PUTs (bound by their MD5) 3-12%.
   */
  private async writeFile(source: Readable | Buffer, key: Buffer, opts: WriteOptions, create: () => Promise<NewBlobFile>): Promise<Written<BlobRef>> {
    const file = await create();
    const write = bodyWorkers().writeFile({ md5: opts.md5 ?? true, algorithm: opts.algorithm }, { fd: file.handle.fd, key, context: blobContext(opts.seq) });
    let size = 0;
    let result: DigestResult;
    try {
      for await (const chunk of (Buffer.isBuffer(source) ? [source] : source) as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > opts.maxBytes) throw entityTooLarge(size);
        await write.update(chunk);
      }
      result = await write.result();
    } catch (err) {
      await write.discard();
      await file.abort();
      throw bodyReadError(err);
    }
    const blobId = await file.commit();
    return { part: { seq: opts.seq, size, blobId }, md5: result.md5, checksum: { algorithm: opts.algorithm, value: result.checksum } };
  }

  /**
   * A body declared at most INLINE_MAX_BYTES: read whole, digested and sealed in memory, without
   * the stream stages a large body goes through (for a few KiB their set-up and tear-down cost
   * more than the hashing and sealing).
   */
  private async writeInline(source: Readable | Buffer, key: Buffer, opts: WriteOptions, declared: number): Promise<Written<InlineRef>> {
    let plaintext: Buffer;
    try {
      plaintext = Buffer.isBuffer(source) ? source : await collect(source, declared);
    } catch (err) {
      throw bodyReadError(err);
    }
    if (plaintext.length > opts.maxBytes) throw entityTooLarge(plaintext.length);
    const digests = bodyDigests({ md5: opts.md5 ?? true, algorithm: opts.algorithm, sizeHint: plaintext.length });
    await digests.update(plaintext);
    const result = await digests.result();
    const sealed = encryptWhole(key, plaintext, blobContext(opts.seq));
    return { part: { seq: opts.seq, size: plaintext.length, sealed }, md5: result.md5, checksum: { algorithm: opts.algorithm, value: result.checksum } };
  }

  /**
   * The plaintext bytes [start, end] of a body made of `parts` (the whole body without a range).
   * The first segment is opened before this resolves, so a body that fails authentication at its
   * start is answered with an error instead of a truncated response. Rejects with NoSuchBlobError
   * when a blob was deleted after its version was read (a concurrent overwrite).
   *
   * A body kept in the database comes back as a Buffer, opened whole: it is at most one segment,
   * and a stream to carry a few KiB cost more than opening them.
   */
  async read(parts: BodyPart[], key: Buffer, range?: { start: number; end: number }): Promise<Readable | Buffer> {
    const total = parts.reduce((n, p) => n + p.size, 0);
    const start = range?.start ?? 0;
    const end = range?.end ?? total - 1;
    const only = parts.length === 1 ? parts[0]! : undefined;
    if (only && isInline(only)) {
      try {
        return decryptWhole(only.sealed, key, only.size, start, end, blobContext(only.seq));
      } catch (err) {
        throw this.asError(err);
      }
    }
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
    const body = Readable.from(rest(), { objectMode: false, highWaterMark: 256 << 10 });
    // Chunks read on a body worker go back to it once written out (server/releasing-body.ts).
    return this.blobs.open ? releasingBody(body, (chunk) => bodyWorkers().release(chunk)) : body;
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

  private async *plaintext(parts: BodyPart[], key: Buffer, start: number, end: number): AsyncGenerator<Buffer> {
    let offset = 0;
    for (const part of parts) {
      const partStart = offset;
      offset += part.size;
      // An empty body is one empty blob, which is still opened so its tag is checked.
      const empty = part.size === 0 && parts.length === 1;
      if (!empty && (partStart + part.size <= start || partStart > end)) continue;
      const from = empty ? 0 : Math.max(start, partStart) - partStart;
      const to = empty ? -1 : Math.min(end, offset - 1) - partStart;
      // read() opened a body kept in the database: it is always a whole body of one part.
      if (isInline(part)) throw new Error('s3: an inline body is one whole part');
      const large = to - from + 1 >= OFFLOAD_MIN_BYTES;
      if (large && this.blobs.open) {
        // A large range of a local file is read and opened on a body worker: this thread only writes it.
        const file = await this.blobs.open(part.blobId);
        try {
          yield* bodyWorkers().readFile({ fd: file.fd, key, context: blobContext(part.seq), plaintextSize: part.size, start: from, end: to });
        } finally {
          await file.close();
        }
        continue;
      }
      const read: StoredRangeReader = (s, e) => this.blobs.get(part.blobId, { start: s, end: e });
      // A large range is opened on a body worker, beside this thread's reading and writing.
      yield* decryptRange(read, key, part.size, from, to, blobContext(part.seq), large ? unsealOnWorker : undefined);
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

/** Opens a large GET's segments on a body worker (body-workers.ts). */
function unsealOnWorker(segments: SealedSegments): Promise<Buffer[]> {
  return bodyWorkers().unseal(segments);
}

/**
 * A body declared `expected` bytes long, gathered in memory. The HTTP layer and the aws-chunked
 * decoder already end a body at its declared length; a stream longer still is refused here, so
 * memory stays bounded by the declaration whatever arrives.
 */
async function collect(body: Readable, expected: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > expected) {
      body.destroy();
      throw new AwsError('IncompleteBody', 'The request body is longer than its declared length', { status: 400 });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
}

