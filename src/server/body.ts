import type { Readable } from 'node:stream';
import { AwsError } from '../errors.js';

/** How long a client refused for sending too much may keep sending before its connection is cut. */
const LINGER_MS = 5_000;

/**
 * Reads a whole body into memory, refusing past `limit` bytes. Only for the small bodies of
 * JSON/Query/EC2 calls and S3 configuration documents; object data is always streamed.
 *
 * Past the limit the rest of the body is discarded, not read into memory, while the caller answers
 * (413 and the like): destroying the socket at once would cut the client off before it could read
 * that answer (SDKs then see a reset and retry the whole upload). A client still sending after
 * {@link LINGER_MS} is cut off.
 */
export function readBody(stream: Readable, limit: number, tooLarge: () => AwsError): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      cleanup();
      chunks.length = 0;
      stream.on('error', () => undefined);
      stream.resume();
      const cut = setTimeout(() => stream.destroy(), LINGER_MS);
      cut.unref();
      stream.once('end', () => clearTimeout(cut));
      reject(tooLarge());
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    if (stream.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}
