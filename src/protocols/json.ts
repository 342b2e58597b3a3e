/**
 * The awsJson1_1 codec (KMS, CloudTrail): `POST /` with `X-Amz-Target: <prefix>.<Operation>` and
 * a JSON body, answered with JSON. Type errors in the body are SerializationExceptions with the
 * texts AWS's Coral front end uses; constraint failures are ValidationExceptions.
 */
import { Readable } from 'node:stream';
import { AwsError } from '../errors.js';
import { errorShape } from '../model/registry.js';
import type { Operation, ServiceModel, Shape, ShapeRef } from '../model/types.js';
import { errorFacts } from './query.js';
import type { EncodeContext, ProtocolCodec, WireRequest, WireResponse } from './types.js';
import { validate, validationMessage } from './validate.js';
import { formatTimestamp, fromBase64, parseTimestamp, resolve, toBase64 } from './values.js';

/** The error for an `X-Amz-Target` naming no operation of the service. */
export function unknownOperationError(): AwsError {
  return new AwsError('UnknownOperationException', '', { status: 400 });
}

function serializationError(message: string): AwsError {
  return new AwsError('SerializationException', message, { status: 400 });
}

/** Coral names a JSON value by the Java class it was read into. */
function javaClass(v: unknown): string {
  if (typeof v === 'boolean') return 'class java.lang.Boolean';
  if (typeof v === 'string') return 'class java.lang.String';
  if (typeof v === 'number' && !Number.isInteger(v)) return 'class java.lang.Double';
  const n = Number(v);
  if (n >= -32768 && n <= 32767) return 'class java.lang.Short';
  return n >= -2147483648 && n <= 2147483647 ? 'class java.lang.Integer' : 'class java.lang.Long';
}

/** A JSON value of the wrong kind: arrays and objects have fixed texts, scalars `otherwise`. */
function unexpected(v: unknown, otherwise: string): AwsError {
  if (Array.isArray(v)) return serializationError('Start of list found where not expected');
  if (typeof v === 'object') return serializationError('Start of structure or map found where not expected.');
  return serializationError(otherwise);
}

/** A JSON value of the wrong kind where a scalar of the Java type `expected` was wanted. */
function mismatch(v: unknown, expected: string): AwsError {
  return unexpected(v, `${javaClass(v)} can not be converted to ${expected}`);
}

/** Read one JSON value into the typed value of the shape `ref` points to. */
function read(model: ServiceModel, ref: ShapeRef, v: unknown): unknown {
  const r = resolve(model, ref);
  const shape = r.shape;
  switch (shape.type) {
    case 'structure':
      if (shape.document) return v;
      if (typeof v !== 'object' || Array.isArray(v)) throw unexpected(v, 'Expected null');
      return readStructure(model, shape, v as Record<string, unknown>);
    case 'list':
      if (!Array.isArray(v)) throw unexpected(v, 'Expected list or null');
      return v.filter((item) => item !== null).map((item) => read(model, shape.member!, item));
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) throw unexpected(v, 'Expected map or null');
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (item !== null) out[k] = read(model, shape.value!, item);
      }
      return out;
    }
    case 'string':
      if (typeof v !== 'string') throw mismatch(v, 'an String');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw mismatch(v, 'an Boolean');
      return v;
    case 'integer':
    case 'long':
      if (typeof v !== 'number') throw mismatch(v, shape.type === 'long' ? 'an Long' : 'an Integer');
      return Math.trunc(v); // Coral truncates fractions rather than rejecting them
    case 'float':
    case 'double':
      if (typeof v === 'number') return v;
      if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
      throw mismatch(v, shape.type === 'float' ? 'a Float' : 'a Double');
    case 'blob': {
      if (typeof v !== 'string') throw mismatch(v, 'a Blob');
      const bytes = fromBase64(v);
      if (!bytes) {
        // The value itself is not echoed: blobs carry plaintexts and keys.
        throw serializationError(v.length % 4 === 0 ? 'Value can not be converted to a Blob: Invalid Base64 character'
          : `Value can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: ${v.length}`);
      }
      return bytes;
    }
    case 'timestamp': {
      const date = typeof v === 'number' || typeof v === 'string' ? parseTimestamp(v) : undefined;
      if (!date) throw mismatch(v, 'a Date');
      return date;
    }
  }
}

function readStructure(model: ServiceModel, shape: Shape, obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, memberRef] of Object.entries(shape.members ?? {})) {
    const v = obj[memberRef.locationName ?? name];
    if (v !== undefined && v !== null) out[name] = read(model, memberRef, v);
  }
  return out;
}

/** Write one typed value as JSON data; undefined and null members are dropped. */
function write(model: ServiceModel, ref: ShapeRef, v: unknown): unknown {
  const r = resolve(model, ref);
  const shape = r.shape;
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return v;
      const obj = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, memberRef] of Object.entries(shape.members ?? {})) {
        if (obj[name] !== undefined && obj[name] !== null) out[memberRef.locationName ?? name] = write(model, memberRef, obj[name]);
      }
      return out;
    }
    case 'list': return (v as unknown[]).map((item) => write(model, shape.member!, item));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (item !== undefined && item !== null) out[k] = write(model, shape.value!, item);
      }
      return out;
    }
    case 'blob': return toBase64(v);
    case 'timestamp': return formatTimestamp(v instanceof Date ? v : new Date(v as string), r.timestampFormat ?? 'unixTimestamp');
    case 'float':
    case 'double': return Number.isFinite(v) ? v : String(v); // botocore reads "NaN"/"Infinity" strings
    default: return v;
  }
}

function bodyText(body: WireRequest['body']): string {
  if (body instanceof Readable) throw new Error('JSON protocol bodies are buffered by the gateway');
  return body.toString('utf8');
}

/**
 * The key AWS puts the message under: the error shape's own spelling where the model has one
 * (KMS `message`); `Message` for Coral's framework errors and member-less shapes (CloudTrail).
 */
function messageKey(shape: Shape | undefined, code: string): string {
  if (shape?.members?.message) return 'message';
  return shape || code === 'SerializationException' ? 'Message' : 'message';
}

function headersFor(model: ServiceModel, ctx: EncodeContext): Record<string, string> {
  return {
    'Content-Type': `application/x-amz-json-${model.metadata.jsonVersion ?? '1.1'}`,
    'x-amzn-RequestId': ctx.requestId,
  };
}

/** The awsJson codec. */
export const jsonCodec: ProtocolCodec = {
  decode(model: ServiceModel, op: Operation, req: WireRequest): unknown {
    const text = bodyText(req.body).trim();
    let parsed: unknown = {};
    if (text) {
      // Coral answers unparseable JSON with a bare SerializationException.
      try { parsed = JSON.parse(text); } catch { throw serializationError(''); }
    }
    if (!op.input) return {};
    const input = read(model, op.input, parsed ?? {});
    const violations = validate(model, op.input, input);
    if (violations.length) throw new AwsError('ValidationException', validationMessage(violations), { status: 400 });
    return input;
  },

  encode(model: ServiceModel, op: Operation, output: unknown, ctx: EncodeContext): WireResponse {
    const body = op.output && output ? write(model, op.output, output) : {};
    return { status: op.http.responseCode ?? 200, headers: headersFor(model, ctx), body: JSON.stringify(body) };
  },

  encodeError(model: ServiceModel, _op: Operation | undefined, err: AwsError, ctx: EncodeContext): WireResponse {
    const shape = errorShape(model, err.code);
    const body: Record<string, string> = { __type: err.code };
    if (err.message) body[messageKey(shape, err.code)] = err.message;
    Object.assign(body, err.fields);
    const { status } = errorFacts(model, err);
    return { status, headers: { ...headersFor(model, ctx), ...err.headers }, body: JSON.stringify(body) };
  },
};
