/**
 * Model-driven XML reading for the REST-XML codec: request bodies (S3 `<Delete>`,
 * `<CompleteMultipartUpload>`, `<Tagging>` ...) into typed values, following the rules botocore's
 * XML parser applies to responses (parsers.BaseXMLResponseParser), which mirror what its
 * serializer writes.
 *
 * Entity processing is off in the parser: DTDs are refused outright (no entity expansion, no
 * external entities), and only XML's five predefined entities and numeric character references
 * are decoded, here.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AwsError } from '../errors.js';
import type { ServiceModel, ShapeRef } from '../model/types.js';
import { fromBase64, parseBoolean, parseNumber, parseTimestamp, resolve } from './values.js';

/** An element: its local name (namespace prefix stripped), attributes, element children, text. */
export interface XmlNode {
  name: string;
  /** Attributes by their qualified name (`xsi:type`), entities decoded. */
  attrs: Record<string, string>;
  children: XmlNode[];
  /** The element's own text and CDATA, concatenated. */
  text: string;
}

/** S3's answer to a body that is not XML or does not fit the schema. */
export function malformedXmlError(): AwsError {
  return new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', { status: 400 });
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
});

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decode the predefined entities and character references; any other entity is an error. */
function decodeEntities(text: string): string {
  return text.replace(/&([^;&]*);/g, (_, ref: string) => {
    const named = PREDEFINED[ref];
    if (named !== undefined) return named;
    const code = /^#x[0-9a-fA-F]+$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
    if (!Number.isInteger(code) || code > 0x10ffff) throw malformedXmlError();
    return String.fromCodePoint(code);
  });
}

type Ordered = Record<string, unknown>;

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

/** fast-xml-parser's ordered form -> XmlNode. */
function toNode(entry: Ordered): XmlNode {
  const tag = Object.keys(entry).find((k) => k !== ':@')!;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries((entry[':@'] ?? {}) as Record<string, string>)) attrs[k] = decodeEntities(String(v));
  const node: XmlNode = { name: localName(tag), attrs, children: [], text: '' };
  for (const child of entry[tag] as Ordered[]) {
    if ('#text' in child) node.text += decodeEntities(String(child['#text']));
    else if ('#cdata' in child) node.text += (child['#cdata'] as Ordered[]).map((c) => String(c['#text'] ?? '')).join('');
    else node.children.push(toNode(child));
  }
  return node;
}

/**
 * Parse an XML document and return its root element. Throws MalformedXML for anything that is not
 * one well-formed element (empty input, text, several roots, a DTD, an unknown entity).
 */
export function parseXml(xml: string): XmlNode {
  if (/<!DOCTYPE/i.test(xml) || XMLValidator.validate(xml) !== true) throw malformedXmlError();
  let parsed: Ordered[];
  try {
    parsed = parser.parse(xml) as Ordered[];
  } catch {
    // The parser's own limits (e.g. its maximum nesting depth) refuse what the validator let by.
    throw malformedXmlError();
  }
  const roots = parsed.filter((e) => !('#text' in e) && !('#cdata' in e));
  if (roots.length !== 1) throw malformedXmlError();
  return toNode(roots[0]!);
}

/** The element name a structure member is read from (botocore `_member_key_name`). */
function memberKeyName(model: ServiceModel, ref: ShapeRef, memberName: string): string {
  const r = resolve(model, ref);
  if (r.shape.type === 'list' && r.flattened && r.shape.member) {
    const itemName = resolve(model, r.shape.member).locationName;
    if (itemName) return itemName;
  }
  return r.locationName ?? memberName;
}

/**
 * Read `nodes` (one element, or every repetition of a flattened list or map's element) as a value
 * of the shape `ref` points to. Members with a `location` are skipped: they travel outside the
 * body. Unknown elements are ignored, as botocore does. Throws MalformedXML for scalar text that
 * is not of its type.
 */
export function readXmlValue(model: ServiceModel, ref: ShapeRef, nodes: XmlNode[]): unknown {
  const r = resolve(model, ref);
  const shape = r.shape;
  const node = nodes[0]!;
  switch (shape.type) {
    case 'structure': {
      const byName = new Map<string, XmlNode[]>();
      for (const child of node.children) {
        const list = byName.get(child.name);
        if (list) list.push(child);
        else byName.set(child.name, [child]);
      }
      const out: Record<string, unknown> = {};
      for (const [memberName, memberRef] of Object.entries(shape.members ?? {})) {
        if (memberRef.location) continue;
        if (memberRef.xmlAttribute) {
          const attr = node.attrs[memberRef.locationName ?? memberName];
          if (attr !== undefined) out[memberName] = readScalar(model, memberRef, attr);
          continue;
        }
        const found = byName.get(memberKeyName(model, memberRef, memberName));
        if (found) out[memberName] = readXmlValue(model, memberRef, found);
      }
      return out;
    }
    case 'list': {
      const items = r.flattened ? nodes : node.children;
      return items.map((item) => readXmlValue(model, shape.member!, [item]));
    }
    case 'map': {
      const entries = r.flattened ? nodes : node.children;
      const keyName = resolve(model, shape.key!).locationName ?? 'key';
      const valueName = resolve(model, shape.value!).locationName ?? 'value';
      const out: Record<string, unknown> = {};
      for (const entry of entries) {
        const k = entry.children.find((c) => c.name === keyName);
        const v = entry.children.find((c) => c.name === valueName);
        if (!k || !v) throw malformedXmlError();
        out[String(readXmlValue(model, shape.key!, [k]))] = readXmlValue(model, shape.value!, [v]);
      }
      return out;
    }
    default:
      return readScalar(model, ref, node.text);
  }
}

/** A scalar from its XML text (element content or attribute value). */
function readScalar(model: ServiceModel, ref: ShapeRef, text: string): unknown {
  const type = resolve(model, ref).shape.type;
  let value: unknown;
  switch (type) {
    case 'boolean': value = parseBoolean(text); break;
    case 'integer': case 'long': case 'float': case 'double': value = parseNumber(text, type); break;
    case 'timestamp': value = parseTimestamp(text.trim()); break;
    case 'blob': value = fromBase64(text.trim()); break;
    default: return text;
  }
  if (value === undefined) throw malformedXmlError();
  return value;
}

/**
 * Read a request body as the structure `ref` points to. The root element must be `rootName`
 * (S3 answers MalformedXML to `<Tagging>` sent where `<Delete>` belongs).
 */
export function readXmlDocument(model: ServiceModel, ref: ShapeRef, body: Buffer | string, rootName: string): unknown {
  const root = parseXml(typeof body === 'string' ? body : body.toString('utf8'));
  if (root.name !== rootName) throw malformedXmlError();
  return readXmlValue(model, ref, [root]);
}
