import { Transform, type TransformCallback } from 'node:stream';
import { checkRequiredContext, isKeyArn, type ContextArgs } from '../envelope/args.js';
import type { Codec } from '../envelope/codec.js';
import { CliError } from '../envelope/errors.js';
import { regionOf, type CliKms } from '../envelope/kms-client.js';
import { keyFromBytes, tokenDecryptor, tokenEncryptor } from './fernet.js';

/**
 * `coffer encrypt --format fernet`: a Fernet token under a fresh KMS data key, stored with the
 * data key as KMS wrapped it, so decrypting needs only KMS (as seed 000 pairs KMS and Fernet).
 *
 * Format (version 1), text:
 *
 *   line 1  one-line JSON, then "\n":
 *           {"format":"coffer-fernet-kms","version":1,"keyId":"<key ARN GenerateDataKey returned>",
 *            "encryptionContext":{...},"encryptedDataKey":"<base64 of KMS CiphertextBlob>"}
 *   rest    the Fernet token, base64url exactly as Python's cryptography makes it (no newline)
 *
 * The data key is GenerateDataKey(KeySpec AES_256): 32 bytes, the first 16 Fernet's signing key
 * and the last 16 its encryption key, i.e. base64url(Plaintext) is the Fernet key. The encryption
 * context (`-c`) is bound by KMS to the wrapped key. In Python:
 *
 *   header, token = data.split(b"\n", 1); h = json.loads(header)
 *   key = kms.decrypt(CiphertextBlob=base64.b64decode(h["encryptedDataKey"]), KeyId=h["keyId"],
 *                     EncryptionContext=h["encryptionContext"])["Plaintext"]
 *   Fernet(base64.urlsafe_b64encode(key)).decrypt(token)
 *
 * A reader refuses any other format or version rather than guess.
 */
export const ENVELOPE_FORMAT = 'coffer-fernet-kms';
/** Bumped on any change a version-1 reader would misread. */
export const ENVELOPE_VERSION = 1;
const MAX_HEADER_BYTES = 64 * 1024;

/** Line 1 of an envelope. */
export interface EnvelopeHeader {
  format: typeof ENVELOPE_FORMAT;
  version: typeof ENVELOPE_VERSION;
  keyId: string;
  encryptionContext: Record<string, string>;
  encryptedDataKey: string;
}

/**
 * A Transform whose first chunk waits for an async start (a KMS call), then runs a codec. The
 * start happens on the first chunk or, for empty input, at the end: an empty file still becomes
 * a whole envelope.
 */
abstract class KmsCodecStream extends Transform {
  private codec: Codec | undefined;

  /** Consumes what it needs of the first bytes and returns the codec for the rest. */
  protected abstract start(head: Buffer, ending: boolean): Promise<{ codec: Codec; rest: Buffer } | undefined>;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.feed(chunk, false).then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    this.feed(Buffer.alloc(0), true).then(() => done(), done);
  }

  private async feed(chunk: Buffer, ending: boolean): Promise<void> {
    let data = chunk;
    if (!this.codec) {
      const started = await this.start(chunk, ending);
      if (!started) return;
      this.codec = started.codec;
      data = started.rest;
    }
    if (data.length) this.push(this.codec.update(data));
    if (ending) this.push(this.codec.final());
  }
}

/** Encrypts a stream into an envelope under a new data key of `keyId`. */
export class FernetKmsEncryptStream extends KmsCodecStream {
  constructor(private readonly kmsFor: (region: string) => CliKms, private readonly keyId: string, private readonly context: Record<string, string>) {
    super();
  }

  protected async start(head: Buffer): Promise<{ codec: Codec; rest: Buffer }> {
    const out = await this.kmsFor(regionOf(this.keyId)).generateDataKey({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: this.context });
    if (!out.Plaintext || !out.CiphertextBlob || !out.KeyId) throw new CliError('KMS GenerateDataKey returned no data key');
    const key = keyFromBytes(out.Plaintext);
    out.Plaintext.fill(0);
    const header: EnvelopeHeader = {
      format: ENVELOPE_FORMAT,
      version: ENVELOPE_VERSION,
      keyId: out.KeyId,
      encryptionContext: this.context,
      encryptedDataKey: Buffer.from(out.CiphertextBlob).toString('base64'),
    };
    this.push(`${JSON.stringify(header)}\n`);
    return { codec: tokenEncryptor(key), rest: head };
  }
}

/** What a decryption requires of an envelope. */
export interface FernetKmsDecryptOptions {
  required: ContextArgs;
  /** When given, the envelope must name this key ARN (and KMS is asked for it only). */
  keyId?: string;
  ttlSeconds?: number;
}

/** Parses line 1 of an envelope, with one-line errors for anything else. */
export function parseEnvelopeHeader(line: string): EnvelopeHeader {
  let h: Partial<EnvelopeHeader>;
  try {
    h = JSON.parse(line) as Partial<EnvelopeHeader>;
  } catch {
    throw new CliError('the input is not a Coffer Fernet envelope (its first line is not JSON)');
  }
  if (h?.format !== ENVELOPE_FORMAT) throw new CliError(`the input is not a Coffer Fernet envelope (format is not "${ENVELOPE_FORMAT}")`);
  if (h.version !== ENVELOPE_VERSION) throw new CliError(`unsupported Coffer Fernet envelope version ${String(h.version)} (this coffer reads version ${ENVELOPE_VERSION})`);
  const context = h.encryptionContext ?? {};
  const contextOk = typeof context === 'object' && !Array.isArray(context) && Object.values(context).every((v) => typeof v === 'string');
  if (typeof h.keyId !== 'string' || typeof h.encryptedDataKey !== 'string' || !contextOk) throw new CliError('the Coffer Fernet envelope header is damaged');
  return { format: h.format, version: h.version, keyId: h.keyId, encryptionContext: context, encryptedDataKey: h.encryptedDataKey };
}

/** Decrypts an envelope: unwraps its data key through KMS, then verifies and decrypts the token. */
export class FernetKmsDecryptStream extends KmsCodecStream {
  private head = Buffer.alloc(0);

  constructor(private readonly kmsFor: (region: string) => CliKms, private readonly options: FernetKmsDecryptOptions) {
    super();
    if (options.keyId !== undefined && !isKeyArn(options.keyId)) throw new CliError(`--key-id must be a key ARN to decrypt, not "${options.keyId}"`);
  }

  protected async start(chunk: Buffer, ending: boolean): Promise<{ codec: Codec; rest: Buffer } | undefined> {
    this.head = Buffer.concat([this.head, chunk]);
    const newline = this.head.indexOf(0x0a);
    if (newline < 0) {
      if (ending || this.head.length > MAX_HEADER_BYTES) throw new CliError('the input is not a Coffer Fernet envelope (no header line)');
      return undefined;
    }
    const header = parseEnvelopeHeader(this.head.subarray(0, newline).toString('utf8'));
    const rest = this.head.subarray(newline + 1);
    this.head = Buffer.alloc(0);
    if (this.options.keyId !== undefined && this.options.keyId !== header.keyId) {
      throw new CliError(`the envelope's data key is wrapped under ${header.keyId}, not ${this.options.keyId}`);
    }
    const mismatch = checkRequiredContext(header.encryptionContext, this.options.required);
    if (mismatch) {
      const missing = [...mismatch.missingKeys, ...mismatch.missingPairs.map(([k, v]) => `${k}=${v}`)];
      throw new CliError(`encryption context mismatch: the envelope does not have ${missing.join(', ')}`);
    }
    const out = await this.kmsFor(regionOf(header.keyId)).decrypt({
      CiphertextBlob: Buffer.from(header.encryptedDataKey, 'base64'),
      KeyId: header.keyId,
      EncryptionContext: header.encryptionContext,
    });
    if (!out.Plaintext) throw new CliError('KMS Decrypt returned no data key');
    const key = keyFromBytes(out.Plaintext);
    out.Plaintext.fill(0);
    return { codec: tokenDecryptor(key, { ttlSeconds: this.options.ttlSeconds }), rest };
  }
}
