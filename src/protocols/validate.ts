/**
 * Input validation against the model's constraints, reported the way AWS's front end (Coral)
 * reports them: "1 validation error detected: Value 'x' at 'keyId' failed to satisfy constraint:
 * Member must have length less than or equal to 2048". Every codec runs it after decoding.
 */
import type { ServiceModel, Shape, ShapeRef } from '../model/types.js';
import { lowerFirst } from './values.js';

/**
 * One failed constraint. `value` is what the message prints: the value itself for strings and
 * numbers, null for a missing required member, undefined when AWS prints no value (blobs,
 * collections, sensitive shapes).
 */
export interface Violation { path: string; value: unknown; constraint: string; }

const patterns = new Map<string, RegExp | null>();

/**
 * A model pattern as a JS RegExp, anchored because AWS matches the whole value (Java `matches()`).
 * Java-only syntax that JS can't compile yields null and the pattern is skipped.
 */
function compile(pattern: string): RegExp | null {
  let re = patterns.get(pattern);
  if (re === undefined) {
    re = null;
    for (const flags of ['u', '']) {
      try { re = new RegExp(`^(?:${pattern})$`, flags); break; } catch { /* try the next flag set */ }
    }
    patterns.set(pattern, re);
  }
  return re;
}

function printable(shape: Shape, value: unknown): unknown {
  if (shape.sensitive) return undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

/** The size a length constraint measures: characters, bytes, items or entries. */
function sizeOf(shape: Shape, value: unknown): number | undefined {
  switch (shape.type) {
    case 'string': return typeof value === 'string' ? value.length : undefined;
    case 'blob': return value instanceof Uint8Array ? value.length : undefined;
    case 'list': return Array.isArray(value) ? value.length : undefined;
    case 'map': return value && typeof value === 'object' ? Object.keys(value).length : undefined;
    default: return undefined;
  }
}

/** The constraints the value itself breaks, without descending into members. */
function ownConstraints(shape: Shape, value: unknown): string[] {
  const out: string[] = [];
  if (shape.type === 'string' && typeof value === 'string' && shape.enum && !shape.enum.includes(value)) {
    out.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  }
  const size = sizeOf(shape, value);
  if (size !== undefined) {
    if (shape.min !== undefined && size < shape.min) out.push(`Member must have length greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && size > shape.max) out.push(`Member must have length less than or equal to ${shape.max}`);
  }
  if (shape.type === 'string' && typeof value === 'string' && shape.pattern) {
    const re = compile(shape.pattern);
    if (re && !re.test(value)) out.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  }
  if (typeof value === 'number' && ['integer', 'long', 'float', 'double'].includes(shape.type)) {
    if (shape.min !== undefined && value < shape.min) out.push(`Member must have value greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && value > shape.max) out.push(`Member must have value less than or equal to ${shape.max}`);
  }
  return out;
}

function walk(model: ServiceModel, ref: ShapeRef, value: unknown, path: string, out: Violation[]): void {
  const shape = model.shapes[ref.shape];
  if (!shape || value === undefined || value === null) return;
  for (const constraint of ownConstraints(shape, value)) out.push({ path, value: printable(shape, value), constraint });
  if (shape.type === 'structure' && typeof value === 'object' && !shape.document) {
    const obj = value as Record<string, unknown>;
    const required = new Set(shape.required ?? []);
    for (const [name, memberRef] of Object.entries(shape.members ?? {})) {
      const memberPath = path ? `${path}.${lowerFirst(name)}` : lowerFirst(name);
      const v = obj[name];
      if ((v === undefined || v === null) && required.has(name)) {
        out.push({ path: memberPath, value: null, constraint: 'Member must not be null' });
      } else {
        walk(model, memberRef, v, memberPath, out);
      }
    }
  } else if (shape.type === 'list' && Array.isArray(value)) {
    value.forEach((item, i) => walk(model, shape.member!, item, `${path}.${i + 1}.member`, out));
  } else if (shape.type === 'map' && typeof value === 'object') {
    mapConstraints(model, shape, value as Record<string, unknown>, path, out);
  }
}

/**
 * Map keys and values are reported against the map as a whole, as Coral does: "Value at 'tags'
 * failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length ...]".
 */
function mapConstraints(model: ServiceModel, shape: Shape, map: Record<string, unknown>, path: string, out: Violation[]): void {
  const keyShape = model.shapes[shape.key!.shape]!;
  const keyProblems = new Set<string>();
  const valueProblems = new Set<string>();
  for (const [k, v] of Object.entries(map)) {
    for (const c of ownConstraints(keyShape, k)) keyProblems.add(c);
    if (v === undefined || v === null) continue;
    const nested: Violation[] = [];
    walk(model, shape.value!, v, path, nested);
    for (const n of nested) {
      if (n.path === path) valueProblems.add(n.constraint);
      else out.push(n);
    }
  }
  if (keyProblems.size) out.push({ path, value: undefined, constraint: `Map keys must satisfy constraint: [${[...keyProblems].join(', ')}]` });
  if (valueProblems.size) out.push({ path, value: undefined, constraint: `Map value must satisfy constraint: [${[...valueProblems].join(', ')}]` });
}

/**
 * Walk value against the shape: required members (null), enum, min/max length for strings/blobs/
 * lists/maps, min/max range for numbers, pattern for strings (skip patterns JS RegExp can't
 * compile). Paths as AWS prints them: member names with the first letter lower-cased, nested with
 * '.', list items with '.member.N' (1-based) — e.g. 'plaintext', 'tags.1.member.tagKey'.
 */
export function validate(model: ServiceModel, ref: ShapeRef, value: unknown): Violation[] {
  const out: Violation[] = [];
  walk(model, ref, value ?? {}, '', out);
  return out;
}

function describe(v: Violation): string {
  const value = v.value === null ? 'Value null' : v.value === undefined ? 'Value' : `Value '${String(v.value)}'`;
  return `${value} at '${v.path}' failed to satisfy constraint: ${v.constraint}`;
}

/**
 * "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must
 * have length less than or equal to 4096" / "2 validation errors detected: ...; ..."
 */
export function validationMessage(violations: Violation[]): string {
  const n = violations.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.map(describe).join('; ')}`;
}
