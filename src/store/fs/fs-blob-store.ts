/**
 * Blobs as files on local disk:
 *
 *   <dir>/tmp/<random>.tmp   a put in progress (or left by a crash: `sweep` removes it)
 *   <dir>/ab/cd/<id>          a finished blob; id = 32 random hex chars, `ab`, `cd` its first 4
 *
 * A put writes the temp file, fsyncs it, renames it into place and fsyncs the directory, so a
 * blob is either absent or complete after a crash. Temp files live under `dir` so the rename
 * never crosses a filesystem. Files are 0600 and directories 0700: blobs may hold plaintext.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { NoSuchBlobError, type BlobStore, type NewBlobFile } from '../blobs.js';

const ID_PATTERN = /^[0-9a-f]{32}$/;
const SHARD_PATTERN = /^[0-9a-f]{2}$/;
const TMP_DIR = 'tmp';
/**
 * Bytes gathered into one write (chunks already in memory, not copies), and read in one go: large
 * enough that thread-pool round trips don't bound throughput, small enough that memory stays flat.
 * Small enough too that a batch's chunks die young: with eight bodies streaming at once a 1 MiB
 * batch took ~14 ms to fill, long enough for its chunks to outlive two scavenges and be promoted,
 * and the promoted buffers set off a full collection every ~70 ms (39 for 24 PUTs of 64 MiB; 8
 * with 256 KiB batches, which cut the marking threads' CPU by more than half).
 */
const WRITE_BATCH = 256 << 10;
const READ_CHUNK = 256 << 10;
/** Bytes written between background flushes of a blob being written. */
const EARLY_FLUSH_BYTES = 8 << 20;

/**
 * The background flushes of a blob being written (here, or by a body worker through its
 * descriptor): every EARLY_FLUSH_BYTES the file's dirty pages are flushed while the body still
 * streams, so the commit's final sync has only the tail left and a large body is not held up by
 * one long sync at its end. A failed flush fails the write (a failed fsync may leave pages marked
 * clean: never retry it), so only the first error is kept.
 */
export class EarlyFlush {
  private unflushed = 0;
  private flushing: Promise<void> | undefined;
  /** The first flush that failed. */
  error: unknown;

  constructor(private readonly datasync: () => Promise<void>) {}

  /** `bytes` more were written: starts a flush when one is due and none is under way. */
  wrote(bytes: number): void {
    this.unflushed += bytes;
    if (this.unflushed < EARLY_FLUSH_BYTES || this.flushing) return;
    this.unflushed = 0;
    this.flushing = this.datasync().catch((err: unknown) => { this.error ??= err; }).finally(() => { this.flushing = undefined; });
  }

  /** Resolves once no flush is under way (the file may then be synced, closed or removed). */
  async settled(): Promise<void> {
    await this.flushing;
  }
}

export class FsBlobStore implements BlobStore {
  private readonly tmpDir: string;
  /** Temp files of puts in flight in this process, which `sweep` must leave alone. */
  private readonly active = new Set<string>();
  private ready: Promise<void> | undefined;

  constructor(private readonly dir: string) {
    this.tmpDir = join(dir, TMP_DIR);
  }

  async put(body: AsyncIterable<Uint8Array> | Readable): Promise<{ id: string; size: number }> {
    const file = await this.create();
    const fh = file.handle;
    let size = 0;
    try {
      // Chunks are gathered into writes of about WRITE_BATCH bytes: one thread-pool round trip per
      // megabyte instead of per 64 KiB segment, while the stream upstream keeps encrypting.
      let batch: Uint8Array[] = [];
      let batched = 0;
      const flush = new EarlyFlush(() => fh.datasync());
      const write = async () => {
        await writeAll(fh, batch, batched);
        size += batched;
        flush.wrote(batched);
        batch = [];
        batched = 0;
      };
      try {
        for await (const chunk of body as AsyncIterable<unknown>) {
          if (!(chunk instanceof Uint8Array)) {
            throw new TypeError('blob body must yield bytes (Buffer or Uint8Array), not strings or objects');
          }
          batch.push(chunk);
          batched += chunk.byteLength;
          if (batched >= WRITE_BATCH) await write();
        }
        await write();
      } finally {
        await flush.settled();
      }
      if (flush.error) throw flush.error;
    } catch (err) {
      await file.abort();
      throw err;
    }
    return { id: await file.commit(), size };
  }

  /**
   * A new blob's temp file, open for writing (here through `handle`, or by another thread through
   * its descriptor). `commit` makes it durable (fsync, rename into place, fsync the directory) and
   * names it; `abort` removes it. Call one of them, once, when nothing writes the file any more.
   */
  async create(): Promise<NewBlobFile> {
    await this.init();
    const tmpName = `${randomBytes(16).toString('hex')}.tmp`;
    const tmpPath = join(this.tmpDir, tmpName);
    this.active.add(tmpName);
    let handle: FileHandle;
    try {
      handle = await open(tmpPath, 'wx', 0o600);
    } catch (err) {
      this.active.delete(tmpName);
      throw err;
    }
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await handle.close();
    };
    return {
      handle,
      commit: async () => {
        try {
          await handle.sync();
          await close();
          const id = randomBytes(16).toString('hex');
          const shard = this.shardDir(id);
          // mkdir reports the first directory it had to create: those new entries need their parents synced too.
          const created = await mkdir(shard, { recursive: true, mode: 0o700 });
          await rename(tmpPath, join(shard, id));
          await syncDir(shard);
          if (created !== undefined) {
            await syncDir(join(shard, '..'));
            await syncDir(this.dir);
          }
          this.active.delete(tmpName);
          return id;
        } catch (err) {
          await this.discard(tmpName, close);
          throw err;
        }
      },
      abort: () => this.discard(tmpName, close),
    };
  }

  /** Closes and removes a temp file that will not become a blob. */
  private async discard(tmpName: string, close: () => Promise<void>): Promise<void> {
    await close().catch(() => undefined);
    await unlink(join(this.tmpDir, tmpName)).catch(() => undefined);
    this.active.delete(tmpName);
  }

  async get(id: string, range?: { start: number; end: number }): Promise<Readable> {
    const fh = await this.open(id);
    try {
      if (range !== undefined) {
        const { size } = await fh.stat();
        const { start, end } = range;
        if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= size) {
          throw new RangeError(`range ${start}-${end} is outside blob of ${size} bytes`);
        }
      }
      // Reading from the open handle keeps the bytes readable even if the blob is deleted meanwhile.
      return fh.createReadStream({ ...range, highWaterMark: READ_CHUNK });
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async size(id: string): Promise<number> {
    try {
      return (await stat(this.blobPath(id))).size;
    } catch (err) {
      throw notFoundAs(err, id);
    }
  }

  async delete(id: string): Promise<void> {
    if (!ID_PATTERN.test(id)) return;
    try {
      await unlink(this.blobPath(id));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    // No directory fsync: a delete undone by a crash leaves an orphan for GC, never lost data.
  }

  async sweep(): Promise<number> {
    await this.init();
    let removed = 0;
    for (const name of await readdir(this.tmpDir)) {
      if (this.active.has(name)) continue;
      try {
        await unlink(join(this.tmpDir, name));
        removed++;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return removed;
  }

  async *list(): AsyncIterable<{ id: string; writtenAt: Date }> {
    for (const a of await entries(this.dir)) {
      if (!SHARD_PATTERN.test(a)) continue;
      for (const b of await entries(join(this.dir, a))) {
        if (!SHARD_PATTERN.test(b)) continue;
        for (const id of await entries(join(this.dir, a, b))) {
          if (!ID_PATTERN.test(id) || id.slice(0, 4) !== a + b) continue;
          try {
            // A blob is written once (temp file, then rename): its mtime is when it was written.
            yield { id, writtenAt: (await stat(join(this.dir, a, b, id))).mtime };
          } catch (err) {
            if (!isNotFound(err)) throw err; // deleted meanwhile
          }
        }
      }
    }
  }

  private init(): Promise<void> {
    this.ready ??= mkdir(this.tmpDir, { recursive: true, mode: 0o700 }).then(
      () => undefined,
      (err: unknown) => {
        this.ready = undefined; // let a later call retry (e.g. after the operator fixes permissions)
        throw err;
      },
    );
    return this.ready;
  }

  private shardDir(id: string): string {
    return join(this.dir, id.slice(0, 2), id.slice(2, 4));
  }

  /** The blob's path; ids that this store could not have made are absent (and never reach the filesystem). */
  private blobPath(id: string): string {
    if (!ID_PATTERN.test(id)) throw new NoSuchBlobError(id);
    return join(this.shardDir(id), id);
  }

  async open(id: string): Promise<FileHandle> {
    try {
      return await open(this.blobPath(id), 'r');
    } catch (err) {
      throw notFoundAs(err, id);
    }
  }
}

/** Writes `chunks` (`total` bytes) in order; writev may write less than asked, so the rest follows. */
async function writeAll(fh: FileHandle, chunks: Uint8Array[], total: number): Promise<void> {
  if (total === 0) return;
  let written = (await fh.writev(chunks)).bytesWritten;
  for (const chunk of chunks) {
    if (written >= chunk.byteLength) {
      written -= chunk.byteLength;
      continue;
    }
    let offset = written;
    written = 0;
    while (offset < chunk.byteLength) offset += (await fh.write(chunk, offset, chunk.byteLength - offset)).bytesWritten;
  }
}

/** fsync a directory so a rename or a new entry in it survives a crash. */
async function syncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** A directory's entry names; none if it is gone (emptied and removed meanwhile, or never made). */
async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

function notFoundAs(err: unknown, id: string): unknown {
  return isNotFound(err) ? new NoSuchBlobError(id) : err;
}
