import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { aadOf, aadShape, columnsOf, SEALED_VALUES, type StoredSeal } from './sealed-registry.js';
import { entryName } from './sealed-scan.js';

/** The TypeScript sources (tests run from dist/, the sources stay in src/). */
const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The first argument of the call whose `(` ends at `start`: up to the first top-level comma. */
function firstArgument(text: string, start: number): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) return text.slice(start, i).trim();
      depth--;
    } else if (c === ',' && depth === 0) return text.slice(start, i).trim();
  }
  throw new Error('unterminated call');
}

/** Where `name` is defined for `file`: the file itself, else the module it is imported from. */
function definingFile(name: string, file: string, text: string): string | undefined {
  const own = new RegExp(`(?:function\\s+${name}\\s*\\(|const\\s+${name}\\s*=)`);
  if (own.test(text)) return file;
  const imported = new RegExp(`import\\s*(?:type\\s*)?\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*'(\\.[^']+)\\.js'`).exec(text);
  return imported ? resolve(dirname(file), `${imported[1]}.ts`) : undefined;
}

/**
 * The AAD shape of an expression at a call site: literals kept, variable parts `*`. Follows
 * string constants and AAD helper functions (`function secretAad(id) { return `...`; }`) across
 * imports; fails on anything else, so an AAD this test cannot read is a failure, not a pass.
 */
function shapeOf(expr: string, file: string, before: number): string {
  const text = readFileSync(file, 'utf8');
  expr = expr.trim();
  if (/^'[^']*'$|^"[^"]*"$/.test(expr)) return expr.slice(1, -1);
  if (expr.startsWith('`') && expr.endsWith('`')) {
    return expr.slice(1, -1).replace(/\$\{([^}]*)\}/g, (_, inner: string) => {
      const ident = inner.trim();
      if (!/^[A-Z_][A-Z0-9_]*$/.test(ident)) return '*';
      const def = definingFile(ident, file, text);
      const value = def && new RegExp(`const\\s+${ident}\\s*=\\s*('[^']*'|"[^"]*")`).exec(readFileSync(def, 'utf8'));
      return value ? value[1]!.slice(1, -1) : '*';
    });
  }
  const call = /^([A-Za-z_$][\w$]*)\s*\(/.exec(expr);
  if (call) {
    const name = call[1]!;
    const def = definingFile(name, file, text);
    if (!def) throw new Error(`${relative(SRC, file)}: cannot find AAD function ${name}`);
    const body = readFileSync(def, 'utf8');
    const fn = new RegExp(`function\\s+${name}\\s*\\([^)]*\\)[^{]*\\{\\s*return\\s+([^;]+);`).exec(body)
      ?? new RegExp(`const\\s+${name}\\s*=\\s*\\([^)]*\\)[^=]*=>\\s*([^;]+);`).exec(body);
    if (!fn) throw new Error(`${relative(SRC, def)}: AAD function ${name} is not a single return`);
    return shapeOf(fn[1]!, def, body.length);
  }
  if (/^[A-Za-z_$][\w$]*$/.test(expr)) {
    // The nearest `const name = ...` before the call site.
    const defs = [...text.slice(0, before).matchAll(new RegExp(`const\\s+${expr}\\s*=\\s*([^;]+);`, 'g'))];
    const last = defs.at(-1);
    if (last) return shapeOf(last[1]!, file, last.index);
    const def = definingFile(expr, file, text);
    if (def && def !== file) return shapeOf(expr, def, readFileSync(def, 'utf8').length);
  }
  throw new Error(`${relative(SRC, file)}: cannot read the AAD ${expr}: make it a literal or an AAD function`);
}

/** Every `sealer.seal(` call site in src/ (also `recordedSealer.seal(` and the like) with its AAD shape. */
function callSites(): Array<{ where: string; shape: string }> {
  const sites: Array<{ where: string; shape: string }> = [];
  for (const file of sources(SRC)) {
    // The Sealer itself, and the re-wrap, which seals again whatever the registry lists.
    if (file.endsWith(join('crypto', 'root-key.ts')) || file.endsWith(join('ops', 'sealed-scan.ts'))) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/sealer\.seal\(/gi)) {
      const at = m.index + m[0].length;
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      if (/^\s*(\*|\/\/|\/\*)/.test(text.slice(lineStart, m.index))) continue; // a comment mentioning the call
      const line = text.slice(0, at).split('\n').length;
      sites.push({ where: `${relative(SRC, file)}:${line}`, shape: shapeOf(firstArgument(text, at), file, at) });
    }
  }
  return sites;
}

describe('sealed-value registry', () => {
  const shapes = new Set(SEALED_VALUES.map((v) => aadShape(v.aad)));

  it('lists the AAD of every sealer.seal( call site in src/', () => {
    const sites = callSites();
    assert.ok(sites.length >= 10, `only ${sites.length} call sites found: is the scan broken?`);
    const missing = sites.filter((s) => !shapes.has(s.shape));
    assert.deepEqual(missing, [], 'add these to SEALED_VALUES in src/ops/sealed-registry.ts (and make the rotation re-wrap them)');
  });

  it('has no entry whose AAD no call site seals under any more', () => {
    const seen = new Set(callSites().map((s) => s.shape));
    assert.deepEqual([...shapes].filter((s) => !seen.has(s)), []);
  });

  it('the scan resolves constants, helpers across imports, and fails on what it cannot read', () => {
    const sites = callSites();
    assert.ok(sites.some((s) => s.shape === 'access_keys/*/secret' && s.where.startsWith('server/bootstrap-file.ts')));
    assert.ok(sites.some((s) => s.shape === 'meta/sts_session_token_key'));
    assert.ok(sites.some((s) => s.shape === 'kms/grant-token'));
    assert.throws(() => shapeOf('someParameter', join(SRC, 'ops', 'sealed-registry.ts'), 0), /cannot read the AAD/);
  });

  it('names every stored entry uniquely (reports and the rotation\'s pass counts key on it)', () => {
    const names = SEALED_VALUES.filter((v): v is StoredSeal => v.kind === 'stored').map(entryName);
    assert.equal(new Set(names).size, names.length);
  });

  it('builds each row AAD from its columns, and reads every column it needs', () => {
    const materials = SEALED_VALUES.find((v) => v.kind === 'stored' && v.table === 'kms_key_materials') as StoredSeal;
    assert.equal(aadOf(materials, { key_arn: 'arn:aws:kms:us-east-1:111122223333:key/k', version: 2 }), 'kms/arn:aws:kms:us-east-1:111122223333:key/k/material/2');
    assert.throws(() => aadOf(materials, { key_arn: 'x' }), /AAD column version is empty/);
    for (const v of SEALED_VALUES) {
      if (v.kind !== 'stored') continue;
      const cols = columnsOf(v);
      for (const m of v.aad.matchAll(/\{(\w+)\}/g)) assert.ok(cols.includes(m[1]!), `${v.table}.${m[1]}`);
      assert.ok(cols.includes(v.column) && v.keys.every((k) => cols.includes(k)));
    }
  });
});
