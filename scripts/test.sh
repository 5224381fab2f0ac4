#!/usr/bin/env bash
# The tests: install what is missing, build everything (unit tests, the same unit tests under
# ASan + UBSan, end-to-end tests on the real scenario apps with real dotnet-dump, benchmarks),
# then run them all with ctest.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
setup_all
ensure_debs "${LEAKGATE_TEST_DEBS[@]}"
cd "$LEAKGATE_BUILD"
exec ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" "$@"
