// Test fixtures (JSON, AWS's SigV4 vectors, Python oracles) are data, not TypeScript: tsc leaves
// them out of dist/, so the build copies every `fixtures` folder beside its compiled tests.
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function copyFixtures(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    if (entry.name === 'fixtures') cpSync(path, join('dist', path), { recursive: true, filter: (src) => !src.endsWith('.ts') });
    else copyFixtures(path);
  }
}

for (const root of ['src', 'test']) copyFixtures(root);
