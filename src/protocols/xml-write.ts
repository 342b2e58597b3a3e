/**
 * Model-driven XML writing for the Query, EC2 and REST-XML codecs. Element names, list and map
 * layouts follow what botocore's XML parsers read (parsers.BaseXMLResponseParser): a structure
 * member is found by its locationName (else its member name), a flattened list by its member's
 * locationName, a wrapped list by its children whatever they are named.
 */
import type { ServiceModel, ShapeRef } from '../model/types.js';
import { formatFloat, formatTimestamp, resolve, toBase64 } from './values.js';

/** EC2 names list items `<item>` where the model gives no name; Query and REST-XML use `<member>`. */
export interface XmlOptions { ec2?: boolean }

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;' };

/**
 * Escape text or an attribute value. Line breaks and tabs become character references so they
 * survive both attribute normalization and parsers that trim text. Other control characters (an
 * S3 key or marker may hold any of them) can't appear raw in XML 1.0: they become numeric
 * references too, as S3 writes them (clients that need them exactly ask for encoding-type=url).
 */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"'\x00-\x1f]/g, (c) => ESCAPES[c] ?? `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`);
}

/** The text of a scalar of the shape `ref` points to. */
function scalarText(model: ServiceModel, ref: ShapeRef, value: unknown): string {
  const r = resolve(model, ref);
  switch (r.shape.type) {
    case 'timestamp': {
      const date = value instanceof Date ? value : new Date(value as string | number);
      return String(formatTimestamp(date, r.timestampFormat ?? 'iso8601'));
    }
    case 'blob': return toBase64(value);
    case 'boolean': return value ? 'true' : 'false';
    case 'float':
    case 'double': return formatFloat(Number(value));
    default: return String(value);
  }
}

/** The name a structure member's element carries (botocore `_member_key_name`). */
function memberElementName(model: ServiceModel, ref: ShapeRef, memberName: string): string {
  const r = resolve(model, ref);
  if (r.shape.type === 'list' && r.flattened && r.shape.member) {
    const itemName = resolve(model, r.shape.member).locationName;
    if (itemName) return itemName;
  }
  return r.locationName ?? memberName;
}

function namespaceAttr(ns: { uri: string; prefix?: string } | undefined): string {
  if (!ns) return '';
  return ns.prefix ? ` xmlns:${ns.prefix}="${escapeXml(ns.uri)}"` : ` xmlns="${escapeXml(ns.uri)}"`;
}

/**
 * Serialize `value` (of the shape `ref` points to) as the element `<name>...</name>` following
 * botocore's XML parser expectations: structure members by locationName ?? memberName; lists
 * wrapped in <name> with items named member.locationName ?? 'member' unless flattened (then each
 * item is <name>), maps as <entry><key/><value/></entry> (flattened: repeated <name>), timestamps
 * ISO8601 (or per timestampFormat), blobs base64, booleans true/false, xmlAttribute members as
 * attributes, xmlNamespace on the root. Members whose value is undefined are omitted. Escapes text
 * and attributes. `opts.ec2` uses EC2's rules (lists items <item>, members by locationName).
 * Members with a `location` (header, uri...) are skipped: the rest-xml codec puts those elsewhere.
 */
export function xmlElement(model: ServiceModel, ref: ShapeRef, value: unknown, name: string, opts: XmlOptions = {}): string {
  const r = resolve(model, ref);
  const ns = namespaceAttr(r.xmlNamespace);
  const shape = r.shape;
  switch (shape.type) {
    case 'structure': {
      const obj = (value ?? {}) as Record<string, unknown>;
      let attrs = '';
      for (const [memberName, memberRef] of Object.entries(shape.members ?? {})) {
        const v = obj[memberName];
        if (!memberRef.xmlAttribute || memberRef.location || v === undefined || v === null) continue;
        attrs += ` ${memberRef.locationName ?? memberName}="${escapeXml(scalarText(model, memberRef, v))}"`;
      }
      return `<${name}${ns}${attrs}>${xmlMembers(model, ref.shape, obj, opts)}</${name}>`;
    }
    case 'list': {
      const items = (value ?? []) as unknown[];
      const memberRef = shape.member!;
      if (r.flattened) return items.map((item) => xmlElement(model, memberRef, item, name, opts)).join('');
      const itemName = resolve(model, memberRef).locationName ?? (opts.ec2 ? 'item' : 'member');
      return `<${name}${ns}>${items.map((item) => xmlElement(model, memberRef, item, itemName, opts)).join('')}</${name}>`;
    }
    case 'map': {
      const entries = Object.entries((value ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined);
      const keyRef = shape.key!;
      const valueRef = shape.value!;
      const keyName = resolve(model, keyRef).locationName ?? 'key';
      const valueName = resolve(model, valueRef).locationName ?? 'value';
      const pair = ([k, v]: [string, unknown]): string =>
        xmlElement(model, keyRef, k, keyName, opts) + xmlElement(model, valueRef, v, valueName, opts);
      if (r.flattened) return entries.map((e) => `<${name}${ns}>${pair(e)}</${name}>`).join('');
      return `<${name}${ns}>${entries.map((e) => `<entry>${pair(e)}</entry>`).join('')}</${name}>`;
    }
    default:
      return `<${name}${ns}>${escapeXml(scalarText(model, ref, value))}</${name}>`;
  }
}

/** Serialize just the members of a structure (the inside of an element). */
export function xmlMembers(model: ServiceModel, shapeName: string, value: Record<string, unknown>, opts: XmlOptions = {}): string {
  const shape = model.shapes[shapeName];
  if (!shape) throw new Error(`model has no shape ${shapeName}`);
  let out = '';
  for (const [memberName, memberRef] of Object.entries(shape.members ?? {})) {
    const v = value[memberName];
    if (v === undefined || v === null || memberRef.location || memberRef.xmlAttribute) continue;
    out += xmlElement(model, memberRef, v, memberElementName(model, memberRef, memberName), opts);
  }
  return out;
}
