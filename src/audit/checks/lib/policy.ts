/** Reading IAM policy documents: statements, action patterns, principals. */
import type { PolicyDocument } from '../../inventory.js';

export interface Statement {
  effect: string;
  actions: string[];
  notActions: string[];
  resources: string[];
  /** `*` for Principal "*", else the listed principals by type (AWS, Service, Federated, CanonicalUser). */
  principal?: '*' | Record<string, string[]>;
  hasNotPrincipal: boolean;
  condition?: Record<string, Record<string, unknown>>;
}

function list(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** The document's statements with every field as a list. */
export function statements(doc: PolicyDocument | undefined): Statement[] {
  if (!doc) return [];
  const raw = doc.Statement;
  const items = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return items.map((item) => {
    const s = item as Record<string, unknown>;
    let principal: Statement['principal'];
    if (s.Principal === '*') principal = '*';
    else if (typeof s.Principal === 'object' && s.Principal !== null) {
      principal = Object.fromEntries(Object.entries(s.Principal as Record<string, unknown>).map(([k, v]) => [k, list(v)]));
    }
    return {
      effect: String(s.Effect ?? ''), actions: list(s.Action), notActions: list(s.NotAction), resources: list(s.Resource),
      principal, hasNotPrincipal: s.NotPrincipal !== undefined,
      condition: typeof s.Condition === 'object' && s.Condition !== null ? (s.Condition as Statement['condition']) : undefined,
    };
  });
}

/** Whether an IAM action pattern (`s3:Get*`, `*`) covers `action`; actions are case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+^${}()|[\]\\?]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(action);
}

/** An Allow of `*` (or `*:*`) on Resource `*`: full administrative privileges (CIS 1.16). */
export function allowsAdmin(doc: PolicyDocument | undefined): boolean {
  return statements(doc).some((s) => s.effect === 'Allow' && s.actions.some((a) => a === '*' || a === '*:*') && s.resources.includes('*'));
}

/** An Allow of `<service>:*` on Resource `*`. */
export function allowsFullService(doc: PolicyDocument | undefined, service: string): boolean {
  return statements(doc).some((s) => s.effect === 'Allow' && s.resources.includes('*') && s.actions.some((a) => a.toLowerCase() === `${service}:*`));
}

/** Whether a statement's principal is everyone: `*`, `{"AWS": "*"}`, or a NotPrincipal. */
export function principalIsEveryone(s: Statement): boolean {
  if (s.hasNotPrincipal || s.principal === '*') return true;
  return s.principal?.AWS?.includes('*') ?? false;
}

/** The AWS account ids a statement's AWS principals name (from ARNs or bare ids). */
export function principalAccounts(s: Statement): string[] {
  if (!s.principal || s.principal === '*') return [];
  return (s.principal.AWS ?? []).map((p) => (/^\d{12}$/.test(p) ? p : p.split(':')[4] ?? '')).filter((id) => /^\d{12}$/.test(id));
}

/** Whether the statement carries any condition at all. */
export function conditioned(s: Statement): boolean {
  return s.condition !== undefined && Object.keys(s.condition).length > 0;
}

/** The values a condition block gives `key` (any operator, key compared case-insensitively). */
export function conditionValues(s: Statement, key: string): string[] {
  const out: string[] = [];
  for (const keys of Object.values(s.condition ?? {})) {
    for (const [k, v] of Object.entries(keys ?? {})) if (k.toLowerCase() === key.toLowerCase()) out.push(...list(v));
  }
  return out;
}
