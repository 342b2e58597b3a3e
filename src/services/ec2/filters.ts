/**
 * DescribeX filters (`Filter.N.Name`, `Filter.N.Value.M`), as EC2 applies them: filters are ANDed,
 * the values of one filter ORed; a value may use `*` (any run of characters) and `?` (any one
 * character), `\*`, `\?` and `\\` standing for themselves; matching is case-sensitive. `tag:<key>`
 * matches resources with that tag and one of the values, `tag-key` / `tag-value` any tag's key or
 * value. An unknown filter name is refused, as EC2 does.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Filtering.html
 */
import type { Filter, Tag } from '../../generated/ec2/shapes.js';
import { unknownFilter } from './errors.js';

/** What a filter sees of a resource: each field's values (a field may have several), and its tags. */
export interface Filterable {
  fields: Record<string, Array<string | number | boolean | null | undefined>>;
  tags?: readonly Tag[];
}

interface Compiled {
  name: string;
  patterns: RegExp[];
}

/** Compiles one filter value into an anchored pattern. */
export function wildcard(value: string): RegExp {
  let source = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length && '*?\\'.includes(value[i + 1]!)) {
      source += escapeRegExp(value[++i]!);
    } else if (c === '*') {
      source += '[\\s\\S]*';
    } else if (c === '?') {
      source += '[\\s\\S]';
    } else {
      source += escapeRegExp(c);
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

const TAG_FILTERS = ['tag-key', 'tag-value'];

/**
 * A predicate over resources for `filters`. `known` lists the operation's filter names besides the
 * tag filters (which every taggable resource accepts when `taggable` is set).
 */
export function compileFilters(filters: readonly Filter[] | undefined, known: readonly string[], taggable = true): (item: Filterable) => boolean {
  const compiled: Compiled[] = [];
  for (const f of filters ?? []) {
    const name = f.Name ?? '';
    const isTag = taggable && (TAG_FILTERS.includes(name) || (name.startsWith('tag:') && name.length > 4));
    if (!isTag && !known.includes(name)) throw unknownFilter(name);
    compiled.push({ name, patterns: (f.Values ?? []).map(wildcard) });
  }
  return (item) => compiled.every((c) => valuesOf(item, c.name).some((v) => c.patterns.some((p) => p.test(v))));
}

function valuesOf(item: Filterable, name: string): string[] {
  const tags = item.tags ?? [];
  if (name === 'tag-key') return tags.map((t) => t.Key ?? '');
  if (name === 'tag-value') return tags.map((t) => t.Value ?? '');
  if (name.startsWith('tag:') && !(name in item.fields)) {
    const key = name.slice(4);
    return tags.filter((t) => t.Key === key).map((t) => t.Value ?? '');
  }
  return (item.fields[name] ?? []).filter((v) => v !== null && v !== undefined).map(String);
}
