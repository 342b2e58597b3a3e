/**
 * ARNs and the wildcard patterns policies match them with.
 *
 * - Wildcards: `*` matches any run of characters (including `/` and `:` inside a segment), `?`
 *   exactly one character. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
 * - ARN matching (Resource/NotResource, ArnLike/ArnEquals) is case-sensitive and segment by segment:
 *   the six colon-separated parts `arn:partition:service:region:account:resource` are matched
 *   separately, so a `*` in the region never swallows the account.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */

/** Marks in a pattern mask: which characters are wildcards (policy text) and which are literal (variable values). */
export const LITERAL = 0;
export const STAR = 1;
export const QMARK = 2;

/**
 * A wildcard pattern. Without `mask`, every `*` and `?` in `text` is a wildcard; with it, `mask[i]`
 * says what `text[i]` is, so characters that came from a policy variable (`${*}`, a user name)
 * stay literal.
 */
export interface Pattern {
  text: string;
  mask?: Uint8Array;
}

function wildAt(p: Pattern, i: number): number {
  if (p.mask) return p.mask[i]!;
  const c = p.text.charCodeAt(i);
  return c === 42 ? STAR : c === 63 ? QMARK : LITERAL;
}

/**
 * Wildcard match of the whole of `s` against `p` (greedy with backtracking to the last `*`: linear
 * in practice, never exponential).
 */
export function wildcardMatch(p: Pattern, s: string): boolean {
  const pt = p.text;
  if (!p.mask) {
    // Fast paths for the shapes policies are made of: "*", exact names, "prefix*".
    if (pt === '*') return true;
    const star = pt.indexOf('*');
    const q = pt.indexOf('?');
    if (star < 0 && q < 0) return pt === s;
    if (q < 0 && star === pt.length - 1) return s.startsWith(pt.slice(0, -1));
  }
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < pt.length) {
      const w = wildAt(p, pi);
      if (w === STAR) {
        starP = pi++;
        starS = si;
        continue;
      }
      if (w === QMARK || pt.charCodeAt(pi) === s.charCodeAt(si)) {
        pi++;
        si++;
        continue;
      }
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (pi < pt.length && wildAt(p, pi) === STAR) pi++;
  return pi === pt.length;
}

/** The parts of an ARN. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth colon (may itself contain colons and slashes). */
  resource: string;
}

/** Parses `arn:partition:service:region:account:resource`; undefined if it has fewer than six parts. */
export function parseArn(value: string): Arn | undefined {
  const parts = splitArn(value);
  if (!parts) return undefined;
  return { partition: parts[1]!, service: parts[2]!, region: parts[3]!, account: parts[4]!, resource: parts[5]! };
}

/** The six segments of an ARN (the last keeps its colons), or undefined if it isn't one. */
export function splitArn(value: string): string[] | undefined {
  if (!value.startsWith('arn:')) return undefined;
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const at = value.indexOf(':', from);
    if (at < 0) return undefined;
    out.push(value.slice(from, at));
    from = at + 1;
  }
  out.push(value.slice(from));
  return out;
}

/** The account id an ARN names ('' for S3 bucket/object ARNs, which carry none). */
export function arnAccount(value: string): string {
  return parseArn(value)?.account ?? '';
}

/** A pattern split into ARN segments once, at compile time. */
export interface ArnPattern {
  /** `*` alone matches every resource, including the non-ARN `*` of list operations. */
  any: boolean;
  whole: Pattern;
  /** The six segment patterns, or undefined when the pattern isn't ARN-shaped (then `whole` is matched). */
  segments?: Pattern[];
}

/** Compiles a Resource / ArnLike pattern. */
export function compileArnPattern(p: Pattern): ArnPattern {
  if (p.text === '*' && wildAt(p, 0) === STAR) return { any: true, whole: p };
  const bounds = segmentBounds(p.text);
  if (!bounds) return { any: false, whole: p };
  const segments = bounds.map(([from, to]) => ({ text: p.text.slice(from, to), mask: p.mask?.subarray(from, to) }));
  return { any: false, whole: p, segments };
}

function segmentBounds(text: string): Array<[number, number]> | undefined {
  if (!text.startsWith('arn:')) return undefined;
  const out: Array<[number, number]> = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const at = text.indexOf(':', from);
    if (at < 0) return undefined;
    out.push([from, at]);
    from = at + 1;
  }
  out.push([from, text.length]);
  return out;
}

/**
 * Case-sensitive ARN match. `valueSegments` is `splitArn(value)` (computed once per request by the
 * caller); patterns that aren't ARN-shaped are matched against the whole string.
 */
export function arnMatch(p: ArnPattern, value: string, valueSegments: string[] | undefined): boolean {
  if (p.any) return true;
  if (!p.segments || !valueSegments) return wildcardMatch(p.whole, value);
  for (let i = 0; i < 6; i++) {
    if (!wildcardMatch(p.segments[i]!, valueSegments[i]!)) return false;
  }
  return true;
}
