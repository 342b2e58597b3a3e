import type { Readable } from 'node:stream';
import type { AwsError } from '../errors.js';
import type { Operation, ServiceModel } from '../model/types.js';

/** A request as the gateway hands it to a codec: HTTP already parsed, body buffered or streaming. */
export interface WireRequest {
  method: string;
  /** The raw (still percent-encoded) path, without the query string. */
  rawPath: string;
  /** The raw query string, without the leading `?`. */
  rawQuery: string;
  /** Decoded query parameters, in order; a key may repeat. */
  query: Array<[string, string]>;
  /** Lower-cased header names; repeated headers joined with `,` as node:http does. */
  headers: Record<string, string>;
  /**
   * The body. Buffered (and already verified against its signature) for every operation but those
   * whose payload member is a streaming blob (S3 PutObject, UploadPart), which get a stream that is
   * verified as it is read and errors with an AwsError if a check fails.
   */
  body: Buffer | Readable;
  /** rest-xml only: the URI labels the router matched (`Bucket`, `Key`), already decoded. */
  labels?: Record<string, string>;
}

/** What a codec produces for the HTTP layer to write. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string | Readable;
}

/** The request-level facts a codec needs when encoding (ids AWS echoes in headers or bodies). */
export interface EncodeContext {
  requestId: string;
  /** S3's `x-amz-id-2`. */
  hostId: string;
  /** S3 errors name the resource: `<Resource>` (the request path). */
  resource?: string;
}

/**
 * One codec per protocol (json, rest-xml, query, ec2). It never sees keys, buckets or principals:
 * it turns bytes into the operation's typed input, validated against the model, and a typed
 * output or an AwsError back into bytes, exactly as AWS shapes them.
 */
export interface ProtocolCodec {
  /** Decode and validate; throws AwsError (the protocol's validation or serialization error). */
  decode(model: ServiceModel, op: Operation, req: WireRequest): unknown;
  encode(model: ServiceModel, op: Operation, output: unknown, ctx: EncodeContext): WireResponse;
  /** `op` is absent when the failure came before routing (unknown operation, bad signature). */
  encodeError(model: ServiceModel, op: Operation | undefined, err: AwsError, ctx: EncodeContext): WireResponse;
}
