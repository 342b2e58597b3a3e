/**
 * Random bytes for values that are written out in the clear (IVs, nonces, ids), drawn from the
 * CSPRNG 4 KiB at a time and handed out in order, each byte once: the way node:crypto's randomUUID
 * buffers its randomness. A randomFillSync call costs about 1.3 µs whatever its size (it sets up a
 * crypto job), more than a KMS Encrypt's whole AES-GCM; a copy out of the pool costs 0.06 µs.
 *
 * Never for secrets (keys, data keys): the pool holds bytes before they are used.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let used = POOL_BYTES;

/** `size` fresh random bytes, in a buffer that may share memory with others (Node's small-buffer pool). */
export function publicRandom(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  if (size > POOL_BYTES) return randomFillSync(out);
  if (used + size > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  pool.copy(out, 0, used, used + size);
  used += size;
  return out;
}
