import { Transform, type TransformCallback } from 'node:stream';
import { CliError } from './errors.js';

/**
 * A streaming byte codec with node:crypto's Cipher shape: `update` as data arrives, `final` once
 * at the end. Codecs are composed inside other streams (the Fernet envelope parses a header, then
 * feeds the rest through a base64 decoder and a Fernet decryptor) and wrapped by `codecStream`.
 */
export interface Codec {
  update(chunk: Buffer): Buffer;
  final(): Buffer;
}

/** A Transform stream running `codec`; an exception from the codec becomes the stream's error. */
export function codecStream(codec: Codec): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      try {
        const out = codec.update(chunk);
        done(null, out.length ? out : undefined);
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        const out = codec.final();
        done(null, out.length ? out : undefined);
      } catch (err) {
        done(err as Error);
      }
    },
  });
}

/** Thrown for input that is not base64. */
export class Base64Error extends CliError {}

/**
 * Base64 encoding of a stream: standard alphabet with padding (what aws-encryption-cli's
 * `--encode` writes) or base64url with padding (Fernet tokens, as Python's
 * `base64.urlsafe_b64encode`). Keeps back the 0-2 bytes that do not yet fill a 3-byte group.
 */
export class Base64Encoder implements Codec {
  private rest = Buffer.alloc(0);
  constructor(private readonly alphabet: 'base64' | 'base64url' = 'base64') {}

  update(chunk: Buffer): Buffer {
    const data = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const whole = data.length - (data.length % 3);
    this.rest = Buffer.from(data.subarray(whole));
    return this.encode(data.subarray(0, whole));
  }

  final(): Buffer {
    const out = this.encode(this.rest);
    this.rest = Buffer.alloc(0);
    return out;
  }

  private encode(bytes: Buffer): Buffer {
    if (!bytes.length) return Buffer.alloc(0);
    let text = bytes.toString(this.alphabet);
    // Node's base64url omits the padding that Python's urlsafe_b64encode (and so every Fernet
    // token Python makes) carries; pad it back so tokens compare equal byte for byte.
    if (this.alphabet === 'base64url') text += '='.repeat((4 - (text.length % 4)) % 4);
    return Buffer.from(text, 'latin1');
  }
}

/** Per byte: 1 base64 character (either alphabet), 2 padding, 3 whitespace, 0 anything else. */
const CLASS = new Uint8Array(256);
for (const c of Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_')) CLASS[c] = 1;
CLASS[0x3d] = 2;
for (const c of [0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]) CLASS[c] = 3;

/**
 * Base64 decoding of a stream, accepting both alphabets and ignoring whitespace (line breaks
 * from other tools, a trailing newline). Anything else, or data after the padding, is an error:
 * Node's own decoder silently skips garbage, which would turn a corrupt input into wrong bytes.
 */
export class Base64Decoder implements Codec {
  private pending = '';
  private padded = false;

  update(chunk: Buffer): Buffer {
    // One pass over the bytes (a table lookup each); a copy only when whitespace must go.
    let kept: Buffer | undefined;
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      const kind = CLASS[c]!;
      if (kind === 1 && !this.padded) {
        if (kept) kept[n] = c;
        n++;
      } else if (kind === 2) {
        this.padded = true;
        if (kept) kept[n] = c;
        n++;
      } else if (kind === 3) {
        if (!kept) {
          kept = Buffer.allocUnsafe(chunk.length);
          chunk.copy(kept, 0, 0, i);
        }
      } else {
        throw new Base64Error('input is not valid base64');
      }
    }
    const data = this.pending + (kept ?? chunk).toString('latin1', 0, n);
    const whole = data.length - (data.length % 4);
    this.pending = data.slice(whole);
    return this.decode(data.slice(0, whole));
  }

  final(): Buffer {
    const out = this.decode(this.pending);
    this.pending = '';
    return out;
  }

  private decode(text: string): Buffer {
    if (!text) return Buffer.alloc(0);
    // update() lets '=' through only as a run at the very end of the input, so '=' can only
    // sit at the end here: 1 or 2 of them completing the last group of 4, nothing more.
    const first = text.indexOf('=');
    const body = first < 0 ? text : text.slice(0, first);
    const pads = text.length - body.length;
    const padOk = pads === 0 || (pads <= 2 && text.length % 4 === 0);
    if (body.length % 4 === 1 || !padOk) throw new Base64Error('input is not valid base64');
    return Buffer.from(body, 'base64');
  }
}

/** Codecs in sequence: the output of each feeds the next. */
export function chainCodecs(...codecs: Codec[]): Codec {
  const run = (first: Buffer, from: number) => codecs.slice(from).reduce((data, c) => (data.length ? c.update(data) : data), first);
  return {
    update: (chunk) => run(chunk, 0),
    final: () => {
      const parts: Buffer[] = [];
      codecs.forEach((codec, i) => parts.push(run(codec.final(), i + 1)));
      return Buffer.concat(parts);
    },
  };
}
