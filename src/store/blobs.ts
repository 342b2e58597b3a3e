/**
 * The narrow interface every blob backend implements (local disk today). Blobs are opaque,
 * immutable byte strings named by ids the store chooses; what they mean (object data, encrypted
 * or not) and which ids are live is the metadata store's business, not the blob store's.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

export interface BlobStore {
  /**
   * Streams `body` to a new blob and makes it durable (temp file, fsync, rename, fsync dir);
   * resolves to its id and size. Nothing is visible under the id until it resolves; on error or
   * abort the temp file is removed. Ids are random, never derived from the content or the caller.
   */
  put(body: AsyncIterable<Uint8Array> | Readable): Promise<{ id: string; size: number }>;
  /**
   * Readable of the bytes [start, end] inclusive (whole blob when no range). Rejects with
   * NoSuchBlobError if absent, RangeError unless 0 <= start <= end < size.
   */
  get(id: string, range?: { start: number; end: number }): Promise<Readable>;
  /**
   * Only where blobs are local files: the blob's file, open for reading, so that another thread
   * can read it by its descriptor (a body worker: services/s3/body-workers.ts). It stays readable
   * while open, even if the blob is deleted meanwhile. The caller closes it. NoSuchBlobError if absent.
   */
  open?(id: string): Promise<FileHandle>;
  /**
   * Only where blobs are local files: a new blob's temp file, open for writing, so that another
   * thread can write it by its descriptor (a body worker sealing a large PUT). Nothing is visible
   * until `commit` resolves to the new blob's id, having made it durable as `put` does; `abort`
   * removes it. Call one of them, once, when nothing writes the file any more.
   */
  create?(): Promise<NewBlobFile>;
  /** Size in bytes; NoSuchBlobError if absent. */
  size(id: string): Promise<number>;
  /** Idempotent: deleting an absent blob resolves. */
  delete(id: string): Promise<void>;
  /** Removes temp files left by a crash (call on start); resolves to how many it removed. */
  sweep(): Promise<number>;
  /**
   * Every finished blob and when it was written, in no particular order (puts in progress are not
   * listed): the orphan sweep compares them with the ids the metadata references.
   */
  list(): AsyncIterable<{ id: string; writtenAt: Date }>;
}

/** A blob being written through its file (BlobStore.create). */
export interface NewBlobFile {
  handle: FileHandle;
  commit(): Promise<string>;
  abort(): Promise<void>;
}

/** The blob does not exist (never written, deleted, or not an id this store could have made). */
export class NoSuchBlobError extends Error {
  readonly code = 'NoSuchBlob';
  constructor(readonly blobId: string) {
    super(`no such blob: ${blobId}`);
    this.name = 'NoSuchBlobError';
  }
}
