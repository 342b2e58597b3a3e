import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AuthError, toAwsError } from './auth-errors.js';
import { checksumAlgorithmOf, createChecksum, isWellFormedChecksum, type Checksum, type ChecksumAlgorithm } from './checksums.js';
import { hexEqual, hmacHex } from './sigv4.js';

/** The aws-chunked payload modes (x-amz-content-sha256 values) Coffer takes. */
export type ChunkedMode =
  | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
  | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
  | 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

export interface ChunkedOptions {
  mode: ChunkedMode;
  /** Signed modes: the request's signing key and verified signature (from verifySigV4). */
  signingKey?: Buffer;
  seedSignature?: string;
  amzDate: string;
  /** `date/region/service/aws4_request` */
  scope: string;
  /** x-amz-decoded-content-length: the payload must be exactly this long. */
  decodedContentLength?: number;
  /** x-amz-trailer: the one checksum trailer the body must end with, e.g. `x-amz-checksum-crc32`. */
  trailerHeader?: string;
}

/** Larger chunks are refused, so at most one chunk is ever held in memory. SDKs send 64 KiB-1 MiB. */
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
/** A chunk header or a trailer line; real ones are under 200 bytes. */
const MAX_LINE_BYTES = 4096;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const TRAILER_SIGNATURE = 'x-amz-trailer-signature';

type State = 'header' | 'data' | 'data-end' | 'trailer' | 'end' | 'done';

/**
 * aws-chunked body in, payload out (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 * and sigv4-streaming-trailers.html):
 *
 *     <hex size>[;chunk-signature=<sig>]\r\n<data>\r\n ... 0[;chunk-signature=<sig>]\r\n
 *     [<trailer>:<value>\r\n ... [x-amz-trailer-signature:<sig>\r\n]]\r\n
 *
 * Each chunk signature chains from the previous one (the seed is the request's), over
 * `AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n<previous>\n<sha256("")>\n<sha256(data)>`; a signed
 * chunk is held until its signature checks out and only then emitted. The trailer signature is
 * over `AWS4-HMAC-SHA256-TRAILER\n<date>\n<scope>\n<previous>\n<sha256("name:value\n"...)>`.
 * Failures destroy the stream with S3's AwsError. The consumer must commit only after 'end':
 * the length and trailer checksum are known only then.
 */
export function createChunkedDecoder(opts: ChunkedOptions): Transform & { checksums(): Record<string, string> } {
  return new ChunkedDecoder(opts);
}

class ChunkedDecoder extends Transform {
  private readonly signed: boolean;
  private readonly hasTrailer: boolean;
  private readonly trailerName?: string;
  private readonly algorithm?: ChecksumAlgorithm;
  private readonly checksum?: Checksum;
  private state: State = 'header';
  private line: Buffer[] = [];
  private lineBytes = 0;
  private remaining = 0;
  private held: Buffer[] = [];
  private chunkHash?: Hash;
  private claimedSignature = '';
  private previousSignature: string;
  private decoded = 0;
  private trailers: Array<[string, string]> = [];
  private trailerSignature?: string;
  private readonly verified: Record<string, string> = {};

  constructor(private readonly opts: ChunkedOptions) {
    super();
    this.signed = opts.mode !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
    this.hasTrailer = opts.mode.endsWith('-TRAILER');
    if (this.signed && (!opts.signingKey || !opts.seedSignature)) throw new Error('signed aws-chunked needs the signing key and seed signature');
    this.previousSignature = opts.seedSignature ?? '';
    const length = opts.decodedContentLength;
    if (length !== undefined && !(Number.isSafeInteger(length) && length >= 0)) {
      throw toAwsError(new AuthError('MalformedChunk', 'x-amz-decoded-content-length is not a byte count', {
        s3: { code: 'InvalidArgument', status: 400, message: 'x-amz-decoded-content-length must be a non-negative integer' },
      }), 'rest-xml');
    }
    if (opts.trailerHeader !== undefined) {
      const name = opts.trailerHeader.trim().toLowerCase();
      const algorithm = checksumAlgorithmOf(name);
      if (!algorithm || !this.hasTrailer) {
        const message = 'The value specified in the x-amz-trailer header is not supported';
        throw toAwsError(new AuthError('MalformedChunk', message, { s3: { code: 'InvalidRequest', status: 400, message } }), 'rest-xml');
      }
      this.trailerName = name;
      this.algorithm = algorithm;
      this.checksum = createChecksum(algorithm);
    }
  }

  /** The trailer checksums, verified against the payload; complete only after 'end'. */
  checksums(): Record<string, string> {
    return { ...this.verified };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (err) {
      callback(err instanceof AuthError ? toAwsError(err, 'rest-xml') : (err as Error));
    }
  }

  override _flush(callback: TransformCallback): void {
    this.finish().then(() => callback(), (err: unknown) => {
      callback(err instanceof AuthError ? toAwsError(err, 'rest-xml') : (err as Error));
    });
  }

  private consume(input: Buffer): void {
    let at = 0;
    while (at < input.length) {
      if (this.state === 'data') {
        at = this.takeData(input, at);
        continue;
      }
      if (this.state === 'done') throw malformedChunk('data follows the final chunk');
      const end = input.indexOf(0x0a, at);
      const next = end < 0 ? input.length : end + 1;
      this.lineBytes += next - at;
      if (this.lineBytes > MAX_LINE_BYTES) throw malformedChunk('a chunk header or trailer line is too long');
      this.line.push(input.subarray(at, next));
      at = next;
      if (end < 0) break;
      const line = Buffer.concat(this.line).toString('latin1');
      this.line = [];
      this.lineBytes = 0;
      if (!line.endsWith('\r\n')) throw malformedChunk('a line does not end with CRLF');
      this.onLine(line.slice(0, -2));
    }
  }

  private takeData(input: Buffer, at: number): number {
    const piece = input.subarray(at, at + this.remaining);
    this.remaining -= piece.length;
    this.checksum?.update(piece);
    if (this.chunkHash) {
      this.chunkHash.update(piece);
      this.held.push(piece);
    } else {
      this.push(piece);
    }
    if (this.remaining === 0) {
      if (this.chunkHash) {
        this.verifyChunk(this.chunkHash.digest('hex'));
        for (const held of this.held) this.push(held);
        this.held = [];
        this.chunkHash = undefined;
      }
      this.state = 'data-end';
    }
    return at + piece.length;
  }

  private onLine(line: string): void {
    switch (this.state) {
      case 'header': return this.onChunkHeader(line);
      case 'data-end':
        if (line !== '') throw malformedChunk('chunk data is not followed by CRLF');
        this.state = 'header';
        return;
      case 'trailer': return line === '' ? this.endTrailers() : this.onTrailer(line);
      case 'end':
        if (line !== '') throw malformedChunk('the final chunk is not followed by CRLF');
        this.state = 'done';
        return;
    }
  }

  private onChunkHeader(line: string): void {
    const semicolon = line.indexOf(';');
    const sizeText = semicolon < 0 ? line : line.slice(0, semicolon);
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw malformedChunk('a chunk size is not hexadecimal');
    const size = parseInt(sizeText, 16);
    if (size > MAX_CHUNK_BYTES) throw malformedChunk(`a chunk is larger than ${MAX_CHUNK_BYTES} bytes`);
    if (this.signed) {
      const match = /^chunk-signature=([0-9a-f]{64})$/.exec(semicolon < 0 ? '' : line.slice(semicolon + 1));
      if (!match) throw malformedChunk('a chunk has no chunk-signature');
      this.claimedSignature = match[1];
    } else if (semicolon >= 0) {
      throw malformedChunk('an unsigned chunk has an extension');
    }
    const expected = this.opts.decodedContentLength;
    if (expected !== undefined && this.decoded + size > expected) throw lengthMismatch();
    this.decoded += size;
    if (size > 0) {
      this.remaining = size;
      this.chunkHash = this.signed ? createHash('sha256') : undefined;
      this.state = 'data';
      return;
    }
    if (this.signed) this.verifyChunk(EMPTY_SHA256);
    this.state = this.hasTrailer ? 'trailer' : 'end';
  }

  private verifyChunk(dataHash: string): void {
    const { amzDate, scope, signingKey } = this.opts;
    const sts = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, this.previousSignature, EMPTY_SHA256, dataHash].join('\n');
    const signature = hmacHex(signingKey!, sts);
    if (!hexEqual(signature, this.claimedSignature)) throw new AuthError('ChunkSignatureMismatch', 'chunk signature mismatch');
    this.previousSignature = signature;
  }

  private onTrailer(line: string): void {
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformedTrailer();
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === TRAILER_SIGNATURE && this.signed && this.trailerSignature === undefined) {
      this.trailerSignature = value;
      return;
    }
    // Only the declared checksum, once, and nothing after the signature.
    if (name !== this.trailerName || this.trailers.length > 0 || this.trailerSignature !== undefined) throw malformedTrailer();
    this.trailers.push([name, value]);
  }

  private endTrailers(): void {
    if (this.trailerName && this.trailers.length === 0) throw malformedTrailer();
    if (this.signed && (this.trailers.length > 0 || this.trailerSignature !== undefined)) {
      if (this.trailerSignature === undefined) throw new AuthError('ChunkSignatureMismatch', 'the trailer is not signed');
      const canonical = this.trailers.map(([name, value]) => `${name}:${value}\n`).join('');
      const sts = ['AWS4-HMAC-SHA256-TRAILER', this.opts.amzDate, this.opts.scope, this.previousSignature,
        createHash('sha256').update(canonical, 'latin1').digest('hex')].join('\n');
      if (!hexEqual(hmacHex(this.opts.signingKey!, sts), this.trailerSignature)) {
        throw new AuthError('ChunkSignatureMismatch', 'trailer signature mismatch');
      }
    }
    const claimed = this.trailers[0]?.[1];
    if (claimed !== undefined && !isWellFormedChecksum(this.algorithm!, claimed)) {
      throw new AuthError('MalformedChunk', 'malformed trailer checksum', {
        s3: { code: 'InvalidRequest', status: 400, message: `Value for ${this.trailerName} trailing header is invalid.` },
      });
    }
    this.state = 'done';
  }

  private async finish(): Promise<void> {
    // The JS SDK ends a trailer-mode body right after `0\r\n` when it has no trailer to send.
    const bareEnd = this.state === 'trailer' && !this.trailerName && this.lineBytes === 0 && this.trailers.length === 0
      && this.trailerSignature === undefined;
    if (this.state !== 'done' && !bareEnd) {
      throw new AuthError('IncompleteBody', 'The request body terminated unexpectedly');
    }
    const expected = this.opts.decodedContentLength;
    if (expected !== undefined && this.decoded !== expected) throw lengthMismatch();
    const claimed = this.trailers[0]?.[1];
    if (this.checksum && claimed !== undefined) {
      if (this.checksum.digest() !== claimed) {
        throw new AuthError('BadDigest', `The ${this.algorithm} you specified did not match the calculated checksum.`);
      }
      this.verified[this.trailerName!] = claimed;
    }
  }
}

function malformedChunk(why: string): AuthError {
  return new AuthError('MalformedChunk', `Malformed aws-chunked body: ${why}`, {
    s3: { code: 'IncompleteBody', status: 400, message: 'The request body terminated unexpectedly' },
  });
}

function lengthMismatch(): AuthError {
  return new AuthError('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
}

function malformedTrailer(): AuthError {
  const message = 'The request contained trailing data that was not well-formed or did not conform to our published schema.';
  return new AuthError('MalformedChunk', message, { s3: { code: 'MalformedTrailerError', status: 400, message } });
}

/**
 * For a body signed by its SHA-256 (x-amz-content-sha256: <hex>): passes it through while hashing
 * and fails with XAmzContentSHA256Mismatch at the end if the hash differs. The consumer must
 * commit only after 'end'.
 */
export function createSha256Verifier(expectedHex: string): Transform {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const computed = hash.digest('hex');
      if (computed === expectedHex.toLowerCase()) return callback();
      callback(toAwsError(new AuthError('ContentSha256Mismatch', 'x-amz-content-sha256 mismatch', {
        fields: { ClientComputedContentSHA256: expectedHex, S3ComputedContentSHA256: computed },
      }), 'rest-xml'));
    },
  });
}
