import { parseDate, parseOperator } from './conditions.js';
import { LEGACY_PARSING, PolicyDocumentError, SYNTAX_ERROR } from './policy-error.js';

/**
 * What a policy document is for, which decides the rules it must follow:
 * - 'identity': IAM identity policies, permissions boundaries and session policies: the
 *   2012-10-17 language, no Principal, Resource required.
 * - 'trust': a role's trust policy: Principal required, no Resource.
 * - 'resource': bucket policies and key policies: Principal required, older versions allowed.
 */
export type PolicyKind = 'identity' | 'trust' | 'resource';

/**
 * IAM's checks, in IAM's order (the first failing one answers). The messages are IAM's own, as
 * CreatePolicy / PutUserPolicy return them (MalformedPolicyDocument).
 */
export function validatePolicyDocument(doc: unknown, kind: PolicyKind): void {
  const statements = checkSyntax(doc);
  const top = doc as Record<string, unknown>;
  if (kind === 'identity' && top.Version !== '2012-10-17') throw new PolicyDocumentError('Policy document must be version 2012-10-17 or greater.');
  for (const s of statements) {
    if (kind === 'identity' && (s.Principal !== undefined || s.NotPrincipal !== undefined)) throw new PolicyDocumentError('Policy document should not specify a principal.');
    if (kind !== 'identity' && s.Principal === undefined && s.NotPrincipal === undefined) throw new PolicyDocumentError('Missing required field Principal');
    if (kind === 'trust' && (s.Resource !== undefined || s.NotResource !== undefined)) throw new PolicyDocumentError('Has prohibited field Resource');
  }
  for (const s of statements) legacyParseStatement(s);
  const resourceError = checkResourceFormats(statements);
  checkSids(statements, kind);
  for (const s of statements) {
    if (listOf(s.Action ?? s.NotAction).length === 0) throw new PolicyDocumentError('Policy statement must contain actions.');
  }
  if (kind !== 'trust') {
    for (const s of statements) {
      if (listOf(s.Resource ?? s.NotResource).length === 0) throw new PolicyDocumentError('Policy statement must contain resources.');
    }
  }
  if (resourceError) throw new PolicyDocumentError(resourceError);
  for (const s of statements) for (const a of listOf(s.Action ?? s.NotAction)) checkActionPrefix(a);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function listOf(v: unknown): string[] {
  return v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string];
}

const TOP_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);

function isStringOrStrings(v: unknown): boolean {
  return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
}

/** The grammar: element names, types, and Effect/Version values. */
function checkSyntax(doc: unknown): Record<string, unknown>[] {
  const fail = () => new PolicyDocumentError(SYNTAX_ERROR);
  if (!isObject(doc)) throw fail();
  for (const k of Object.keys(doc)) if (!TOP_KEYS.has(k)) throw fail();
  if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17') throw fail();
  if (doc.Id !== undefined && typeof doc.Id !== 'string') throw fail();
  const raw = doc.Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (statements.length === 0 || !statements.every(isObject)) throw fail();
  for (const s of statements as Record<string, unknown>[]) {
    for (const k of Object.keys(s)) if (!STATEMENT_KEYS.has(k)) throw fail();
    const both = (a: string, b: string) => s[a] !== undefined && s[b] !== undefined;
    if (both('Action', 'NotAction') || both('Resource', 'NotResource') || both('Principal', 'NotPrincipal')) throw fail();
    if (typeof s.Effect !== 'string' || !/^(allow|deny)$/i.test(s.Effect)) throw fail();
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource']) if (s[k] !== undefined && !isStringOrStrings(s[k])) throw fail();
    if (s.Sid !== undefined && typeof s.Sid !== 'string') throw fail();
    for (const k of ['Principal', 'NotPrincipal']) if (s[k] !== undefined && !validPrincipal(s[k])) throw fail();
    if (s.Condition !== undefined) checkConditionSyntax(s.Condition);
  }
  return statements as Record<string, unknown>[];
}

function validPrincipal(p: unknown): boolean {
  if (p === '*') return true;
  if (!isObject(p) || Object.keys(p).length === 0) return false;
  return Object.entries(p).every(([k, v]) => ['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(k) && isStringOrStrings(v));
}

function checkConditionSyntax(block: unknown): void {
  const fail = () => new PolicyDocumentError(SYNTAX_ERROR);
  if (!isObject(block)) throw fail();
  for (const [operator, keys] of Object.entries(block)) {
    if (!isObject(keys)) throw fail();
    for (const v of Object.values(keys)) {
      const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'boolean' || typeof x === 'number';
      if (!scalar(v) && !(Array.isArray(v) && v.every(scalar))) throw fail();
    }
    // An unknown operator is tolerated only when it holds no keys.
    if (!parseOperator(operator) && Object.keys(keys).length > 0) throw fail();
  }
}

/** IAM's "legacy parsing": Effect is case-sensitive, date condition values must be dates. */
function legacyParseStatement(s: Record<string, unknown>): void {
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new PolicyDocumentError(LEGACY_PARSING);
  if (!isObject(s.Condition)) return;
  for (const [operator, keys] of Object.entries(s.Condition)) {
    if (parseOperator(operator)?.info.kind !== 'date') continue;
    for (const v of Object.values(keys as Record<string, unknown>)) {
      for (const d of Array.isArray(v) ? v : [v]) {
        if (Number.isNaN(parseDate(String(d)))) throw new PolicyDocumentError(LEGACY_PARSING);
      }
    }
  }
}

const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b']);
const IAM_PATHS = ['user/', 'federated-user/', 'role/', 'group/', 'instance-profile/', 'mfa/', 'server-certificate/', 'policy/', 'sms-mfa/', 'saml-provider/', 'oidc-provider/', 'report/', 'access-report/'];

/** The first format error of a resource ARN, as IAM words it; undefined if it is well formed. */
function resourceFormatError(r: string): string | undefined {
  if (r === '*') return undefined;
  const first = r.indexOf(':');
  if (first < 0) return `Resource ${r} must be in ARN format or "*".`;
  const rest = r.slice(first + 1).split(':');
  const partition = rest[0]!;
  if (!PARTITIONS.has(partition)) {
    const after = rest.slice(1);
    const part = (i: number) => (i < after.length && (after[i] !== '' || after.length > 1) ? after[i] : '*');
    const tail = after.length > 3 ? after.slice(3).join(':') : '*';
    return `Partition "${partition}" is not valid for resource "arn:${partition}:${part(0)}:${part(1)}:${part(2)}:${tail}".`;
  }
  if (rest.length < 2) return 'Resource vendor must be fully qualified and cannot contain regexes.';
  const [, service, region, , ...resource] = rest;
  if (service === 'iam' && region) return `IAM resource ${r} cannot contain region information.`;
  if (service === 's3' && region) return `Resource ${r} can not contain region information.`;
  const path = resource.join(':');
  if (service === 'iam' && rest.length >= 5 && !path.startsWith('*') && !IAM_PATHS.some((p) => path.startsWith(p))) {
    return `IAM resource path must either be "*" or start with ${IAM_PATHS.join(', ')}.`;
  }
  return undefined;
}

/** ARN shapes IAM's legacy parser rejects outright (too few segments, empty service). */
function legacyResourceOk(r: string): boolean {
  if (r === '*') return true;
  const colons = r.split(':').length - 1;
  if (colons < 5 && r.includes('::')) return false;
  const service = r.split(':')[2];
  return service === undefined || service !== '';
}

/** Checks every Resource / NotResource: returns the format error to report later, throws legacy failures now. */
function checkResourceFormats(statements: Record<string, unknown>[]): string | undefined {
  let formatError: string | undefined;
  for (const key of ['Resource', 'NotResource']) {
    for (const s of statements) {
      if (s[key] === undefined) continue;
      const entries = listOf(s[key]);
      // IAM walks a list in reverse lexical order and reports the last malformed entry it meets.
      for (const r of [...entries].sort().reverse()) formatError = resourceFormatError(r) ?? formatError;
      if (!formatError && !entries.every(legacyResourceOk)) throw new PolicyDocumentError(LEGACY_PARSING);
    }
  }
  return formatError;
}

function checkSids(statements: Record<string, unknown>[], kind: PolicyKind): void {
  const seen = new Set<string>();
  for (const s of statements) {
    const sid = s.Sid as string | undefined;
    if (!sid) continue;
    if (seen.has(sid)) throw new PolicyDocumentError('Statement IDs (SID) in a single policy must be unique.');
    seen.add(sid);
  }
  // IAM policies allow only letters and digits in a Sid; bucket and key policies allow more.
  if (kind === 'identity') {
    for (const s of statements) {
      if (typeof s.Sid === 'string' && !/^[0-9A-Za-z]*$/.test(s.Sid)) {
        throw new PolicyDocumentError('Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*');
      }
    }
  }
}

function checkActionPrefix(action: string): void {
  const parts = action.split(':');
  if (parts.length === 1 && parts[0] !== '*') throw new PolicyDocumentError('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  if (parts.length > 2) throw new PolicyDocumentError('Actions/Condition can contain only one colon.');
  const vendor = parts[0]!;
  if (vendor !== '*' && /[^a-zA-Z0-9\-.]/.test(vendor)) throw new PolicyDocumentError(`Vendor ${vendor} is not valid`);
}
