/**
 * The REST-XML codec (S3). A request's members travel in the URI (labels the router matched), the
 * query string, headers (`x-amz-meta-*` as a prefix map) and the body: the raw object bytes for
 * streaming payloads, an XML document otherwise. Responses mirror that: header members, then a
 * passed-through body or an XML document in S3's namespace. Errors are S3's bare `<Error>`.
 *
 * Wire rules are botocore's (serialize.BaseRestSerializer / RestXMLSerializer for what clients
 * send, parsers.RestXMLParser for what they read back).
 */
import { Readable } from 'node:stream';
import { AwsError } from '../errors.js';
import { errorShape } from '../model/registry.js';
import type { Operation, ServiceModel, Shape, ShapeRef } from '../model/types.js';
import type { EncodeContext, ProtocolCodec, WireRequest, WireResponse } from './types.js';
import { validate, validationMessage, type Violation } from './validate.js';
import { formatFloat, formatTimestamp, lowerFirst, parseBoolean, parseNumber, parseTimestamp, resolve, toBase64 } from './values.js';
import { malformedXmlError, readXmlDocument } from './xml-read.js';
import { escapeXml, xmlElement, xmlMembers } from './xml-write.js';

/** The namespace of every S3 XML document. */
export const S3_XML_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** NotImplemented 501, S3's answer to a header or feature it does not support (`<Header>` names it). */
export function notImplementedError(header?: string): AwsError {
  return new AwsError('NotImplemented', 'A header you provided implies functionality that is not implemented', {
    status: 501, senderFault: false, fields: header ? { Header: header } : {},
  });
}

/** MethodNotAllowed 405; AWS adds the method and the kind of resource (`OBJECT`, `BUCKET`, `SERVICE`). */
export function methodNotAllowedError(method?: string, resourceType?: 'OBJECT' | 'BUCKET' | 'SERVICE'): AwsError {
  const fields: Record<string, string> = {};
  if (method) fields.Method = method;
  if (resourceType) fields.ResourceType = resourceType;
  return new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', { status: 405, fields });
}

function invalidArgument(message: string, name: string, value?: string): AwsError {
  const fields: Record<string, string> = { ArgumentName: name };
  if (value !== undefined) fields.ArgumentValue = value;
  return new AwsError('InvalidArgument', message, { status: 400, fields });
}

// ---------------------------------------------------------------------------------------------
// Decoding

const INT32 = 2 ** 31;
/** Conditional-request dates that don't parse are ignored, as HTTP requires (RFC 9110 13.1.3). */
const LENIENT_DATES = new Set(['if-modified-since', 'if-unmodified-since']);

/** A header or query value as the scalar type of `ref`; InvalidArgument when it isn't one. */
function scalarFromText(model: ServiceModel, ref: ShapeRef, text: string, wireName: string): unknown {
  const r = resolve(model, ref);
  switch (r.shape.type) {
    case 'integer':
    case 'long': {
      const n = parseNumber(text, r.shape.type);
      const limit = r.shape.type === 'integer' ? INT32 : Number.MAX_SAFE_INTEGER + 1;
      if (n === undefined || n >= limit || n < -limit) throw invalidArgument(`Provided ${wireName} not an integer or within integer range`, wireName, text);
      return n;
    }
    case 'float':
    case 'double': {
      const n = parseNumber(text, r.shape.type);
      if (n === undefined) throw invalidArgument(`Provided ${wireName} not a number`, wireName, text);
      return n;
    }
    case 'boolean': {
      const b = parseBoolean(text);
      if (b === undefined) throw invalidArgument(`Invalid ${wireName} value; expected true or false`, wireName, text);
      return b;
    }
    case 'timestamp': {
      // Whatever the model's format (rfc822 in headers, iso8601 in queries by default), any of the
      // formats is accepted, as AWS does.
      const date = parseTimestamp(text.trim());
      if (!date && !LENIENT_DATES.has(wireName)) throw invalidArgument(`Invalid date in ${wireName}`, wireName, text);
      return date;
    }
    default:
      if (ref.jsonvalue) {
        try {
          return JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
        } catch {
          throw invalidArgument(`${wireName} must be base64-encoded JSON`, wireName);
        }
      }
      return text;
  }
}

/** Split a list header on commas outside quotes; botocore quotes items holding `,` or `"`. */
function splitHeaderList(text: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '\\' && i + 1 < text.length) current += text[++i];
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) { items.push(current.trim()); current = ''; }
    else current += c;
  }
  items.push(current.trim());
  return items.filter((s) => s !== '');
}

/**
 * Header members. Two aws-chunked details are undone here so services see the object's own
 * values: the `aws-chunked` content coding (S3 never stores it) and the chunked body length
 * (`x-amz-decoded-content-length` is the object's size).
 */
function readHeader(model: ServiceModel, ref: ShapeRef, name: string, headers: Record<string, string>): unknown {
  let text = headers[name];
  if (text === undefined) return undefined;
  if (name === 'content-encoding') {
    text = text.split(',').map((s) => s.trim()).filter((s) => s !== '' && s.toLowerCase() !== 'aws-chunked').join(',');
    if (text === '') return undefined;
  }
  if (name === 'content-length' && headers['x-amz-decoded-content-length'] !== undefined) text = headers['x-amz-decoded-content-length'];
  const r = resolve(model, ref);
  if (r.shape.type === 'list') return splitHeaderList(text).map((item) => scalarFromText(model, r.shape.member!, item, name));
  return scalarFromText(model, ref, text, name);
}

function readQuery(model: ServiceModel, ref: ShapeRef, name: string, query: Array<[string, string]>): unknown {
  const values = query.filter(([k]) => k === name).map(([, v]) => v);
  if (values.length === 0) return undefined;
  const r = resolve(model, ref);
  if (r.shape.type === 'list') return values.map((v) => scalarFromText(model, r.shape.member!, v, name));
  return scalarFromText(model, ref, values[0]!, name);
}

function bodyBytes(body: WireRequest['body']): Buffer {
  // The gateway buffers every body but streaming payloads; an XML body as a stream is a bug there.
  if (body instanceof Readable) throw new Error('rest-xml: an XML body must be buffered by the gateway');
  return body;
}

/**
 * The payload member: streaming blobs get the body as is (Buffer or the verifying stream); other
 * blobs and strings their bytes or text, absent when empty; structures their parsed XML, absent
 * when the body is empty (an optional configuration left out).
 */
function readPayload(model: ServiceModel, ref: ShapeRef, memberName: string, body: WireRequest['body']): unknown {
  const r = resolve(model, ref);
  if (r.shape.type === 'blob' || r.shape.type === 'string') {
    if (body instanceof Readable || ref.streaming || r.shape.streaming) return body;
    if (body.length === 0) return undefined;
    return r.shape.type === 'string' ? body.toString('utf8') : body;
  }
  const bytes = bodyBytes(body);
  if (bytes.toString('utf8').trim() === '') return undefined;
  return readXmlDocument(model, ref, bytes, r.locationName ?? memberName);
}

/** The top-level input member a violation is about. */
function memberOf(shape: Shape, violation: Violation): { name: string; ref: ShapeRef } | undefined {
  const top = violation.path.split('.')[0];
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    if (lowerFirst(name) === top) return { name, ref };
  }
  return undefined;
}

/**
 * S3 has no ValidationException. A constraint the XML body breaks is MalformedXML (what S3 says to
 * a body that doesn't fit its schema); a missing or bad URI, query or header value is
 * InvalidArgument naming the parameter, as S3 does for its own parameter checks; a storage class
 * outside the enum is S3's InvalidStorageClass.
 */
function s3ValidationError(shape: Shape, violations: Violation[]): AwsError {
  for (const v of violations) {
    const member = memberOf(shape, v);
    if (!member || !member.ref.location) continue;
    const wire = member.ref.location === 'uri' || member.ref.location === 'querystring' ? member.ref.locationName ?? member.name : (member.ref.locationName ?? member.name).toLowerCase();
    if (member.ref.shape === 'StorageClass' && v.value !== null) {
      return new AwsError('InvalidStorageClass', 'The storage class you specified is not valid', { status: 400, fields: { StorageClassRequested: String(v.value) } });
    }
    const message = v.value === null ? `Missing required parameter: ${wire}` : validationMessage([{ ...v, path: wire }]);
    return invalidArgument(message, wire, v.value === null || v.value === undefined ? undefined : String(v.value));
  }
  return malformedXmlError();
}

function decode(model: ServiceModel, op: Operation, req: WireRequest): unknown {
  if (!op.input) return {};
  const shape = model.shapes[op.input.shape]!;
  const input: Record<string, unknown> = {};
  let hasBodyMembers = false;
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    let value: unknown;
    switch (ref.location) {
      case 'uri': value = req.labels?.[ref.locationName ?? name]; break;
      case 'querystring':
        if (ref.locationName === undefined && model.shapes[ref.shape]?.type === 'map') value = Object.fromEntries(req.query);
        else value = readQuery(model, ref, ref.locationName ?? name, req.query);
        break;
      case 'header': value = readHeader(model, ref, (ref.locationName ?? name).toLowerCase(), req.headers); break;
      case 'headers': {
        const prefix = (ref.locationName ?? '').toLowerCase();
        const entries = Object.entries(req.headers).filter(([k]) => k.startsWith(prefix) && k.length > prefix.length);
        if (entries.length) value = Object.fromEntries(entries.map(([k, v]) => [k.slice(prefix.length), v]));
        break;
      }
      default:
        if (name === shape.payload) value = readPayload(model, ref, name, req.body);
        else hasBodyMembers = true;
    }
    if (value !== undefined) input[name] = value;
  }
  if (hasBodyMembers && !shape.payload) {
    // Members in the body without a payload wrapper (SelectObjectContent): the input itself is the
    // document, rooted at the input reference's locationName.
    const bytes = bodyBytes(req.body);
    if (bytes.toString('utf8').trim() !== '') {
      Object.assign(input, readXmlDocument(model, op.input, bytes, op.input.locationName ?? shape.locationName ?? op.input.shape));
    }
  }
  const violations = validate(model, op.input, input);
  if (violations.length) throw s3ValidationError(shape, violations);
  return input;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** A header's text: timestamps rfc822 unless the model says otherwise, lists comma-joined. */
function headerText(model: ServiceModel, ref: ShapeRef, value: unknown): string {
  const r = resolve(model, ref);
  if (ref.jsonvalue) return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
  switch (r.shape.type) {
    case 'timestamp':
      // A date the service kept as the client's text (Expires) goes back verbatim.
      if (typeof value === 'string') return value;
      return String(formatTimestamp(value instanceof Date ? value : new Date(value as number), r.timestampFormat ?? 'rfc822'));
    case 'boolean': return value ? 'true' : 'false';
    case 'float':
    case 'double': return formatFloat(Number(value));
    case 'blob': return toBase64(value);
    case 'list':
      return (value as unknown[]).map((item) => {
        const text = headerText(model, r.shape.member!, item);
        return /[",]/.test(text) ? `"${text.replace(/"/g, '\\"')}"` : text;
      }).join(',');
    default: return String(value);
  }
}

/**
 * Header values must be Latin-1 for node:http. S3 answers metadata that isn't with RFC 2047
 * encoded words, which is what this does for any value that would not fit.
 */
function safeHeader(text: string): string {
  return /[^\t\x20-\xff]/.test(text) ? `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=` : text;
}

function baseHeaders(ctx: EncodeContext): Record<string, string> {
  return { 'x-amz-request-id': ctx.requestId, 'x-amz-id-2': ctx.hostId };
}

function xmlDocument(root: string, inner: string, rootAttrs = ` xmlns="${S3_XML_NAMESPACE}"`): string {
  return `${XML_DECLARATION}<${root}${rootAttrs}>${inner}</${root}>`;
}

/** The body of an output without a payload member: its unlocated members under the root element. */
function outputDocument(model: ServiceModel, op: Operation, shape: Shape, out: Record<string, unknown>): string | undefined {
  const bodyMembers = Object.entries(shape.members ?? {}).filter(([, ref]) => !ref.location);
  if (bodyMembers.length === 0) return undefined;
  // AWS's root element names come from the model patch (models/patches/s3.json).
  const root = op.output!.locationName ?? shape.locationName ?? `${op.name}Result`;
  const [only] = bodyMembers;
  if (bodyMembers.length === 1 && (only![1].locationName ?? only![0]) === root) {
    // GetBucketLocation: the root element is the value itself (`<LocationConstraint>eu-west-1<`),
    // which botocore reads with a handler (handlers.parse_get_bucket_location).
    const value = out[only![0]];
    return xmlDocument(root, value === undefined || value === null ? '' : escapeXml(String(value)));
  }
  return xmlDocument(root, xmlMembers(model, op.output!.shape, out));
}

function encode(model: ServiceModel, op: Operation, output: unknown, ctx: EncodeContext): WireResponse {
  const headers = baseHeaders(ctx);
  let status = op.http.responseCode ?? 200;
  let body: WireResponse['body'];
  if (op.output) {
    const shape = model.shapes[op.output.shape]!;
    const out = (output ?? {}) as Record<string, unknown>;
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const value = out[name];
      if (value === undefined || value === null) continue;
      if (ref.location === 'header') {
        headers[ref.locationName ?? name] = safeHeader(headerText(model, ref, value));
      } else if (ref.location === 'headers') {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) headers[(ref.locationName ?? '') + k] = safeHeader(String(v));
      } else if (ref.location === 'statusCode') {
        status = Number(value);
      }
    }
    if (shape.payload) {
      const ref = shape.members![shape.payload]!;
      const r = resolve(model, ref);
      const value = out[shape.payload];
      if (value !== undefined && value !== null) {
        if (r.shape.type === 'blob' || r.shape.type === 'string') {
          body = value as Buffer | string | Readable;
        } else {
          const root = r.locationName ?? shape.payload;
          body = XML_DECLARATION + xmlElement(model, { ...ref, xmlNamespace: r.xmlNamespace ?? { uri: S3_XML_NAMESPACE } }, value, root);
          headers['Content-Type'] = 'application/xml';
        }
      }
    } else {
      body = outputDocument(model, op, shape, out);
      if (body !== undefined) headers['Content-Type'] = 'application/xml';
    }
  }
  if (op.http.method === 'HEAD') body = undefined;
  return body === undefined ? { status, headers } : { status, headers, body };
}

/** Element names for `fields`: anything else would make the document ill-formed. */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

/** Fields that already say which resource failed; `<Resource>` would repeat them. */
const RESOURCE_FIELDS = ['Resource', 'BucketName', 'Key'];

function encodeError(model: ServiceModel, _op: Operation | undefined, err: AwsError, ctx: EncodeContext): WireResponse {
  const status = err.status ?? errorShape(model, err.code)?.error?.httpStatusCode ?? 400;
  const headers = { ...baseHeaders(ctx), ...err.headers };
  // 304 and 204 answers carry no body, by HTTP's rules.
  if (status === 304 || status === 204) return { status, headers };
  let inner = `<Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>`;
  for (const [k, v] of Object.entries(err.fields)) {
    if (XML_NAME.test(k)) inner += `<${k}>${escapeXml(v)}</${k}>`;
  }
  // AWS's error documentation shows `<Resource>` (the bucket or object involved); the live
  // service names it with BucketName/Key where it can, so it is added only when those are absent.
  if (ctx.resource && !RESOURCE_FIELDS.some((f) => f in err.fields)) inner += `<Resource>${escapeXml(ctx.resource)}</Resource>`;
  inner += `<RequestId>${escapeXml(ctx.requestId)}</RequestId><HostId>${escapeXml(ctx.hostId)}</HostId>`;
  headers['Content-Type'] = 'application/xml';
  return { status, headers, body: xmlDocument('Error', inner, '') };
}

/** The REST-XML codec. */
export const restXmlCodec: ProtocolCodec = { decode, encode, encodeError };
