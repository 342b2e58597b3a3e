import { arnMatch, compileArnPattern, splitArn, wildcardMatch, type ArnPattern } from './arn.js';
import { cidrContains, parseCidr, parseIp, type Cidr } from './ip.js';
import { LEGACY_PARSING, PolicyDocumentError, SYNTAX_ERROR } from './policy-error.js';
import { compileTemplate, resolveTemplate, type Lookup, type Template } from './variables.js';

/**
 * The Condition element, compiled once into a predicate over the request context.
 *
 * - Operators and their rules: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 *   (a missing key makes a condition false, except that negated operators are then true, and
 *   `...IfExists` is true; `Null` tests presence).
 * - Several operators, or several keys in one operator: AND. Several values for one key: OR; for
 *   negated operators the request value must match none of them (AND of the negations).
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
 * - `ForAnyValue:` true if some request value matches (false when the key is missing);
 *   `ForAllValues:` true if every request value matches (true when the key is missing or empty).
 * - Condition key names are case-insensitive: the context is keyed by lower-case names.
 */
export type Condition = (lookup: Lookup) => boolean;

type Kind = 'string' | 'stringIgnoreCase' | 'stringLike' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';
type Compare = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

interface OperatorInfo {
  kind: Kind;
  negated: boolean;
  compare?: Compare;
}

const OPERATORS: Record<string, OperatorInfo> = {
  StringEquals: { kind: 'string', negated: false },
  StringNotEquals: { kind: 'string', negated: true },
  StringEqualsIgnoreCase: { kind: 'stringIgnoreCase', negated: false },
  StringNotEqualsIgnoreCase: { kind: 'stringIgnoreCase', negated: true },
  StringLike: { kind: 'stringLike', negated: false },
  StringNotLike: { kind: 'stringLike', negated: true },
  NumericEquals: { kind: 'numeric', negated: false, compare: 'eq' },
  NumericNotEquals: { kind: 'numeric', negated: true, compare: 'eq' },
  NumericLessThan: { kind: 'numeric', negated: false, compare: 'lt' },
  NumericLessThanEquals: { kind: 'numeric', negated: false, compare: 'le' },
  NumericGreaterThan: { kind: 'numeric', negated: false, compare: 'gt' },
  NumericGreaterThanEquals: { kind: 'numeric', negated: false, compare: 'ge' },
  DateEquals: { kind: 'date', negated: false, compare: 'eq' },
  DateNotEquals: { kind: 'date', negated: true, compare: 'eq' },
  DateLessThan: { kind: 'date', negated: false, compare: 'lt' },
  DateLessThanEquals: { kind: 'date', negated: false, compare: 'le' },
  DateGreaterThan: { kind: 'date', negated: false, compare: 'gt' },
  DateGreaterThanEquals: { kind: 'date', negated: false, compare: 'ge' },
  Bool: { kind: 'bool', negated: false },
  BinaryEquals: { kind: 'binary', negated: false },
  IpAddress: { kind: 'ip', negated: false },
  NotIpAddress: { kind: 'ip', negated: true },
  ArnEquals: { kind: 'arn', negated: false },
  ArnLike: { kind: 'arn', negated: false },
  ArnNotEquals: { kind: 'arn', negated: true },
  ArnNotLike: { kind: 'arn', negated: true },
  Null: { kind: 'null', negated: false },
};

/** A parsed operator name: `ForAnyValue:StringLikeIfExists` and the like. */
export interface ParsedOperator {
  info: OperatorInfo;
  set?: 'any' | 'all';
  ifExists: boolean;
}

/** Splits a condition operator name into its qualifier, operator and IfExists suffix; undefined if unknown. */
export function parseOperator(name: string): ParsedOperator | undefined {
  let set: 'any' | 'all' | undefined;
  let base = name;
  if (base.startsWith('ForAnyValue:')) {
    set = 'any';
    base = base.slice(12);
  } else if (base.startsWith('ForAllValues:')) {
    set = 'all';
    base = base.slice(13);
  }
  let ifExists = false;
  if (base.endsWith('IfExists') && base !== 'IfExists') {
    ifExists = true;
    base = base.slice(0, -8);
  }
  const info = OPERATORS[base];
  // `NullIfExists` is not an operator: Null already tests existence.
  if (!info || (info.kind === 'null' && (ifExists || set))) return undefined;
  return { info, set, ifExists };
}

/** A JSON condition value as policies write it: strings, and in practice also booleans and numbers. */
function valueStrings(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean' || typeof v === 'number') return String(v);
    throw new PolicyDocumentError(SYNTAX_ERROR);
  });
}

/** Epoch milliseconds of a date condition value: W3C ISO 8601 or epoch seconds. */
export function parseDate(s: string): number {
  const t = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  if (!/^\d{4}(-\d{2}(-\d{2})?)?([Tt ].*)?$/.test(t)) return NaN;
  return Date.parse(t);
}

function parseNumber(s: string): number {
  const t = s.trim();
  return t === '' ? NaN : Number(t);
}

function compareNumbers(c: Compare, request: number, policy: number): boolean {
  switch (c) {
    case 'eq': return request === policy;
    case 'lt': return request < policy;
    case 'le': return request <= policy;
    case 'gt': return request > policy;
    case 'ge': return request >= policy;
  }
}

/** Builds `value matches one of the policy values` for one operator kind. */
function valueMatcher(op: OperatorInfo & { kind: Exclude<Kind, 'null'> }, values: string[], withVariables: boolean): (v: string, lookup: Lookup) => boolean {
  switch (op.kind) {
    case 'string':
    case 'stringIgnoreCase':
    case 'stringLike': {
      const templates = values.map((v) => compileTemplate(v, withVariables));
      const fold = op.kind === 'stringIgnoreCase';
      return (v, lookup) => {
        const request = fold ? v.toLowerCase() : v;
        for (const t of templates) {
          const p = resolveTemplate(t, lookup);
          if (!p) continue;
          if (op.kind === 'stringLike' ? wildcardMatch(p, v) : (fold ? p.text.toLowerCase() : p.text) === request) return true;
        }
        return false;
      };
    }
    case 'arn': {
      const templates = values.map((v) => compileTemplate(v, withVariables));
      const fixed = templates.map((t) => (t.constant ? compileArnPattern(t.constant) : undefined));
      return (v, lookup) => {
        const segments = splitArn(v);
        if (!segments) return false;
        for (let i = 0; i < templates.length; i++) {
          let p: ArnPattern | undefined = fixed[i];
          if (!p) {
            const resolved = resolveTemplate(templates[i]!, lookup);
            if (!resolved) continue;
            p = compileArnPattern(resolved);
          }
          if (arnMatch(p, v, segments)) return true;
        }
        return false;
      };
    }
    case 'numeric':
    case 'date': {
      const parse = op.kind === 'numeric' ? parseNumber : parseDate;
      const policy = values.map(parse);
      if (op.kind === 'date' && policy.some(Number.isNaN)) throw new PolicyDocumentError(LEGACY_PARSING);
      return (v) => {
        const n = parse(v);
        if (Number.isNaN(n)) return false;
        return policy.some((p) => compareNumbers(op.compare!, n, p));
      };
    }
    case 'bool': {
      const policy = values.map((v) => v.toLowerCase());
      return (v) => policy.includes(v.toLowerCase());
    }
    case 'binary': {
      const policy = values.map(base64Bytes);
      return (v) => {
        const b = base64Bytes(v);
        return b !== undefined && policy.includes(b);
      };
    }
    case 'ip': {
      const blocks = values.map(parseCidr).filter((c): c is Cidr => c !== undefined);
      return (v) => {
        const ip = parseIp(v.trim());
        return ip !== undefined && blocks.some((c) => cidrContains(c, ip));
      };
    }
  }
}

/** One `"Operator": {"key": values}` entry. */
function compileEntry(parsed: ParsedOperator, key: string, raw: unknown, withVariables: boolean): Condition {
  const values = valueStrings(raw);
  const name = key.toLowerCase();
  if (parsed.info.kind === 'null') {
    const wantAbsent = values.map((v) => v.toLowerCase() === 'true');
    return (lookup) => {
      const present = (lookup(name)?.length ?? 0) > 0;
      return wantAbsent.some((absent) => absent === !present);
    };
  }
  const info = parsed.info as OperatorInfo & { kind: Exclude<Kind, 'null'> };
  const matches = valueMatcher(info, values, withVariables);
  const { negated } = parsed.info;
  const { set, ifExists } = parsed;
  return (lookup) => {
    const requestValues = lookup(name);
    if (!requestValues || requestValues.length === 0) {
      if (ifExists || set === 'all') return true;
      if (set === 'any') return false;
      return negated;
    }
    // A negated operator is the negation of its positive twin, value by value.
    const positive = (v: string) => matches(v, lookup);
    const test = negated ? (v: string) => !positive(v) : positive;
    if (set === 'all') return requestValues.every(test);
    if (set === 'any') return requestValues.some(test);
    return negated ? !requestValues.some(positive) : requestValues.some(positive);
  };
}

/**
 * Compiles a statement's Condition block; undefined when it has no conditions. Throws
 * PolicyDocumentError for what IAM refuses.
 */
export function compileCondition(block: unknown, withVariables: boolean): Condition | undefined {
  if (block === undefined) return undefined;
  if (!isObject(block)) throw new PolicyDocumentError(SYNTAX_ERROR);
  const entries: Condition[] = [];
  for (const [operator, keys] of Object.entries(block)) {
    if (!isObject(keys)) throw new PolicyDocumentError(SYNTAX_ERROR);
    for (const v of Object.values(keys)) {
      if (typeof v !== 'string' && typeof v !== 'boolean' && typeof v !== 'number' && !Array.isArray(v)) throw new PolicyDocumentError(SYNTAX_ERROR);
    }
    const parsed = parseOperator(operator);
    if (!parsed) {
      // IAM accepts an unknown operator only when it holds no keys (then it constrains nothing).
      if (Object.keys(keys).length > 0) throw new PolicyDocumentError(SYNTAX_ERROR);
      continue;
    }
    for (const [key, raw] of Object.entries(keys)) entries.push(compileEntry(parsed, key, raw, withVariables));
  }
  if (entries.length === 0) return undefined;
  if (entries.length === 1) return entries[0];
  return (lookup) => entries.every((c) => c(lookup));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Base-64 text as its bytes (a binary string), or undefined when it is not base-64 (it then
 * matches nothing). Web APIs only: the auditor's public-policy check runs in the console too.
 */
function base64Bytes(text: string): string | undefined {
  try {
    return atob(text.replace(/\s+/g, ''));
  } catch {
    return undefined;
  }
}
