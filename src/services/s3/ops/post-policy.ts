/**
 * POST policies (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html):
 * the base64 JSON document a browser upload's signature covers, `{expiration, conditions}`, and
 * the check of a form against it, with S3's answers: 400 InvalidPolicyDocument ("Invalid Policy:
 * ...") for a document it cannot read, 403 AccessDenied ("Invalid according to Policy: ...") for an
 * expired policy, a failed condition or a field no condition covers, EntityTooLarge/EntityTooSmall
 * for a file outside `content-length-range`.
 *
 * Matching: field and condition names are case-insensitive, values case-sensitive; a simple
 * condition `{"k": "v"}` is `["eq", "$k", "v"]` (and is reported in that form); `starts-with` on
 * Content-Type holds for a comma-separated list only if every item starts with the prefix.
 */
import { AwsError } from '../../../errors.js';

/** A condition as the policy states it (kept for the error message) and as it is checked. */
export interface PolicyCondition {
  op: 'eq' | 'starts-with' | 'content-length-range';
  /** The items as the policy spelled them: ["eq", "$key", "v"] (a simple condition written so). */
  stated: unknown[];
  /** eq / starts-with: the field (lower-cased, without `$`), or undefined when the policy gave no `$`. */
  field?: string;
  value?: string;
}

export interface PostPolicy {
  expiration: Date;
  conditions: PolicyCondition[];
}

/** The file-size bounds a policy sets (inclusive). */
export interface LengthRange {
  min: number;
  max: number;
}

function invalidPolicy(detail: string): AwsError {
  return new AwsError('InvalidPolicyDocument', `Invalid Policy: ${detail}`, { status: 400 });
}

function denied(detail: string): AwsError {
  return new AwsError('AccessDenied', `Invalid according to Policy: ${detail}`, { status: 403 });
}

/** The condition as S3 prints it in a "Policy Condition failed" message. */
function printed(stated: unknown[]): string {
  return `[${stated.map((item) => JSON.stringify(item)).join(', ')}]`;
}

/** ISO-8601 in UTC, with or without milliseconds, as S3 reads `expiration`. */
const EXPIRATION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Reads a base64 policy document; InvalidPolicyDocument for anything S3 would not read. */
export function parsePolicy(base64: string): PostPolicy {
  const text = Buffer.from(base64, 'base64').toString('utf8');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64.replace(/\s/g, ''))) throw invalidPolicy('invalid Base64 encoding.');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw invalidPolicy('Invalid JSON.');
  const members = doc as Record<string, unknown>;
  for (const name of Object.keys(members)) {
    if (name !== 'expiration' && name !== 'conditions') throw invalidPolicy(`Unexpected: '${name.toLowerCase()}'`);
  }
  if (members.expiration === undefined) throw invalidPolicy('Policy missing expiration.');
  if (members.conditions === undefined) throw invalidPolicy('Policy missing conditions.');
  const expiration = members.expiration;
  if (typeof expiration !== 'string' || !EXPIRATION.test(expiration) || Number.isNaN(Date.parse(expiration))) {
    throw invalidPolicy(`Invalid 'expiration' value: '${String(expiration)}'`);
  }
  if (!Array.isArray(members.conditions)) throw invalidPolicy("Invalid 'conditions' value: must be a List.");
  return { expiration: new Date(expiration), conditions: members.conditions.map(parseCondition) };
}

function fieldOf(name: string): string | undefined {
  return name.startsWith('$') ? name.slice(1).toLowerCase() : undefined;
}

function parseCondition(item: unknown): PolicyCondition {
  if (Array.isArray(item)) {
    if (item.length === 0) throw invalidPolicy('Invalid Condition: missing operation identifier.');
    const [op, ...args] = item as unknown[];
    if (typeof op !== 'string') throw invalidPolicy('Invalid JSON.');
    const name = op.toLowerCase();
    if (name !== 'eq' && name !== 'starts-with' && name !== 'content-length-range') throw invalidPolicy(`Invalid Condition: unknown operation '${op}'.`);
    if (args.length !== 2) throw invalidPolicy(`Invalid ${op}: wrong number of arguments.`);
    if (name === 'content-length-range') {
      // Bounds are integers (strings of digits pass too); a fraction is not JSON S3 reads.
      if (args.some((a) => typeof a === 'number' && !Number.isInteger(a))) throw invalidPolicy('Invalid JSON.');
      if (args.some((a) => typeof a !== 'number' && typeof a !== 'string')) throw invalidPolicy('Invalid JSON.');
      if (args.some((a) => typeof a === 'number' && a < 0)) throw invalidPolicy('Invalid content-length-range: value must be non-negative.');
      return { op: name, stated: item };
    }
    if (args.some((a) => typeof a !== 'string')) throw invalidPolicy('Invalid JSON.');
    return { op: name, stated: item, field: fieldOf(args[0] as string), value: args[1] as string };
  }
  if (item !== null && typeof item === 'object') {
    const entries = Object.entries(item);
    if (entries.length !== 1) throw invalidPolicy('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.');
    const [[name, value]] = entries as [[string, unknown]];
    if (value === null) throw invalidPolicy('Invalid JSON.');
    if (typeof value !== 'string') throw invalidPolicy('Invalid Simple-Condition: value must be a string.');
    return { op: 'eq', stated: ['eq', `$${name}`, value], field: name.toLowerCase(), value };
  }
  throw invalidPolicy('Invalid condition test: must be a List or Object.');
}

/** Fields no condition needs to cover (x-ignore-* aside). */
const EXEMPT = new Set(['x-amz-signature', 'file', 'policy']);

/**
 * Checks a form against its policy at `now`: expiration, every condition, and that every field
 * is covered by one. `fields` are the form's fields (lower-cased names, `${filename}` expanded,
 * `bucket` the bucket posted to); `names` their spelling as sent. Returns the file-size bounds.
 */
export function checkPolicy(policy: PostPolicy, fields: Map<string, string>, names: Map<string, string>, now: Date): LengthRange | undefined {
  if (now.getTime() > policy.expiration.getTime()) throw denied('Policy expired.');
  let range: LengthRange | undefined;
  for (const c of policy.conditions) {
    if (c.op === 'content-length-range') {
      const [min, max] = c.stated.slice(1).map((v) => (typeof v === 'number' ? v : /^\d+$/.test(String(v)) ? Number(v) : NaN));
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) throw denied(`Policy Condition failed: ${printed(c.stated)}`);
      range = { min: min!, max: max! };
      continue;
    }
    const actual = c.field === undefined ? undefined : fields.get(c.field);
    if (actual === undefined || !holds(c, actual)) throw denied(`Policy Condition failed: ${printed(c.stated)}`);
  }
  const covered = new Set(policy.conditions.flatMap((c) => (c.field === undefined ? [] : [c.field])));
  for (const name of fields.keys()) {
    if (name === 'bucket' && !names.has('bucket')) continue;
    if (EXEMPT.has(name) || name.startsWith('x-ignore-') || covered.has(name)) continue;
    throw denied(`Extra input fields: ${names.get(name) ?? name}`);
  }
  return range;
}

function holds(c: PolicyCondition, actual: string): boolean {
  if (c.op === 'eq') return actual === c.value;
  // Content-Type may list several types: each must start with the prefix.
  if (c.field === 'content-type' && c.value !== '') return actual.split(',').every((item) => item.trim().startsWith(c.value!));
  return actual.startsWith(c.value!);
}
