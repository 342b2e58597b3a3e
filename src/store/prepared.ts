/**
 * Queries Kysely builds and compiles once, then runs with each call's values. Building a query and
 * compiling it to SQL costs Kysely 10-20 µs, several times what SQLite takes to run a point lookup
 * or a one-row update (its statement cache, statement-cache.ts, already spares the parse). The
 * SQL text of a query whose shape never changes depends only on the dialect: the hot paths (an
 * object's row and body, a PUT's transaction) build it once per dialect, with placeholders where
 * the values go, and bind each call's values in their places.
 */
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Database } from './database.js';

/** What stands for the value `name` while the query is built: this, then the name. */
const PLACEHOLDER = '\u0000prepared-value:';

/** A compiled query: its SQL, and for each bound parameter the value it takes, a call's (`name`) or a constant. */
interface Template {
  sql: string;
  parameters: Array<{ name: string } | { constant: unknown }>;
}

type Values = Record<string, unknown>;

function compile<V extends Values>(build: (db: Kysely<Database>, values: V) => Compilable<unknown>, db: Kysely<Database>, names: string[]): Template {
  const compiled = build(db, Object.fromEntries(names.map((name) => [name, `${PLACEHOLDER}${name}`])) as V).compile();
  const parameters = compiled.parameters.map((value) =>
    typeof value === 'string' && value.startsWith(PLACEHOLDER) ? { name: value.slice(PLACEHOLDER.length) } : { constant: value });
  for (const name of names) {
    if (parameters.filter((p) => 'name' in p && p.name === name).length !== 1) {
      throw new Error(`prepared query: ${name} must be bound exactly once, as a value: ${compiled.sql}`);
    }
  }
  return { sql: compiled.sql, parameters };
}

/**
 * A query whose shape never depends on its values: `build` gets placeholders for them, and must
 * bind each exactly once as a value (never compute with one, never let one choose the shape).
 * Returns the function that runs it on `db` (a Kysely instance or a transaction), every value given.
 */
export function prepared<V extends Values, R>(
  build: (db: Kysely<Database>, values: V) => Compilable<R>,
): (db: Kysely<Database>, values: V) => Promise<R[]> {
  // One template per dialect: a transaction shares its database's adapter.
  const templates = new WeakMap<object, Template>();
  return async (db, values) => {
    const adapter = db.getExecutor().adapter;
    let template = templates.get(adapter);
    if (!template) {
      template = compile(build, db, Object.keys(values));
      templates.set(adapter, template);
    }
    const parameters = template.parameters.map((p) => ('name' in p ? values[p.name] : p.constant));
    return (await db.executeQuery<R>(CompiledQuery.raw(template.sql, parameters))).rows;
  };
}
