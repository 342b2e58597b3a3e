/**
 * The web console bundles the auditor's collectors and checks for the browser (console/src/audit/
 * run-audit.ts). This keeps them there: nothing they import, directly or not, may use a Node-only
 * module or global. (The console's own type-check catches it too, but only when it is run.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
/** What console/src/audit/run-audit.ts and summary.ts import from src/audit. */
const ENTRIES = ['audit/checks/index.ts', 'audit/checks/types.ts', 'audit/collect/client-set.ts', 'audit/collect/core.ts', 'audit/run.ts'];
const NODE_ONLY = /\b(?:Buffer|process)\s*[.[(]|\brequire\s*\(|\b__dirname\b|\bNodeJS\./;

/** Every project file reachable from `entries` through relative imports. */
function closure(entries: string[]): Map<string, string> {
  const files = new Map<string, string>();
  const queue = entries.map((e) => join(SRC, e));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    files.set(file, text);
    for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      if (spec!.startsWith('.')) queue.push(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')));
    }
  }
  return files;
}

describe('the auditor parts the console bundles', () => {
  it('import no node: module and use no Node-only global', () => {
    const files = closure(ENTRIES);
    assert.ok(files.size > 100, `${files.size} files reached: the checks are among them`);
    for (const [file, text] of files) {
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      assert.doesNotMatch(code, /'node:[^']+'/, `${file} imports a node: module`);
      assert.doesNotMatch(code, NODE_ONLY, `${file} uses a Node-only global`);
    }
  });
});
