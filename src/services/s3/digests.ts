/**
 * The digests S3 reports for a body it receives (MD5 for the ETag, the flexible checksum), computed
 * as the body streams. For a large body they are computed on a worker thread (body-workers.ts), so that hashing
 * runs beside the request's thread, which encrypts and writes: on one thread MD5 alone runs at
 * about half the speed of AES-256-GCM and would bound every large PUT. Small bodies are hashed
 * inline, where a thread hop would cost more than it saves.
 */
import { createHash } from 'node:crypto';
import { createChecksum, type ChecksumAlgorithm } from '../../auth/checksums.js';
import { bodyWorkers } from './body-workers.js';

export interface DigestOptions {
  /** Whether the MD5 is needed (the ETag of an SSE-S3 object, or a Content-MD5 to check). */
  md5: boolean;
  algorithm: ChecksumAlgorithm;
  /** The body's declared size, if known: bodies from OFFLOAD_MIN_BYTES up are hashed off-thread. */
  sizeHint?: number;
}

export interface DigestResult {
  md5?: Buffer;
  /** base64, as on the wire. */
  checksum: string;
}

/** A body's running digests; `update` returns a promise when the caller should wait for the worker to catch up. */
export interface BodyDigests {
  update(chunk: Buffer): Promise<void> | undefined;
  /** Call once, after the last update. */
  result(): Promise<DigestResult>;
  /** Forget the body (it failed): frees the worker's state. */
  discard(): void;
}

/** Bodies (and GET ranges, body.ts) from this size up are worked on a body worker. */
export const OFFLOAD_MIN_BYTES = 1 << 20;

export function bodyDigests(opts: DigestOptions): BodyDigests {
  return opts.sizeHint !== undefined && opts.sizeHint >= OFFLOAD_MIN_BYTES ? bodyWorkers().digests(opts) : inlineDigests(opts);
}

function inlineDigests(opts: DigestOptions): BodyDigests {
  const md5 = opts.md5 ? createHash('md5') : undefined;
  const checksum = createChecksum(opts.algorithm);
  return {
    update(chunk) {
      md5?.update(chunk);
      checksum.update(chunk);
      return undefined;
    },
    async result() {
      return { md5: md5?.digest(), checksum: checksum.digest() };
    },
    discard() {},
  };
}

