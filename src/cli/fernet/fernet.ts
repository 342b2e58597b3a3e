import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual, type Cipher, type Decipher, type Hmac } from 'node:crypto';
import { Base64Decoder, Base64Encoder, Base64Error, chainCodecs, type Codec } from '../envelope/codec.js';
import { CliError } from '../envelope/errors.js';

/**
 * Fernet, version 0x80 (https://github.com/fernet/spec/blob/master/Spec.md), built on node:crypto.
 *
 * Key   = base64url( signing-key (16 bytes) ‖ encryption-key (16 bytes) )
 * Token = base64url( 0x80 ‖ timestamp (u64 BE, seconds) ‖ IV (16) ‖ AES-128-CBC/PKCS7 ciphertext
 *                    ‖ HMAC-SHA256(signing-key, everything before it) )
 *
 * FernetEncryptor/FernetDecryptor work on the raw (binary) token; tokenEncryptor/tokenDecryptor
 * add the base64url text form. All of them stream, so memory stays flat for any size.
 * Like Python's `cryptography.fernet`, every failure on decrypt is one `InvalidToken` with no
 * detail: a padding error must look exactly like a bad HMAC.
 *
 * Streaming decryption emits plaintext before the HMAC at the very end has been checked, so the
 * caller must release its output only after `final()` returned (the CLI writes to a temp file and
 * renames it, or spools stdout); `final()` throws if the token is not authentic.
 */
export const FERNET_VERSION = 0x80;
const HEADER_BYTES = 1 + 8 + 16;
const HMAC_BYTES = 32;
/** Python's cryptography refuses tokens stamped more than 60 s in its future when a TTL is given. */
export const MAX_CLOCK_SKEW_SECONDS = 60;

/** The only error a Fernet decryption reports. */
export class InvalidToken extends CliError {
  /** `reason` is given only for the timestamp checks, whose inputs are public anyway. */
  constructor(reason = 'wrong key, or a corrupted or tampered token') {
    super(`invalid Fernet token: ${reason}`);
  }
}

/** A parsed Fernet key. */
export interface FernetKey {
  signingKey: Buffer;
  encryptionKey: Buffer;
}

/** A new random key, base64url with padding, as Python's `Fernet.generate_key()`. */
export function generateKey(): string {
  return toBase64Url(randomBytes(32));
}

/** base64url with padding (Python's urlsafe_b64encode); Node's 'base64url' drops the padding. */
function toBase64Url(bytes: Buffer): string {
  const text = bytes.toString('base64url');
  return text + '='.repeat((4 - (text.length % 4)) % 4);
}

/** Parses a base64url key; the message is Python's ValueError text for the same mistake. */
export function parseKey(key: string): FernetKey {
  const text = key.trim();
  const raw = /^[A-Za-z0-9_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64url') : Buffer.alloc(0);
  if (raw.length !== 32) throw new Error('Fernet key must be 32 url-safe base64-encoded bytes.');
  return keyFromBytes(raw);
}

/** A key from 32 raw bytes (a KMS data key): the first half signs, the second encrypts. */
export function keyFromBytes(raw: Uint8Array): FernetKey {
  if (raw.length !== 32) throw new Error('Fernet key must be 32 url-safe base64-encoded bytes.');
  return { signingKey: Buffer.from(raw.subarray(0, 16)), encryptionKey: Buffer.from(raw.subarray(16, 32)) };
}

/** Options for tests and for deterministic vectors; production callers pass neither. */
export interface EncryptOptions {
  now?: Date;
  iv?: Buffer;
}

/** Encrypts a stream of plaintext into the raw bytes of one token. */
export class FernetEncryptor implements Codec {
  private readonly cipher: Cipher;
  private readonly hmac: Hmac;
  private header: Buffer | undefined;

  constructor(key: FernetKey, options: EncryptOptions = {}) {
    const iv = options.iv ?? randomBytes(16);
    const header = Buffer.alloc(HEADER_BYTES);
    header[0] = FERNET_VERSION;
    header.writeBigUInt64BE(BigInt(Math.floor((options.now ?? new Date()).getTime() / 1000)), 1);
    iv.copy(header, 9);
    this.header = header;
    this.cipher = createCipheriv('aes-128-cbc', key.encryptionKey, iv);
    this.hmac = createHmac('sha256', key.signingKey).update(header);
  }

  update(chunk: Buffer): Buffer {
    const out = this.cipher.update(chunk);
    this.hmac.update(out);
    return this.withHeader(out);
  }

  final(): Buffer {
    const last = this.cipher.final();
    this.hmac.update(last);
    return this.withHeader(Buffer.concat([last, this.hmac.digest()]));
  }

  /** The header leaves with the first output, so an empty message is still one whole token. */
  private withHeader(out: Buffer): Buffer {
    if (!this.header) return out;
    const header = this.header;
    this.header = undefined;
    return Buffer.concat([header, out]);
  }
}

/** Options for decryption: a TTL in seconds and, for tests, the current time. */
export interface DecryptOptions {
  ttlSeconds?: number;
  now?: Date;
}

/** Decrypts the raw bytes of one token; see the module comment on releasing its output. */
export class FernetDecryptor implements Codec {
  private readonly hmac: Hmac;
  private decipher: Decipher | undefined;
  private header = Buffer.alloc(0);
  /** The last 32 bytes seen: the HMAC once the token has ended. */
  private tail = Buffer.alloc(0);
  private bodyBytes = 0;

  constructor(private readonly key: FernetKey, private readonly options: DecryptOptions = {}) {
    this.hmac = createHmac('sha256', key.signingKey);
  }

  update(chunk: Buffer): Buffer {
    let data = chunk;
    if (!this.decipher) {
      const need = HEADER_BYTES - this.header.length;
      this.header = Buffer.concat([this.header, data.subarray(0, need)]);
      data = data.subarray(need);
      if (this.header.length < HEADER_BYTES) return Buffer.alloc(0);
      this.checkHeader();
      this.hmac.update(this.header);
      this.decipher = createDecipheriv('aes-128-cbc', this.key.encryptionKey, this.header.subarray(9, 25));
    }
    // Hold back the last 32 bytes: they may be the HMAC rather than ciphertext.
    const joined = Buffer.concat([this.tail, data]);
    const cut = Math.max(0, joined.length - HMAC_BYTES);
    this.tail = Buffer.from(joined.subarray(cut));
    const body = joined.subarray(0, cut);
    this.bodyBytes += body.length;
    this.hmac.update(body);
    return this.decipher.update(body);
  }

  final(): Buffer {
    if (!this.decipher || this.tail.length < HMAC_BYTES || this.bodyBytes === 0 || this.bodyBytes % 16 !== 0) throw new InvalidToken();
    const expected = this.hmac.digest();
    if (!timingSafeEqual(expected, this.tail)) throw new InvalidToken();
    try {
      return this.decipher.final();
    } catch {
      throw new InvalidToken();
    }
  }

  /** Version and TTL come before the HMAC, in the spec's order (and Python's). */
  private checkHeader(): void {
    if (this.header[0] !== FERNET_VERSION) throw new InvalidToken();
    const { ttlSeconds, now } = this.options;
    if (ttlSeconds === undefined) return;
    const stamped = Number(this.header.readBigUInt64BE(1));
    const current = Math.floor((now ?? new Date()).getTime() / 1000);
    if (stamped + ttlSeconds < current) throw new InvalidToken(`expired (created ${new Date(stamped * 1000).toISOString()}, TTL ${ttlSeconds} s)`);
    if (current + MAX_CLOCK_SKEW_SECONDS < stamped) throw new InvalidToken('created in the future (clock skew over 60 s)');
  }
}

/** Plaintext in, a base64url token out (what Python's `Fernet.encrypt` returns). */
export function tokenEncryptor(key: FernetKey, options: EncryptOptions = {}): Codec {
  return chainCodecs(new FernetEncryptor(key, options), new Base64Encoder('base64url'));
}

/** A base64url token in, plaintext out; text that is not base64 is an InvalidToken too. */
export function tokenDecryptor(key: FernetKey, options: DecryptOptions = {}): Codec {
  const inner = chainCodecs(new Base64Decoder(), new FernetDecryptor(key, options));
  const guard = (f: () => Buffer) => {
    try {
      return f();
    } catch (err) {
      throw err instanceof Base64Error ? new InvalidToken() : err;
    }
  };
  return { update: (chunk) => guard(() => inner.update(chunk)), final: () => guard(() => inner.final()) };
}
