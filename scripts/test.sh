#!/usr/bin/env bash
# Runs berth's whole test suite: unit tests, conformance suites and
# integration tests against real berthd/runc/conmon/overlayfs and the real
# docker CLI. Installs and builds what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Everything under dist/ that is a test; integration tests start their own berthd.
# (only those whose .ts source still exists: a deleted test must not run from a stale build)
mapfile -t files < <(find dist/src dist/test -name '*.test.js' | sort | while read -r f; do
  src=${f#dist/}; [[ -f "${src%.js}.ts" ]] && echo "$f"; done)
exec node --test --test-concurrency="${BERTH_TEST_CONCURRENCY:-2}" --test-timeout="${BERTH_TEST_TIMEOUT_MS:-300000}" --test-reporter=spec "${files[@]}"
