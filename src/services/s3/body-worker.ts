/**
 * The worker thread behind body-workers.ts. It hashes the bodies it is sent (digests.ts), each in
 * its own session, in the order their bytes arrive, acknowledging every batch so the sender can
 * bound what is in flight; and it opens batches of a stored body's sealed segments for a GET
 * (crypto/object-stream.ts), answering with their plaintext only once every tag verified.
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { createChecksum, type Checksum, type ChecksumAlgorithm } from '../../auth/checksums.js';
import { ObjectStreamError, openSegments } from '../../crypto/object-stream.js';

export type BodyWorkerRequest =
  | { type: 'open'; id: number; md5: boolean; algorithm: ChecksumAlgorithm }
  | { type: 'data'; id: number; bytes: ArrayBuffer; length: number }
  | { type: 'close'; id: number }
  | { type: 'discard'; id: number }
  /** SealedSegments (object-stream.ts) as plain bytes: `sealed` (its first `length` bytes) moves here, the rest is copied. */
  | { type: 'unseal'; id: number; key: Uint8Array; header: Uint8Array; context: Uint8Array; plaintextSize: number; firstIndex: number; sealed: ArrayBuffer; length: number };

export type BodyWorkerReply =
  /** `bytes` is the batch's memory, handed back for the sender to reuse. */
  | { type: 'hashed'; id: number; length: number; bytes: ArrayBuffer }
  | { type: 'done'; id: number; md5?: Uint8Array; checksum: string }
  | { type: 'failed'; id: number; message: string }
  /** `sealed` is the request's memory, handed back for the sender to reuse. */
  | { type: 'unsealed'; id: number; plaintext: ArrayBuffer[]; sealed: ArrayBuffer }
  /** `corrupt`: the segments failed authentication (an ObjectStreamError), not the worker. */
  | { type: 'unseal-failed'; id: number; message: string; corrupt: boolean; sealed: ArrayBuffer };

const sessions = new Map<number, { md5?: Hash; checksum: Checksum }>();

parentPort?.on('message', (message: BodyWorkerRequest) => {
  const reply = (r: BodyWorkerReply) => parentPort!.postMessage(r);
  switch (message.type) {
    case 'open':
      sessions.set(message.id, { md5: message.md5 ? createHash('md5') : undefined, checksum: createChecksum(message.algorithm) });
      return;
    case 'data': {
      const session = sessions.get(message.id);
      if (session) {
        const bytes = new Uint8Array(message.bytes, 0, message.length);
        session.md5?.update(bytes);
        session.checksum.update(bytes);
      }
      parentPort!.postMessage({ type: 'hashed', id: message.id, length: message.length, bytes: message.bytes } satisfies BodyWorkerReply, [message.bytes]);
      return;
    }
    case 'close': {
      const session = sessions.get(message.id);
      if (!session) return reply({ type: 'failed', id: message.id, message: 'no such digest session' });
      sessions.delete(message.id);
      reply({ type: 'done', id: message.id, md5: session.md5?.digest(), checksum: session.checksum.digest() });
      return;
    }
    case 'discard':
      sessions.delete(message.id);
      return;
    case 'unseal': {
      const { id, sealed } = message;
      try {
        const opened = openSegments({
          key: Buffer.from(message.key.buffer, message.key.byteOffset, message.key.byteLength),
          header: Buffer.from(message.header.buffer, message.header.byteOffset, message.header.byteLength),
          context: Buffer.from(message.context.buffer, message.context.byteOffset, message.context.byteLength),
          plaintextSize: message.plaintextSize, firstIndex: message.firstIndex, sealed: [Buffer.from(sealed, 0, message.length)],
        });
        // Moved back, not copied: each piece the decipher gave has memory of its own (else it is copied).
        const plaintext = opened.map((piece) => (piece.byteOffset === 0 && piece.byteLength === piece.buffer.byteLength ? piece.buffer : new Uint8Array(piece).buffer) as ArrayBuffer);
        parentPort!.postMessage({ type: 'unsealed', id, plaintext, sealed } satisfies BodyWorkerReply, [...plaintext, sealed]);
      } catch (err) {
        parentPort!.postMessage({ type: 'unseal-failed', id, message: (err as Error).message, corrupt: err instanceof ObjectStreamError, sealed } satisfies BodyWorkerReply, [sealed]);
      }
      return;
    }
  }
});
