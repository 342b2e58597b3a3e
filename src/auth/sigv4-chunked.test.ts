import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable, type Transform } from 'node:stream';
import { describe, it } from 'node:test';
import { Crc32, readableStreamHasher } from '@smithy/core/checksum';
import { getAwsChunkedEncodingStream } from '@smithy/core/serde';
import type { AwsError } from '../errors.js';
import { createChunkedDecoder, createSha256Verifier, MAX_CHUNK_BYTES, type ChunkedOptions } from './sigv4-chunked.js';
import { hmacHex, parseSigV4, signingKey, verifySigV4, type SignedRequestParts } from './sigv4.js';

// The examples of the S3 API reference, "Signature calculations ... in multiple chunks"
// (sigv4-streaming.html) and "... with trailing headers" (sigv4-streaming-trailers.html).
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const AMZ_DATE = '20130524T000000Z';
const SCOPE = '20130524/us-east-1/s3/aws4_request';
const KEY = signingKey(SECRET, '20130524', 'us-east-1', 's3');
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const SIGNATURES = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];
const TRAILER_SEED = '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e';
const TRAILER_SIGNATURES = [
  'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
  '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
  '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
];
const TRAILER = 'x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n';
const PAYLOAD = Buffer.alloc(66_560, 'a');

/** 65,536 then 1,024 bytes of 'a', then the final chunk and the trailer. */
function documentedBody(signatures: string[], trailer = ''): Buffer {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${signatures[0]}\r\n`), PAYLOAD.subarray(0, 65_536),
    Buffer.from(`\r\n400;chunk-signature=${signatures[1]}\r\n`), PAYLOAD.subarray(65_536),
    Buffer.from(`\r\n0;chunk-signature=${signatures[2]}\r\n${trailer}\r\n`),
  ]);
}

const signed: ChunkedOptions = {
  mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', signingKey: KEY, seedSignature: SEED, amzDate: AMZ_DATE, scope: SCOPE, decodedContentLength: 66_560,
};
const signedTrailer: ChunkedOptions = {
  ...signed, mode: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', seedSignature: TRAILER_SEED, trailerHeader: 'x-amz-checksum-crc32c',
};

interface Outcome { output: Buffer; error?: AwsError; checksums: Record<string, string> }

/** Feeds `body` in pieces of `split` bytes; collects what comes out before any error. */
async function decode(opts: ChunkedOptions, body: Buffer, split = 4096, decoder: Transform & { checksums?: () => Record<string, string> } = createChunkedDecoder(opts)): Promise<Outcome> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < body.length; at += split) pieces.push(body.subarray(at, at + split));
  const output: Buffer[] = [];
  try {
    for await (const chunk of Readable.from(pieces).pipe(decoder)) output.push(chunk as Buffer);
  } catch (err) {
    return { output: Buffer.concat(output), error: err as AwsError, checksums: {} };
  }
  return { output: Buffer.concat(output), checksums: decoder.checksums?.() ?? {} };
}

describe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD', () => {
  it('verifies the documented seed signature', () => {
    const parts: SignedRequestParts = {
      method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', rawQuery: '',
      headers: {
        host: 's3.amazonaws.com', 'x-amz-date': AMZ_DATE, 'x-amz-storage-class': 'REDUCED_REDUNDANCY', 'content-encoding': 'aws-chunked',
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'x-amz-decoded-content-length': '66560', 'content-length': '66824',
        authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/${SCOPE},SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${SEED}`,
      },
    };
    const auth = parseSigV4(parts)!;
    const { signingKey: key, signature } = verifySigV4(parts, auth, SECRET, auth.contentSha256!, new Date('2013-05-24T00:05:00Z'));
    assert.equal(signature, SEED);
    assert.deepEqual(key, KEY);
    assert.equal(documentedBody(SIGNATURES).length, 66_824);
  });

  it('decodes the documented body however it is split', async () => {
    for (const split of [1, 7, 100, 65_536, 1 << 20]) {
      const { output, error } = await decode(signed, documentedBody(SIGNATURES), split);
      assert.equal(error, undefined, `split ${split}`);
      assert.deepEqual(output, PAYLOAD);
    }
  });

  it('refuses a tampered byte before emitting its chunk', async () => {
    // A byte of the first chunk, then of the second: nothing of the bad chunk may come out.
    for (const [at, maxEmitted] of [[100, 0], [66_000, 65_536]] as const) {
      const body = documentedBody(SIGNATURES);
      body[at] = 'b'.charCodeAt(0);
      const { output, error } = await decode(signed, body, 512);
      assert.equal(error?.code, 'SignatureDoesNotMatch');
      assert.equal(error?.status, 403);
      assert.ok(output.length <= maxEmitted);
      assert.ok(!output.includes('b'));
    }
  });

  it('refuses a wrong chunk signature, including the final one', async () => {
    for (const index of [0, 1, 2]) {
      const wrong = [...SIGNATURES];
      wrong[index] = wrong[index].replace(/^./, (c) => (c === '0' ? '1' : '0'));
      assert.equal((await decode(signed, documentedBody(wrong))).error?.code, 'SignatureDoesNotMatch');
    }
    // Chunks replayed from another upload (another seed) do not verify either.
    assert.equal((await decode({ ...signed, seedSignature: TRAILER_SEED }, documentedBody(SIGNATURES))).error?.code, 'SignatureDoesNotMatch');
  });

  it('refuses a truncated stream', async () => {
    const body = documentedBody(SIGNATURES);
    for (const cut of [2, 100, 1000]) {
      const { error } = await decode(signed, body.subarray(0, body.length - cut));
      assert.equal(error?.code, 'IncompleteBody');
    }
  });

  it('refuses a decoded length that is not x-amz-decoded-content-length', async () => {
    for (const length of [66_559, 66_561, 0]) {
      const { error } = await decode({ ...signed, decodedContentLength: length }, documentedBody(SIGNATURES));
      assert.equal(error?.code, 'IncompleteBody');
      assert.equal(error?.message, 'You did not provide the number of bytes specified by the Content-Length HTTP header');
    }
  });
});

describe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', () => {
  it('decodes the documented body and verifies its trailer', async () => {
    const { output, error, checksums } = await decode(signedTrailer, documentedBody(TRAILER_SIGNATURES, TRAILER), 999);
    assert.equal(error, undefined);
    assert.deepEqual(output, PAYLOAD);
    assert.deepEqual(checksums, { 'x-amz-checksum-crc32c': 'sOO8/Q==' });
  });

  it('refuses a changed trailer, or one without its signature', async () => {
    const forged = TRAILER.replace('sOO8/Q==', 'sOO8/R==');
    assert.equal((await decode(signedTrailer, documentedBody(TRAILER_SIGNATURES, forged))).error?.code, 'SignatureDoesNotMatch');
    const unsigned = TRAILER.split('\r\n')[0] + '\r\n';
    assert.equal((await decode(signedTrailer, documentedBody(TRAILER_SIGNATURES, unsigned))).error?.code, 'SignatureDoesNotMatch');
    assert.equal((await decode(signedTrailer, documentedBody(TRAILER_SIGNATURES))).error?.code, 'MalformedTrailerError');
  });

  it('refuses a correctly signed checksum that does not match the payload', async () => {
    const trailer = 'x-amz-checksum-crc32c:AAAAAA==\n';
    const sts = ['AWS4-HMAC-SHA256-TRAILER', AMZ_DATE, SCOPE, TRAILER_SIGNATURES[2], createHash('sha256').update(trailer).digest('hex')].join('\n');
    const body = documentedBody(TRAILER_SIGNATURES, `x-amz-checksum-crc32c:AAAAAA==\r\nx-amz-trailer-signature:${hmacHex(KEY, sts)}\r\n`);
    const { error } = await decode(signedTrailer, body);
    assert.equal(error?.code, 'BadDigest');
    assert.equal(error?.message, 'The CRC32C you specified did not match the calculated checksum.');
  });
});

describe('STREAMING-UNSIGNED-PAYLOAD-TRAILER', () => {
  const unsigned: ChunkedOptions = { mode: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', amzDate: AMZ_DATE, scope: SCOPE, trailerHeader: 'x-amz-checksum-crc32' };
  /** The body exactly as the AWS SDK for JavaScript encodes it (its own encoder and CRC32). */
  async function sdkBody(payload: Buffer, pieces: number): Promise<Buffer> {
    const size = Math.ceil(payload.length / pieces);
    const parts = Array.from({ length: pieces }, (_, i) => payload.subarray(i * size, (i + 1) * size));
    const encoded = getAwsChunkedEncodingStream(Readable.from(parts), {
      base64Encoder: (bytes: Uint8Array) => Buffer.from(bytes).toString('base64'),
      bodyLengthChecker: (data: Buffer) => data.length,
      checksumAlgorithmFn: Crc32,
      checksumLocationName: 'x-amz-checksum-crc32',
      streamHasher: readableStreamHasher,
    });
    const out: Buffer[] = [];
    for await (const chunk of encoded) out.push(Buffer.from(chunk as Uint8Array | string));
    return Buffer.concat(out);
  }

  it('decodes what the JS SDK sends and verifies its CRC32', async () => {
    const payload = Buffer.from('Hello world, '.repeat(5000));
    const body = await sdkBody(payload, 3);
    const { output, error, checksums } = await decode({ ...unsigned, decodedContentLength: payload.length }, body, 1000);
    assert.equal(error, undefined);
    assert.deepEqual(output, payload);
    assert.equal(Object.keys(checksums).join(), 'x-amz-checksum-crc32');
  });

  it('decodes the AWS SDK for Rust framing', async () => {
    // CRC32 of '123456789012345' from Python's zlib.
    const body = Buffer.from('A\r\n1234567890\r\n5\r\n12345\r\n0\r\nx-amz-checksum-crc32:UVWvgg==\r\n\r\n');
    const { output, error, checksums } = await decode({ ...unsigned, decodedContentLength: 15 }, body, 3);
    assert.equal(error, undefined);
    assert.equal(output.toString(), '123456789012345');
    assert.deepEqual(checksums, { 'x-amz-checksum-crc32': 'UVWvgg==' });
  });

  it('refuses a wrong CRC32 and a malformed one', async () => {
    const wrong = await decode(unsigned, Buffer.from('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:UVWvgg==\r\n\r\n'));
    assert.equal(wrong.error?.code, 'BadDigest');
    assert.equal(wrong.error?.message, 'The CRC32 you specified did not match the calculated checksum.');
    const malformed = await decode(unsigned, Buffer.from('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:nope\r\n\r\n'));
    assert.equal(malformed.error?.code, 'InvalidRequest');
    assert.equal(malformed.error?.message, 'Value for x-amz-checksum-crc32 trailing header is invalid.');
  });

  it('refuses undeclared or missing trailers and a trailer signature it did not ask for', async () => {
    for (const trailer of ['x-amz-checksum-sha256:AAAA\r\n', '', 'x-amz-checksum-crc32:NhCmhg==\r\nx-amz-trailer-signature:00\r\n']) {
      const { error } = await decode(unsigned, Buffer.from(`5\r\nhello\r\n0\r\n${trailer}\r\n`));
      assert.equal(error?.code, 'MalformedTrailerError', JSON.stringify(trailer));
    }
  });

  it('refuses broken framing', async () => {
    const plain: ChunkedOptions = { ...unsigned, trailerHeader: undefined };
    for (const body of ['g\r\nhello\r\n0\r\n\r\n', '5\nhello\r\n0\r\n\r\n', '5\r\nhelloXY0\r\n\r\n', '5;chunk-signature=00\r\nhello\r\n0\r\n\r\n', '0\r\n\r\nextra']) {
      const { error } = await decode(plain, Buffer.from(body));
      assert.equal(error?.code, 'IncompleteBody', JSON.stringify(body));
    }
    // A chunk over the cap is refused from its header, before any of it is held.
    const { error, output } = await decode(plain, Buffer.from(`${(MAX_CHUNK_BYTES + 1).toString(16)}\r\n`));
    assert.equal(error?.code, 'IncompleteBody');
    assert.equal(output.length, 0);
    // The JS SDK ends a body with no checksum right after the final chunk.
    assert.equal((await decode(plain, Buffer.from('5\r\nhello\r\n0\r\n'))).error, undefined);
  });

  it('refuses an x-amz-trailer it does not know at once', () => {
    assert.throws(() => createChunkedDecoder({ ...unsigned, trailerHeader: 'x-amz-checksum-md5' }), { code: 'InvalidRequest' });
    assert.throws(() => createChunkedDecoder({ ...signed, trailerHeader: 'x-amz-checksum-crc32' }), { code: 'InvalidRequest' });
  });
});

describe('createSha256Verifier', () => {
  const body = Buffer.from('Welcome to Amazon S3.');
  const hash = '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072';

  it('passes a body that matches', async () => {
    const { output, error } = await decode(signed, body, 5, createSha256Verifier(hash));
    assert.equal(error, undefined);
    assert.deepEqual(output, body);
  });

  it('fails one that does not, at the end', async () => {
    const { error } = await decode(signed, Buffer.concat([body, Buffer.from('!')]), 5, createSha256Verifier(hash));
    assert.equal(error?.code, 'XAmzContentSHA256Mismatch');
    assert.equal(error?.status, 400);
    assert.equal(error?.fields.ClientComputedContentSHA256, hash);
  });
});
