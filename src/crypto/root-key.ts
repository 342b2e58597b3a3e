/**
 * The root key: 256 bits that seal every secret Coffer keeps at rest (secret access keys, KMS key
 * material). Nothing sealed can be opened without it, so it is loaded once at start-up, never
 * logged, and checked against a fingerprint so a wrong key fails fast instead of corrupting data.
 *
 * ## Sealed format, version 0x02 (written since root-key rotation)
 *
 * ```
 *   offset   length  field
 *   0        1       version = 0x02
 *   1        4       key id: the first 4 bytes of the sealing root key's fingerprint
 *   5        12      IV, random for every seal
 *   17       n       AES-256-GCM ciphertext (n = plaintext length, may be 0)
 *   17 + n   16      GCM authentication tag
 * ```
 *
 * - Key: HKDF-SHA256(ikm = root key, salt = empty, info = "coffer/seal/v2"), 32 bytes.
 * - AAD: the 5 header bytes (version, key id) followed by the UTF-8 of the record identity, e.g.
 *   `access_keys/AKIAIOSFODNN7EXAMPLE/secret`: a value copied onto another row fails to open, and
 *   so does one whose header was changed.
 * - The key id names which root key of the {@link Sealer}'s ring sealed the value, so a ring of
 *   several keys (during a root-key rotation) opens each value with one GCM attempt. It is derived
 *   from the key, not counted, so processes never need to agree on numbering.
 *
 * ## Sealed format, version 0x01 (read only)
 *
 * ```
 *   0        1       version = 0x01
 *   1        12      IV
 *   13       n       ciphertext
 *   13 + n   16      GCM authentication tag
 * ```
 *
 * Key: HKDF-SHA256(root key, info "coffer/seal/v1"); AAD: the record identity alone. It carries no
 * key id: a ring opens it with each of its keys in turn (GCM fails cleanly with a wrong key).
 *
 * Deriving the AES keys keeps the root key itself out of AES (it also keys the fingerprint HMAC),
 * and each version derives its own key, so a forged version byte can only fail to open. Random
 * 96-bit IVs are safe for far more seals (NIST: 2^32 per key) than Coffer will ever make.
 *
 * ## Root key fingerprint
 *
 * First 8 bytes, hex, of HMAC-SHA256(root key, "coffer-root-key-id"): stored in `meta` on first
 * start, compared on every later one. It identifies the key without revealing anything about it.
 * Rotation (src/crypto/key-ring.ts, src/ops/root-key-rotate.ts) moves it to the new key.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { publicRandom } from './random-pool.js';
import type { Db } from '../store/database.js';

const KEY_BYTES = 32;
const V1 = 0x01;
const V2 = 0x02;
const KEY_ID_BYTES = 4;
const V2_HEADER_BYTES = 1 + KEY_ID_BYTES;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 16;
/**
 * scrypt cost for COFFER_ROOT_PASSPHRASE (OWASP's recommendation; about 128 MiB and a fraction of a
 * second, once per start). Changing these changes the derived key: the fingerprint check would
 * then refuse to start, so they are fixed for the life of a data directory.
 */
const SCRYPT = { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 } as const;
const FINGERPRINT_META_KEY = 'root_key_fingerprint';

export type RootKeySource = 'env' | 'passphrase' | 'file';

/**
 * Loads the 256-bit root key: COFFER_ROOT_KEY (64 hex chars or base64 of 32 bytes), else
 * COFFER_ROOT_PASSPHRASE through scrypt (salt kept in `<dataDir>/root-key.salt`, created 0600 on
 * first use), else `<dataDir>/root.key` (32 random bytes, created 0600 on first start; never
 * seen half-written, even by a racing start).
 * Returns the key and where it came from (for the start-up log, never the key).
 */
export async function loadRootKey(opts: { dataDir: string; env: NodeJS.ProcessEnv }): Promise<{ key: Buffer; source: RootKeySource }> {
  const { dataDir, env } = opts;
  if (env.COFFER_ROOT_KEY) return { key: parseRootKey(env.COFFER_ROOT_KEY), source: 'env' };
  if (env.COFFER_ROOT_PASSPHRASE) {
    const salt = await readOrCreateRandom(dataDir, 'root-key.salt', SALT_BYTES);
    return { key: await deriveKey(env.COFFER_ROOT_PASSPHRASE, salt), source: 'passphrase' };
  }
  return { key: await readOrCreateRandom(dataDir, 'root.key', KEY_BYTES), source: 'file' };
}

/** Hex or base64 of exactly 32 bytes; the message never echoes the value, which is a secret. */
export function parseRootKey(value: string): Buffer {
  const text = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(text)) return Buffer.from(text, 'base64');
  throw new Error('COFFER_ROOT_KEY must be 64 hex characters or the base64 of exactly 32 bytes (e.g. `openssl rand -hex 32`)');
}

function deriveKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, KEY_BYTES, SCRYPT, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Returns the bytes of `<dir>/<name>`, creating it on first use with `size` random bytes, mode
 * 0600. The new file is written and fsynced under a temp name (opened O_EXCL), then published with
 * link(), which like O_EXCL fails if the name exists: a racing start reads the winner's complete
 * file, and no start ever sees a half-written one.
 */
async function readOrCreateRandom(dir: string, name: string, size: number): Promise<Buffer> {
  const path = join(dir, name);
  const existing = await readExisting(path, size);
  if (existing !== undefined) return existing;

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const bytes = randomBytes(size);
  const tmp = join(dir, `.${name}.${randomBytes(8).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await link(tmp, path);
    const dirHandle = await open(dir, 'r');
    await dirHandle.sync().finally(() => dirHandle.close());
    return bytes;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  const winner = await readExisting(path, size);
  if (winner === undefined) throw new Error(`${path} vanished while it was being created`);
  return winner;
}

/** The file's bytes, undefined if it does not exist; throws if it is not exactly `size` bytes. */
async function readExisting(path: string, size: number): Promise<Buffer | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (bytes.length !== size) {
    throw new Error(`${path} holds ${bytes.length} bytes, expected ${size}: it is damaged or not Coffer's`);
  }
  return bytes;
}

/** The public identity of a root key (see the module comment); safe to log and store. */
export function rootKeyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('coffer-root-key-id').digest().subarray(0, 8).toString('hex');
}

/** AAD of `meta.root_key_ring`: the keys a rotation retires, sealed under the new key (src/crypto/key-ring.ts). */
export const RING_AAD = 'meta/root_key_ring';
const RING_META_KEY = 'root_key_ring';

/**
 * Records the root key's fingerprint on first start; on every later start, throws if the key is
 * not the one the data was sealed with, or (during a root-key rotation) its successor: the key
 * the rotation's ring opens under and which holds the recorded key. Resolves to the fingerprint,
 * for the start-up log.
 */
export async function checkRootKeyFingerprint(db: Db, key: Buffer): Promise<string> {
  const fingerprint = rootKeyFingerprint(key);
  // Insert-if-absent then read back: one path for first start and for two processes racing.
  await db
    .insertInto('meta')
    .values({ key: FINGERPRINT_META_KEY, value: fingerprint })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const { value: stored } = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', FINGERPRINT_META_KEY)
    .executeTakeFirstOrThrow();
  const a = Buffer.from(stored);
  const b = Buffer.from(fingerprint);
  if (a.length === b.length && timingSafeEqual(a, b)) return fingerprint;
  if ((await ringKeys(db, key))?.some((k) => rootKeyFingerprint(k) === stored)) return fingerprint;
  throw new Error(
    `the root key (fingerprint ${fingerprint}) is not the one this data directory was created with ` +
      `(fingerprint ${stored}); start with the original COFFER_ROOT_KEY, COFFER_ROOT_PASSPHRASE or root.key` +
      ' (after `coffer root-key rotate`: the new key)',
  );
}

/** The keys of a rotation's ring (`meta.root_key_ring`), if there is one and it opens under `key`. */
export async function ringKeys(db: Db, key: Buffer): Promise<Buffer[] | undefined> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', RING_META_KEY).executeTakeFirst();
  if (!row) return undefined;
  let bytes: Buffer;
  try {
    bytes = new Sealer(key).open(RING_AAD, Buffer.from(row.value, 'base64'));
  } catch (err) {
    if (err instanceof SealError) return undefined;
    throw err;
  }
  if (bytes.length === 0 || bytes.length % KEY_BYTES !== 0) return undefined;
  return Array.from({ length: bytes.length / KEY_BYTES }, (_, i) => bytes.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES));
}

/** A sealed value could not be opened: altered, truncated, unknown version, wrong AAD or wrong key. */
export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

/** One root key of a ring, in the derived forms the formats use. */
interface RingKey {
  /** The root key itself: only {@link Sealer.rootKeys} hands it out. */
  key: Buffer;
  /** The 4-byte key id of the v2 format. */
  id: Buffer;
  fingerprint: string;
  v1: Buffer;
  v2: Buffer;
}

function ringKey(rootKey: Buffer): RingKey {
  if (rootKey.length !== KEY_BYTES) throw new RangeError(`root key must be ${KEY_BYTES} bytes`);
  const fingerprint = rootKeyFingerprint(rootKey);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', rootKey, Buffer.alloc(0), info, KEY_BYTES));
  return { key: Buffer.from(rootKey), id: Buffer.from(fingerprint, 'hex').subarray(0, KEY_ID_BYTES), fingerprint, v1: derive('coffer/seal/v1'), v2: derive('coffer/seal/v2') };
}

/**
 * Seals and opens small secrets under the root key in the formats the module comment specifies.
 *
 * A Sealer holds a ring: the current root key, which seals, and any previous ones, which only
 * open. One instance is shared by every service of a process, so {@link adopt} switches them all
 * at once when a rotation is staged.
 */
export class Sealer {
  /** Current key first. */
  #ring: RingKey[];
  readonly #adoptListeners: Array<(rootKey: Buffer) => void> = [];

  constructor(rootKey: Buffer, previous: readonly Buffer[] = []) {
    this.#ring = [ringKey(rootKey)];
    for (const key of previous) this.#add(ringKey(key));
  }

  /** The fingerprint of the key that seals. */
  get fingerprint(): string {
    return this.#ring[0]!.fingerprint;
  }

  /** Fingerprints of every key the ring opens with, current first. */
  get fingerprints(): string[] {
    return this.#ring.map((k) => k.fingerprint);
  }

  /** Makes `rootKey` the sealing key; the keys held so far still open. */
  adopt(rootKey: Buffer): void {
    const next = ringKey(rootKey);
    this.#ring = [next, ...this.#ring.filter((k) => k.fingerprint !== next.fingerprint)];
    for (const listener of this.#adoptListeners) listener(next.key);
  }

  /**
   * The ring's root keys, current first, and (`onAdopt`) each key adopted later: how a worker
   * thread, which cannot share this object, keeps a Sealer of its own in step with this one (the
   * trail's append worker). The keys go to that thread and nowhere else: never into a log or a reply.
   */
  rootKeys(): Buffer[] {
    return this.#ring.map((k) => k.key);
  }

  /** Calls `listener` with every key adopted from now on (see {@link rootKeys}). */
  onAdopt(listener: (rootKey: Buffer) => void): void {
    this.#adoptListeners.push(listener);
  }

  /** Whether `sealed` is in the current format under the current key (a rotation's re-wrap skips it). */
  isCurrent(sealed: Buffer): boolean {
    return sealed.length >= V2_HEADER_BYTES && sealed[0] === V2 && sealed.subarray(1, V2_HEADER_BYTES).equals(this.#ring[0]!.id);
  }

  /** `aad` names the record the value belongs to, e.g. `access_keys/AKIA.../secret`. */
  seal(aad: string, plaintext: Buffer): Buffer {
    const key = this.#ring[0]!;
    const header = Buffer.concat([Buffer.of(V2), key.id]);
    const iv = publicRandom(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.v2, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.concat([header, aadBytes(aad)]));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, iv, ciphertext, cipher.getAuthTag()]);
  }

  /** Throws SealError if the blob was altered, truncated, has an unknown version, or was sealed with another AAD or a key the ring lacks. */
  open(aad: string, sealed: Buffer): Buffer {
    const identity = aadBytes(aad);
    if (sealed.length < 1) throw new SealError('sealed value is truncated');
    if (sealed[0] === V1) {
      if (sealed.length < 1 + IV_BYTES + TAG_BYTES) throw new SealError('sealed value is truncated');
      for (const key of this.#ring) {
        const plain = tryOpen(key.v1, sealed.subarray(1), identity);
        if (plain) return plain;
      }
      throw failedAuthentication();
    }
    if (sealed[0] === V2) {
      if (sealed.length < V2_HEADER_BYTES + IV_BYTES + TAG_BYTES) throw new SealError('sealed value is truncated');
      const id = sealed.subarray(1, V2_HEADER_BYTES);
      const keys = this.#ring.filter((k) => k.id.equals(id));
      if (keys.length === 0) throw new SealError(`sealed value names root key ${id.toString('hex')}, which this server does not hold`);
      const aadWithHeader = Buffer.concat([sealed.subarray(0, V2_HEADER_BYTES), identity]);
      for (const key of keys) {
        const plain = tryOpen(key.v2, sealed.subarray(V2_HEADER_BYTES), aadWithHeader);
        if (plain) return plain;
      }
      throw failedAuthentication();
    }
    throw new SealError(`sealed value has unknown format version ${sealed[0]}`);
  }

  #add(key: RingKey): void {
    if (!this.#ring.some((k) => k.fingerprint === key.fingerprint)) this.#ring.push(key);
  }
}

/** IV || ciphertext || tag opened with `key`, or undefined if it does not authenticate. */
function tryOpen(key: Buffer, body: Buffer, aad: Buffer): Buffer | undefined {
  const iv = body.subarray(0, IV_BYTES);
  const ciphertext = body.subarray(IV_BYTES, body.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  decipher.setAAD(aad);
  try {
    // update() output is unauthenticated until final() succeeds; only then is it returned.
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

function failedAuthentication(): SealError {
  return new SealError('sealed value failed authentication: altered, or sealed for another record or with another root key');
}

function aadBytes(aad: string): Buffer {
  // An empty identity would let any two unnamed values be swapped for each other.
  if (aad === '') throw new TypeError('seal AAD must name the record the value belongs to');
  return Buffer.from(aad, 'utf8');
}
