import { compileArnPattern, type ArnPattern, type Pattern } from './arn.js';
import { compileCondition, type Condition } from './conditions.js';
import { LEGACY_PARSING, PolicyDocumentError, SYNTAX_ERROR } from './policy-error.js';
import { normalizeAwsPrincipal, type PrincipalSet } from './principals.js';
import { validatePolicyDocument, type PolicyKind } from './policy-validate.js';
import { compileTemplate, type Template } from './variables.js';

export { PolicyDocumentError } from './policy-error.js';
export type { PolicyKind } from './policy-validate.js';

/**
 * Policy documents, compiled once into matchers and cached by their text.
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */

/** A Resource / NotResource entry: precompiled, or a template resolved per request (policy variables). */
export type ResourceEntry = { fixed: ArnPattern; template?: undefined } | { fixed?: undefined; template: Template };

export interface CompiledStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** Action or NotAction, lower-cased: action names are case-insensitive. */
  action: { not: boolean; patterns: Pattern[] };
  /** Resource or NotResource; absent in trust policies, where the resource is the role itself. */
  resource?: { not: boolean; entries: ResourceEntry[] };
  /** Principal or NotPrincipal (resource-based policies only). */
  principal?: { not: boolean; set: PrincipalSet };
  condition?: Condition;
}

export interface CompiledPolicy {
  version?: string;
  statements: CompiledStatement[];
}

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new PolicyDocumentError(SYNTAX_ERROR);
}

/** The statements of a parsed document (`Statement` may be one object or a list). */
function statementList(doc: Record<string, unknown>): Record<string, unknown>[] {
  const raw = doc.Statement;
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || !list.every(isObject)) throw new PolicyDocumentError(SYNTAX_ERROR);
  return list as Record<string, unknown>[];
}

function compilePrincipal(raw: unknown): PrincipalSet {
  const set: PrincipalSet = { any: false, aws: new Set(), service: new Set(), federated: new Set(), canonicalUser: new Set() };
  if (raw === '*') {
    set.any = true;
    return set;
  }
  if (!isObject(raw)) throw new PolicyDocumentError(SYNTAX_ERROR);
  for (const [type, value] of Object.entries(raw)) {
    const entries = stringList(value);
    switch (type) {
      case 'AWS':
        for (const e of entries) {
          if (e === '*') set.any = true;
          else set.aws.add(normalizeAwsPrincipal(e));
        }
        break;
      case 'Service': entries.forEach((e) => set.service.add(e)); break;
      case 'Federated': entries.forEach((e) => set.federated.add(e)); break;
      case 'CanonicalUser': entries.forEach((e) => set.canonicalUser.add(e)); break;
      default: throw new PolicyDocumentError(SYNTAX_ERROR);
    }
  }
  return set;
}

function compileResource(text: string, withVariables: boolean): ResourceEntry {
  const template = compileTemplate(text, withVariables);
  return template.constant ? { fixed: compileArnPattern(template.constant) } : { template };
}

function compileStatement(s: Record<string, unknown>, withVariables: boolean): CompiledStatement {
  for (const key of Object.keys(s)) if (!STATEMENT_KEYS.has(key)) throw new PolicyDocumentError(SYNTAX_ERROR);
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
    throw new PolicyDocumentError(typeof s.Effect === 'string' && /^(allow|deny)$/i.test(s.Effect) ? LEGACY_PARSING : SYNTAX_ERROR);
  }
  if (s.Sid !== undefined && typeof s.Sid !== 'string') throw new PolicyDocumentError(SYNTAX_ERROR);
  const both = (a: string, b: string) => s[a] !== undefined && s[b] !== undefined;
  if (both('Action', 'NotAction') || both('Resource', 'NotResource') || both('Principal', 'NotPrincipal')) throw new PolicyDocumentError(SYNTAX_ERROR);

  const notAction = s.NotAction !== undefined;
  const actions = stringList(notAction ? s.NotAction : (s.Action ?? []));
  const statement: CompiledStatement = {
    sid: s.Sid as string | undefined,
    effect: s.Effect,
    action: { not: notAction, patterns: actions.map((a) => ({ text: a.toLowerCase() })) },
  };
  if (s.Resource !== undefined || s.NotResource !== undefined) {
    const not = s.NotResource !== undefined;
    statement.resource = { not, entries: stringList(not ? s.NotResource : s.Resource).map((r) => compileResource(r, withVariables)) };
  }
  if (s.Principal !== undefined || s.NotPrincipal !== undefined) {
    const not = s.NotPrincipal !== undefined;
    statement.principal = { not, set: compilePrincipal(not ? s.NotPrincipal : s.Principal) };
  }
  statement.condition = compileCondition(s.Condition, withVariables);
  return statement;
}

/** Compiles an already-parsed document. Throws PolicyDocumentError for what can't be evaluated. */
export function compileDocument(doc: unknown): CompiledPolicy {
  if (!isObject(doc)) throw new PolicyDocumentError(SYNTAX_ERROR);
  const version = doc.Version;
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') throw new PolicyDocumentError(SYNTAX_ERROR);
  // Policy variables exist only in the 2012-10-17 language; before it `${...}` is literal text.
  const withVariables = version === '2012-10-17';
  return { version, statements: statementList(doc).map((s) => compileStatement(s, withVariables)) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PolicyDocumentError(SYNTAX_ERROR);
  }
}

/**
 * A bounded cache of compiled policies keyed by their text (the Map hashes the text), least
 * recently used out first. A hit only stamps the entry; eviction, rare, drops the oldest quarter.
 * Policies are small and few, so the bound is there against a flood of distinct documents.
 */
class PolicyCache {
  private readonly map = new Map<string, { policy: CompiledPolicy; used: number }>();
  private chars = 0;
  private tick = 0;

  constructor(private readonly maxEntries: number, private readonly maxChars: number) {}

  get(text: string): CompiledPolicy | undefined {
    const hit = this.map.get(text);
    if (!hit) return undefined;
    hit.used = ++this.tick;
    return hit.policy;
  }

  set(text: string, policy: CompiledPolicy): void {
    if (this.map.has(text)) return;
    this.map.set(text, { policy, used: ++this.tick });
    this.chars += text.length;
    if (this.map.size > this.maxEntries || this.chars > this.maxChars) this.evict();
  }

  private evict(): void {
    const byAge = [...this.map].sort((a, b) => a[1].used - b[1].used);
    for (const [text] of byAge.slice(0, Math.max(1, Math.ceil(byAge.length / 4)))) {
      this.map.delete(text);
      this.chars -= text.length;
    }
  }

  get size(): number {
    return this.map.size;
  }
}

const cache = new PolicyCache(4096, 16 * 1024 * 1024);

/**
 * The compiled form of a stored policy document, from the cache when seen before. Only what
 * evaluation needs is checked here; documents are validated with {@link parsePolicy} when stored.
 */
export function compilePolicy(text: string): CompiledPolicy {
  const hit = cache.get(text);
  if (hit) return hit;
  const compiled = compileDocument(parseJson(text));
  cache.set(text, compiled);
  return compiled;
}

/** Entries in the compiled-policy cache (for tests and metrics). */
export function compiledPolicyCacheSize(): number {
  return cache.size;
}

/**
 * Validates a policy document as AWS does when it is stored (CreatePolicy, PutUserPolicy,
 * CreateRole's trust policy, PutBucketPolicy, PutKeyPolicy, session policies) and returns its
 * compiled form. Throws PolicyDocumentError with AWS's message; the caller wraps it in its
 * service's error code.
 */
export function parsePolicy(text: string, kind: PolicyKind): CompiledPolicy {
  const doc = parseJson(text);
  validatePolicyDocument(doc, kind);
  const compiled = compileDocument(doc);
  cache.set(text, compiled);
  return compiled;
}

/**
 * A policy's size as IAM counts it against its quotas (LimitExceeded): whitespace doesn't count.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
 */
export function policySize(text: string): number {
  return text.replace(/\s/g, '').length;
}
