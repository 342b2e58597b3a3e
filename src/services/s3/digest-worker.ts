/**
 * The worker thread behind digests.ts: hashes the bodies it is sent, each in its own session, in
 * the order their bytes arrive, and acknowledges every batch so the sender can bound what is in
 * flight.
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { createChecksum, type Checksum, type ChecksumAlgorithm } from '../../auth/checksums.js';

export type DigestRequest =
  | { type: 'open'; id: number; md5: boolean; algorithm: ChecksumAlgorithm }
  | { type: 'data'; id: number; bytes: ArrayBuffer; length: number }
  | { type: 'close'; id: number }
  | { type: 'discard'; id: number };

export type DigestReply =
  /** `bytes` is the batch's memory, handed back for the sender to reuse. */
  | { type: 'hashed'; id: number; length: number; bytes: ArrayBuffer }
  | { type: 'done'; id: number; md5?: Uint8Array; checksum: string }
  | { type: 'failed'; id: number; message: string };

const sessions = new Map<number, { md5?: Hash; checksum: Checksum }>();

parentPort?.on('message', (message: DigestRequest) => {
  const reply = (r: DigestReply) => parentPort!.postMessage(r);
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
      parentPort!.postMessage({ type: 'hashed', id: message.id, length: message.length, bytes: message.bytes } satisfies DigestReply, [message.bytes]);
      return;
    }
    case 'close': {
      const session = sessions.get(message.id);
      if (!session) return reply({ type: 'failed', id: message.id, message: 'no such digest session' });
      sessions.delete(message.id);
      session.checksum.digest().then(
        (checksum) => reply({ type: 'done', id: message.id, md5: session.md5?.digest(), checksum }),
        (err: unknown) => reply({ type: 'failed', id: message.id, message: String(err) }),
      );
      return;
    }
    case 'discard':
      sessions.delete(message.id);
      return;
  }
});
