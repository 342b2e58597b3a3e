/**
 * Scalar conversions every codec shares (timestamps, blobs, numbers, booleans) and the one place
 * that merges a member reference's traits over its target shape, as botocore does.
 */
import type { Shape, ShapeRef, ServiceModel } from '../model/types.js';

export type TimestampFormat = 'iso8601' | 'rfc822' | 'unixTimestamp';

/**
 * A shape reference resolved: the target shape plus the serialization traits botocore reads from
 * the member reference merged over the shape (the reference wins, as in `resolve_shape_ref`).
 */
export interface Resolved {
  shape: Shape;
  locationName?: string;
  queryName?: string;
  flattened: boolean;
  timestampFormat?: TimestampFormat;
  xmlNamespace?: { uri: string; prefix?: string };
  xmlAttribute: boolean;
}

/** Resolve `ref` in `model`; throws on a reference the model does not define (a model bug). */
export function resolve(model: ServiceModel, ref: ShapeRef): Resolved {
  const shape = model.shapes[ref.shape];
  if (!shape) throw new Error(`model has no shape ${ref.shape}`);
  return {
    shape,
    locationName: ref.locationName ?? shape.locationName,
    queryName: ref.queryName,
    flattened: ref.flattened ?? shape.flattened ?? false,
    timestampFormat: ref.timestampFormat ?? shape.timestampFormat,
    xmlNamespace: ref.xmlNamespace ?? shape.xmlNamespace,
    xmlAttribute: ref.xmlAttribute ?? false,
  };
}

/** `KeyId` -> `keyId`: how AWS names members in validation paths and EC2 XML. */
export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** `dryRun` -> `DryRun`: EC2 capitalizes locationNames on input. */
export function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * ISO 8601 in UTC, second precision unless the date carries milliseconds (botocore's own
 * serializer does the same; its parser takes either).
 */
export function iso8601(date: Date): string {
  const text = date.toISOString();
  return text.endsWith('.000Z') ? text.slice(0, -5) + 'Z' : text;
}

/** A timestamp in the given wire format; epoch seconds keep millisecond fractions. */
export function formatTimestamp(date: Date, format: TimestampFormat): string | number {
  switch (format) {
    case 'unixTimestamp': return date.getTime() / 1000;
    case 'rfc822': return date.toUTCString();
    default: return iso8601(date);
  }
}

const EPOCH = /^-?\d+(\.\d+)?$/;

/**
 * A wire timestamp as a Date, whatever the format (clients send ISO 8601 in Query, epoch seconds
 * in JSON, RFC 822 in headers; AWS accepts each where the others are expected too).
 * Undefined when it isn't a timestamp.
 */
export function parseTimestamp(value: string | number): Date | undefined {
  let date: Date;
  if (typeof value === 'number') date = new Date(value * 1000);
  else if (EPOCH.test(value.trim())) date = new Date(Number(value) * 1000);
  else date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 decoding (Buffer.from silently drops bad characters); undefined when invalid. */
export function fromBase64(text: string): Buffer | undefined {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/** A blob as base64; strings count as their UTF-8 bytes, as botocore treats them. */
export function toBase64(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return Buffer.from(String(value), 'utf8').toString('base64');
}

/** The text of a float as botocore writes and parses it (`NaN`, `Infinity`, `-Infinity`). */
export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The text of a number-typed member (Query form fields, XML) as a number; undefined when it isn't
 * one of the shape's kind (a fraction for an integer, letters anywhere).
 */
export function parseNumber(text: string, type: 'integer' | 'long' | 'float' | 'double'): number | undefined {
  const t = text.trim();
  if (type === 'integer' || type === 'long') return INTEGER.test(t) ? Number(t) : undefined;
  if (t === 'NaN') return NaN;
  if (t === 'Infinity') return Infinity;
  if (t === '-Infinity') return -Infinity;
  return FLOAT.test(t) ? Number(t) : undefined;
}

/** `true` / `false` (any case, as the Query services accept); undefined otherwise. */
export function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : undefined;
}
