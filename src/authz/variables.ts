import { LITERAL, QMARK, STAR, type Pattern } from './arn.js';

/**
 * Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, and the escapes
 * `${*}`, `${?}`, `${$}`. Only policies with `"Version": "2012-10-17"` have them; in older ones the
 * text is literal. A variable whose key has no (single) value and no default leaves the whole
 * string without a value: a Resource entry then matches nothing and a condition value never
 * equals anything.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */

type Part =
  | { kind: 'text'; text: string }
  | { kind: 'char'; char: string }
  | { kind: 'var'; key: string; fallback?: string };

/** A string from a policy, with its variables located once at compile time. */
export interface Template {
  /** The string as written, when it has no variable (the common case). */
  constant?: Pattern;
  parts?: Part[];
  /**
   * The text before the first variable or wildcard: whatever the variables resolve to, a value the
   * template matches starts with it, so most values are ruled out without resolving anything.
   */
  prefix: string;
}

/** Looks a context key (lower-case) up in the request context. */
export type Lookup = (key: string) => string[] | undefined;

const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };
// `${key}` or `${key, 'default'}`: the key is anything up to `,` or `}`.
const VARIABLE = /\$\{([^},]*?)\s*(?:,\s*'([^']*)'\s*)?\}/g;

/** Finds the variables of `text`; `withVariables` is false for pre-2012-10-17 policies. */
export function compileTemplate(text: string, withVariables: boolean): Template {
  if (!withVariables || text.indexOf('${') < 0) return { constant: { text }, prefix: '' };
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(VARIABLE)) {
    if (m.index! > last) parts.push({ kind: 'text', text: text.slice(last, m.index) });
    const key = m[1]!.trim();
    const escape = ESCAPES[key];
    if (escape !== undefined && m[2] === undefined) parts.push({ kind: 'char', char: escape });
    else parts.push({ kind: 'var', key: key.toLowerCase(), fallback: m[2] });
    last = m.index! + m[0].length;
  }
  if (parts.length === 0) return { constant: { text }, prefix: '' };
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  const lead = parts[0]!.kind === 'text' ? parts[0]!.text : '';
  return { parts, prefix: lead.slice(0, lead.search(/[*?]|$/)) };
}

/**
 * The template's value for this request, as a wildcard pattern in which only the policy's own
 * `*` and `?` are wildcards; undefined when a variable has no value.
 */
export function resolveTemplate(t: Template, lookup: Lookup): Pattern | undefined {
  if (t.constant) return t.constant;
  const parts = t.parts!;
  const values: string[] = new Array(parts.length);
  let length = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    let value: string | undefined;
    if (part.kind === 'text') value = part.text;
    else if (part.kind === 'char') value = part.char;
    else {
      const found = lookup(part.key);
      // Only single-valued keys can be variables.
      value = found && found.length === 1 ? found[0] : part.fallback;
      if (value === undefined) return undefined;
    }
    values[i] = value;
    length += value.length;
  }
  // Only the policy's own text has wildcards; substituted values are literal.
  const mask = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    const value = values[i]!;
    if (parts[i]!.kind === 'text') {
      for (let j = 0; j < value.length; j++) {
        const c = value.charCodeAt(j);
        mask[at + j] = c === 42 ? STAR : c === 63 ? QMARK : LITERAL;
      }
    }
    at += value.length;
  }
  return { text: values.join(''), mask };
}
