#!/usr/bin/env bash
# The main job: install what is missing, build leakgate and the scenario apps, restore dotnet-dump,
# then run the bundled scenario suite against baselines/ and write reports/.
# Exit code: leakgate's (0 every scenario met its expectation, 1 leak or regression, 2 bad input,
# 3 a scenario or tool failed).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
setup_all "${LEAKGATE_SUITE_TARGETS[@]}"
cd "$LEAKGATE_ROOT"
exec "$LEAKGATE_BUILD/bin/leakgate" run --scenarios-dir scenarios --baselines-dir baselines \
  --report-dir reports "$@"
