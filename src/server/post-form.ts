/**
 * The body of an S3 POST Object request (a browser upload): `multipart/form-data` read as it
 * arrives (@fastify/busboy), the fields before the file collected (at most 20 KB of them, as S3
 * allows), and the file handed on as a stream that is never buffered. As on S3, the file is the
 * part named `file` (not any part with a filename), fields after it are ignored, and field names
 * are case-insensitive (kept lower-cased, with their spelling as sent for error messages).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTForms.html
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { AwsError } from '../errors.js';

/** The part of @fastify/busboy's API used here. */
type Busboy = Writable & EventEmitter;
type BusboyConstructor = new (config: {
  headers: Record<string, string>;
  isPartAFile?: (name: string | undefined, contentType: string | undefined, filename: string | undefined) => boolean;
  limits?: { fieldSize?: number; fieldNameSize?: number };
}) => Busboy;

const BUSBOY = '@fastify/busboy';
let busboyModule: Promise<BusboyConstructor> | undefined;

/**
 * @fastify/busboy, loaded on the first POST Object rather than at start: until it is a declared
 * dependency (see the S3 part B closing note) a server without it still starts and serves
 * everything else.
 */
function loadBusboy(): Promise<BusboyConstructor> {
  busboyModule ??= (import(BUSBOY) as Promise<{ Busboy: BusboyConstructor }>).then((m) => m.Busboy);
  return busboyModule;
}

/** The form data and boundaries before the file may not exceed this. */
export const MAX_PRE_FILE_BYTES = 20_480;

export interface PostForm {
  /** The fields before the file, by lower-cased name; repeated fields joined with ',' (as S3 does). */
  fields: Map<string, string>;
  /** Each field's name as the form spelled it, by lower-cased name. */
  names: Map<string, string>;
  /** The file part's content. */
  file: Readable;
  /** The file part's `filename` parameter, if it had one. */
  filename?: string;
}

/** Whether a request is a POST Object form: a POST to a bucket itself, without any subresource. */
export function isPostObject(method: string, query: Array<[string, string]>, labels: { Bucket?: string; Key?: string } | undefined): boolean {
  return method === 'POST' && query.length === 0 && labels?.Bucket !== undefined && labels.Key === undefined;
}

function malformed(): AwsError {
  return new AwsError('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.', { status: 400 });
}

/**
 * Reads the form up to its file part. Resolves once the file part starts (its content then flows
 * through `file` as the caller reads it); rejects with S3's errors for a body that is not a form,
 * fields that are too large, or a form without a file.
 */
export async function readPostForm(req: IncomingMessage | Readable, headers: Record<string, string>): Promise<PostForm> {
  const contentType = headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw new AwsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
      status: 412, fields: { Condition: 'Bucket POST must be of the enclosure-type multipart/form-data' },
    });
  }
  const Busboy = await loadBusboy();
  let parser: Busboy;
  try {
    parser = new Busboy({
      headers: { ...headers, 'content-type': contentType },
      // Only the part named `file` is the file; any other part is a field, however it is sent.
      isPartAFile: (name) => name?.toLowerCase() === 'file',
      limits: { fieldSize: MAX_PRE_FILE_BYTES + 1, fieldNameSize: MAX_PRE_FILE_BYTES + 1 },
    });
  } catch {
    throw malformed();
  }
  return new Promise<PostForm>((resolve, reject) => {
    const fields = new Map<string, string>();
    const names = new Map<string, string>();
    let preFileBytes = 0;
    let file: PassThrough | undefined;
    const fail = (err: AwsError) => {
      if (file) file.destroy(err);
      else reject(err);
      req.unpipe(parser);
      req.resume();
    };
    parser.on('field', (name: string, value: string) => {
      if (file) return; // fields after the file are ignored
      preFileBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (preFileBytes > MAX_PRE_FILE_BYTES) {
        fail(new AwsError('MaxPostPreDataLengthExceeded', 'Your POST request fields preceeding the upload file was too large.', {
          status: 400, fields: { MaxPostPreDataLengthBytes: String(MAX_PRE_FILE_BYTES) },
        }));
        return;
      }
      const key = name.toLowerCase();
      fields.set(key, fields.has(key) ? `${fields.get(key)},${value}` : value);
      if (!names.has(key)) names.set(key, name);
    });
    parser.on('file', (_name: string, stream: Readable, filename?: string) => {
      if (file) {
        stream.resume(); // a second file comes after the first: ignored, like every later part
        return;
      }
      file = new PassThrough();
      // A failure before the write reads the file stays on the stream for it (no unhandled 'error').
      file.on('error', () => undefined);
      stream.on('error', (err) => file!.destroy(err));
      stream.pipe(file);
      resolve({ fields, names, file, filename: filename || undefined });
    });
    parser.on('error', () => fail(malformed()));
    parser.on('finish', () => {
      if (!file) {
        reject(new AwsError('InvalidArgument', 'POST requires exactly one file upload per request.', {
          status: 400, fields: { ArgumentName: 'file', ArgumentValue: '0' },
        }));
      }
    });
    // A client gone mid-upload: the file stream fails as a dropped PUT body does (IncompleteBody).
    req.on('aborted', () => {
      const err = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
      if (file) file.destroy(err);
      else reject(malformed());
    });
    req.pipe(parser);
  });
}
