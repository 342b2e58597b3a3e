#!/usr/bin/env bash
# One shared build, a check that src/generated matches the vendored models, then every test file
# (unit tests beside the code, end-to-end tests in test/) in parallel across the machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npm run build --silent
node --import tsx tools/codegen.ts --check
files=$(find dist -name '*.test.js' | sort)
exec node --test --test-concurrency="$(nproc)" $files
