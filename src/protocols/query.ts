/**
 * The Query codec (IAM, STS): form fields in, XML out. Field names are read exactly as botocore's
 * QuerySerializer writes them (`Tags.member.1.Key`, `Attributes.entry.1.key`); the EC2 codec
 * reuses the reader with its own naming dialect.
 */
import { Readable } from 'node:stream';
import { AwsError } from '../errors.js';
import { errorShape } from '../model/registry.js';
import type { Operation, ServiceModel, Shape, ShapeRef, ShapeType } from '../model/types.js';
import type { EncodeContext, ProtocolCodec, WireRequest, WireResponse } from './types.js';
import { validate, validationMessage } from './validate.js';
import { fromBase64, parseBoolean, parseNumber, parseTimestamp, resolve, type Resolved } from './values.js';
import { escapeXml, xmlMembers } from './xml-write.js';

/** How a Query-family protocol names fields on the wire, and how it reports bad ones. */
export interface QueryDialect {
  /** The field name of a structure member. */
  memberName(r: Resolved, memberName: string): string;
  /** The field prefix of a list's item `i` (1-based), given the list's own prefix. */
  itemPrefix(model: ServiceModel, list: Resolved, prefix: string, i: number): string;
  /** The error for a field whose text is not of its shape's type. */
  badValue(field: string, text: string, type: ShapeType): AwsError;
  /** EC2 reports a missing required field by its wire name, before any other check. */
  missing?(field: string): AwsError;
}

const queryDialect: QueryDialect = {
  memberName: (r, name) => r.locationName ?? name,
  itemPrefix(model, list, prefix, i) {
    const itemName = resolve(model, list.shape.member!).locationName;
    if (!list.flattened) return `${prefix}.${itemName ?? 'member'}.${i}`;
    // botocore replaces the member's own segment with the item's locationName for flattened lists.
    return `${itemName ? [...prefix.split('.').slice(0, -1), itemName].join('.') : prefix}.${i}`;
  },
  badValue(field, text, type) {
    const shown = type === 'blob' ? '' : ` '${text}'`;
    return new AwsError('ValidationError', `Value${shown} for parameter ${field} is not a valid ${type}`, { status: 400 });
  },
};

/** The decoded form fields of a request: query string first, then a form body (body wins). */
export function formParams(req: WireRequest): Map<string, string> {
  const params = new Map<string, string>(req.query);
  if (req.body instanceof Readable) throw new Error('Query protocol bodies are buffered by the gateway');
  if (req.body.length) {
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.set(k, v);
  }
  return params;
}

interface Reader { model: ServiceModel; params: Map<string, string>; present: Set<string>; dialect: QueryDialect }

function readValue(rd: Reader, ref: ShapeRef, field: string): unknown {
  const r = resolve(rd.model, ref);
  const shape = r.shape;
  if (shape.type === 'list') {
    // Checked by item: a flattened list's items may be named apart from the member.
    const items: unknown[] = [];
    for (let i = 1; ; i++) {
      const itemField = rd.dialect.itemPrefix(rd.model, r, field, i);
      if (!rd.present.has(itemField)) break;
      items.push(readValue(rd, shape.member!, itemField));
    }
    // An empty list travels as `Field=` (botocore's QuerySerializer).
    return items.length || rd.params.get(field) === '' ? items : undefined;
  }
  if (!rd.present.has(field)) return undefined;
  switch (shape.type) {
    case 'structure': return readStructure(rd, shape, field);
    case 'map': {
      const out: Record<string, unknown> = {};
      const keyName = resolve(rd.model, shape.key!).locationName ?? 'key';
      const valueName = resolve(rd.model, shape.value!).locationName ?? 'value';
      const base = r.flattened ? field : `${field}.entry`;
      for (let i = 1; rd.present.has(`${base}.${i}`); i++) {
        const key = readValue(rd, shape.key!, `${base}.${i}.${keyName}`);
        if (typeof key === 'string') out[key] = readValue(rd, shape.value!, `${base}.${i}.${valueName}`);
      }
      return out;
    }
    default: {
      // Present may mean only that deeper fields exist (`Name.1` sent for a scalar `Name`).
      const text = rd.params.get(field);
      return text === undefined ? undefined : readScalar(rd, shape, field, text);
    }
  }
}

function readScalar(rd: Reader, shape: Shape, field: string, text: string): unknown {
  let value: unknown;
  switch (shape.type) {
    case 'boolean': value = parseBoolean(text); break;
    case 'integer': case 'long': case 'float': case 'double': value = parseNumber(text, shape.type); break;
    case 'timestamp': value = parseTimestamp(text); break;
    case 'blob': value = fromBase64(text); break;
    default: return text;
  }
  if (value === undefined) throw rd.dialect.badValue(field, text, shape.type);
  return value;
}

function readStructure(rd: Reader, shape: Shape, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(shape.required ?? []);
  for (const [name, memberRef] of Object.entries(shape.members ?? {})) {
    const wire = rd.dialect.memberName(resolve(rd.model, memberRef), name);
    const field = prefix ? `${prefix}.${wire}` : wire;
    const v = readValue(rd, memberRef, field);
    if (v !== undefined) out[name] = v;
    else if (required.has(name) && rd.dialect.missing) throw rd.dialect.missing(field);
  }
  return out;
}

/** Every dotted prefix of every field (`A.member.1.B` -> `A`, `A.member`, ...), to test presence. */
function prefixesOf(params: Map<string, string>): Set<string> {
  const present = new Set<string>();
  for (const key of params.keys()) {
    let at = key.indexOf('.');
    while (at !== -1) { present.add(key.slice(0, at)); at = key.indexOf('.', at + 1); }
    present.add(key);
  }
  return present;
}

/** Read the operation input structure from form fields, without validating constraints. */
export function readParams(model: ServiceModel, ref: ShapeRef, params: Map<string, string>, dialect: QueryDialect): Record<string, unknown> {
  const shape = resolve(model, ref).shape;
  return readStructure({ model, params, present: prefixesOf(params), dialect }, shape, '');
}

/** The error for an `Action` the service does not have (at this version). */
export function unknownActionError(action: string, version: string): AwsError {
  return new AwsError('InvalidAction', `Could not find operation ${action} for version ${version}`, { status: 400 });
}

/** The wire code, status and fault side of an error, from the error and its model shape. */
export function errorFacts(model: ServiceModel, err: AwsError): { code: string; status: number; sender: boolean } {
  const shape = errorShape(model, err.code);
  // Query models name the shape `NoSuchEntityException` but put `NoSuchEntity` on the wire.
  const code = shape?.error?.code ?? err.code;
  const status = err.status ?? shape?.error?.httpStatusCode ?? (err.senderFault === false || shape?.fault ? 500 : 400);
  return { code, status, sender: err.senderFault ?? shape?.error?.senderFault ?? status < 500 };
}

/** `<Code>`, `<Message>` and the extra fields of an error, escaped. */
export function errorBody(code: string, err: AwsError): string {
  let out = `<Code>${escapeXml(code)}</Code>`;
  if (err.message) out += `<Message>${escapeXml(err.message)}</Message>`;
  for (const [k, v] of Object.entries(err.fields)) out += `<${k}>${escapeXml(v)}</${k}>`;
  return out;
}

function xmlHeaders(ctx: EncodeContext): Record<string, string> {
  return { 'Content-Type': 'text/xml', 'x-amzn-RequestId': ctx.requestId };
}

function xmlns(model: ServiceModel): string {
  return model.metadata.xmlNamespace ? ` xmlns="${escapeXml(model.metadata.xmlNamespace)}"` : '';
}

/** The Query codec. */
export const queryCodec: ProtocolCodec = {
  decode(model: ServiceModel, op: Operation, req: WireRequest): unknown {
    if (!op.input) return {};
    const input = readParams(model, op.input, formParams(req), queryDialect);
    const violations = validate(model, op.input, input);
    if (violations.length) throw new AwsError('ValidationError', validationMessage(violations), { status: 400 });
    return input;
  },

  encode(model: ServiceModel, op: Operation, output: unknown, ctx: EncodeContext): WireResponse {
    let result = '';
    if (op.output) {
      const members = xmlMembers(model, op.output.shape, (output ?? {}) as Record<string, unknown>);
      const wrapper = op.output.resultWrapper;
      result = wrapper ? `<${wrapper}>${members}</${wrapper}>` : members;
    }
    const metadata = `<ResponseMetadata><RequestId>${escapeXml(ctx.requestId)}</RequestId></ResponseMetadata>`;
    const body = `<${op.name}Response${xmlns(model)}>${result}${metadata}</${op.name}Response>`;
    return { status: 200, headers: xmlHeaders(ctx), body };
  },

  encodeError(model: ServiceModel, _op: Operation | undefined, err: AwsError, ctx: EncodeContext): WireResponse {
    const { code, status, sender } = errorFacts(model, err);
    const body = `<ErrorResponse${xmlns(model)}><Error><Type>${sender ? 'Sender' : 'Receiver'}</Type>${errorBody(code, err)}</Error>`
      + `<RequestId>${escapeXml(ctx.requestId)}</RequestId></ErrorResponse>`;
    return { status, headers: { ...xmlHeaders(ctx), ...err.headers }, body };
  },
};
