#!/usr/bin/env bash
# Runs berth's whole test suite: unit tests, conformance suites and
# integration tests against real berthd/runc/conmon/overlayfs and the real
# docker CLI. Installs and builds what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Everything under dist/ that is a test; integration tests start their own berthd.
mapfile -t files < <(find dist/src dist/test -name '*.test.js' | sort)
exec node --test --test-concurrency="${BERTH_TEST_CONCURRENCY:-2}" --test-reporter=spec "${files[@]}"
