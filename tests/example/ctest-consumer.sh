#!/usr/bin/env bash
# Configures examples/ctest-consumer with the leakgate just built, registers four scenarios,
# runs them with `ctest -j2`, checks the labels filter, and merges the per-test reports.
# Usage: ctest-consumer.sh LEAKGATE_EXECUTABLE SOURCE_DIR WORK_DIR
set -euo pipefail
leakgate=$1 source=$2 work=$3
rm -rf "$work"
cmake -S "$source/examples/ctest-consumer" -B "$work" -DLEAKGATE_EXECUTABLE="$leakgate" \
  -DLEAKGATE_SCENARIOS="forms;forms-leak;native;native-leak" >/dev/null

listed=$(ctest --test-dir "$work" -N | grep -c 'Test *#' || true)
[ "$listed" -eq 4 ] || { echo "expected 4 registered tests, got $listed"; exit 1; }
canaries=$(ctest --test-dir "$work" -N -L canary | grep -c 'Test *#' || true)
[ "$canaries" -eq 2 ] || { echo "expected 2 tests labelled canary, got $canaries"; exit 1; }

out=$(ctest --test-dir "$work" -j2 --output-on-failure 2>&1) || { echo "$out"; exit 1; }
echo "$out" | tail -n 12
echo "$out" | grep -q '100% tests passed, 0 tests failed out of 4' || { echo "not all passed"; exit 1; }

"$leakgate" report merge --out "$work/merged" "$work"/leakgate-reports/*/ >/dev/null
for f in report.json junit.xml summary.md index.html; do
  [ -s "$work/merged/$f" ] || { echo "merge wrote no $f"; exit 1; }
done
grep -q '"scenarios": 4' "$work/merged/report.json" || { echo "merged report lacks 4 scenarios"; exit 1; }
# Merging into the parent of the per-test folders (as documented) keeps every input in place.
"$leakgate" report merge --out "$work/leakgate-reports" "$work"/leakgate-reports/*/ >/dev/null
for name in forms forms-leak native native-leak; do
  [ -s "$work/leakgate-reports/$name/report.json" ] || { echo "merge lost the $name folder"; exit 1; }
done
grep -q '"rawOutput": "forms-leak/forms-leak"' "$work/leakgate-reports/report.json" ||
  { echo "merged rawOutput does not point into the per-test folder"; exit 1; }
echo "ctest consumer: 4 scenarios registered, 2 canaries by label, all passed, reports merged"
