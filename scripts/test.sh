#!/usr/bin/env bash
# One shared build, a check that src/generated matches the vendored models, then every test file
# (unit tests beside the code, end-to-end tests in test/) in parallel across the machine's cores.
# Then the end-to-end files again on the cluster backends (COFFER_TEST_BACKEND=cluster: PostgreSQL
# and a backing Coffer over S3, see test/cluster-backend.ts; one PostgreSQL for the pass, one
# backing Coffer per file). COFFER_TEST_CLUSTER=0 skips that second pass (it needs PostgreSQL's
# server binaries: scripts/setup-test.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npm run build --silent
node --import tsx tools/codegen.ts --check
files=$(find dist -name '*.test.js' | sort)
status=0
node --test --test-concurrency="$(nproc)" $files || status=$?
if [ "${COFFER_TEST_CLUSTER:-1}" != 0 ]; then
  if ! node --input-type=module -e "process.exit((await import('./dist/test/postgres.js')).postgresAvailable() ? 0 : 1)"; then
    echo "# PostgreSQL is not installed: the cluster pass cannot run (scripts/setup-test.sh installs it; COFFER_TEST_CLUSTER=0 skips the pass)" >&2
    exit 1
  fi
  # cluster.e2e sets up its own nodes whatever the backend, and crash-safety.e2e its own embedded
  # server (it inspects the SQLite file; cluster.e2e SIGKILLs cluster nodes): once is enough.
  e2e=$(find dist/test -name '*.e2e.test.js' ! -name 'cluster.e2e.test.js' ! -name 'crash-safety.e2e.test.js' | sort)
  echo "# end-to-end tests on the cluster backends (PostgreSQL + S3)"
  # One PostgreSQL for the whole pass (each file makes its own databases in it): it stops when
  # this script closes the pipe or ends.
  exec {pg}< <(exec node dist/test/postgres-server.js)
  pg_pid=$!
  trap 'kill "$pg_pid" 2>/dev/null || true' EXIT
  read -r pg_url <&"$pg"
  COFFER_TEST_PG_ADMIN_URL="$pg_url" COFFER_TEST_BACKEND=cluster node --test --test-concurrency="$(nproc)" $e2e || status=$?
  kill "$pg_pid" 2>/dev/null || true
  wait "$pg_pid" 2>/dev/null || true
fi
exit "$status"
