import type { Readable } from 'node:stream';
import { AwsError } from '../errors.js';

/**
 * Reads a whole body into memory, refusing past `limit` bytes. Only for the small bodies of
 * JSON/Query/EC2 calls and S3 configuration documents; object data is always streamed.
 */
export async function readBody(stream: Readable, limit: number, tooLarge: () => AwsError): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}
