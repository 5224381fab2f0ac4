#!/usr/bin/env bash
# Bench (not a test): the wall time of the bundled suite run serially and with --jobs N, and their
# ratio. Each run is a full `leakgate run` of every scenario into a scratch report folder; the
# verdicts of the two runs are compared too (they must be the same).
# Usage: scripts/bench-jobs.sh [JOBS]   (default 2)
set -euo pipefail
source "$(dirname "$0")/setup.sh"
setup_all "${LEAKGATE_SUITE_TARGETS[@]}" >/dev/null
cd "$LEAKGATE_ROOT"
jobs=${1:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/leakgate-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

run() {  # run LABEL ARGS...: prints the wall seconds
  local label=$1 start end
  shift
  start=$(date +%s.%N)
  "$LEAKGATE_BUILD/bin/leakgate" run -q --report-dir "$work/$label" "$@" >/dev/null || true
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }' 
}

verdicts() {
  /usr/bin/python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
print(sorted((s["name"], s["verdict"], s["met"]) for s in r["scenarios"]))' "$work/$1/report.json"
}

serial=$(run serial)
parallel=$(run parallel --jobs "$jobs")
scenarios=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["scenarios"]))' \
  "$work/serial/report.json")
printf 'scenarios:            %s on %s cores\n' "$scenarios" "$(nproc)"
printf 'serial (--jobs 1):    %6.1f s\n' "$serial"
printf 'parallel (--jobs %s): %6.1f s\n' "$jobs" "$parallel"
awk -v s="$serial" -v p="$parallel" 'BEGIN { printf "ratio serial/parallel: %.2f\n", s / p }' 
if [ "$(verdicts serial)" = "$(verdicts parallel)" ]; then
  echo "verdicts: the same in both runs"
else
  echo "verdicts: DIFFER"
  verdicts serial
  verdicts parallel
  exit 1
fi
