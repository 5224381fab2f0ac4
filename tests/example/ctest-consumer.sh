#!/usr/bin/env bash
# Installs the leakgate just built into a prefix, configures examples/ctest-consumer with it
# (find_package(LeakGate)), registers four scenarios,
# runs them with `ctest -j2`, checks the labels filter, and merges the per-test reports.
# Usage: ctest-consumer.sh LEAKGATE_EXECUTABLE SOURCE_DIR WORK_DIR
set -euo pipefail
leakgate=$1 source=$2 work=$3
rm -rf "$work"
# leakgate installed into a prefix of its own (cmake --install), found by find_package(LeakGate).
build=$(cd "$(dirname "$leakgate")/.." && pwd)
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source/examples/ctest-consumer" -B "$work" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DLEAKGATE_SCENARIOS="forms;forms-leak;pattern-static-cache;pattern-static-cache-leak" >/dev/null
grep -q "^LeakGate_DIR:PATH=$work/prefix/lib/cmake/LeakGate\$" "$work/CMakeCache.txt" ||
  { echo "find_package(LeakGate) did not find the installed leakgate"; exit 1; }
leakgate=$work/prefix/bin/leakgate
# Whole outputs first, then grep: `cmd | grep -q` under pipefail fails when grep stops reading.
version=$("$leakgate" --version)
grep -q '^leakgate [0-9.]* (commit ' <<<"$version" || { echo "no version: $version"; exit 1; }
listing=$(ctest --test-dir "$work" -N -V)
grep -q "Test command: $work/prefix/bin/leakgate " <<<"$listing" ||
  { echo "the tests do not run the installed leakgate"; exit 1; }

listed=$(ctest --test-dir "$work" -N | grep -c 'Test *#' || true)
[ "$listed" -eq 4 ] || { echo "expected 4 registered tests, got $listed"; exit 1; }
canaries=$(ctest --test-dir "$work" -N -L canary | grep -c 'Test *#' || true)
[ "$canaries" -eq 2 ] || { echo "expected 2 tests labelled canary, got $canaries"; exit 1; }

out=$(ctest --test-dir "$work" -j2 --output-on-failure 2>&1) || { echo "$out"; exit 1; }
echo "$out" | tail -n 12
grep -q '100% tests passed, 0 tests failed out of 4' <<<"$out" || { echo "not all passed"; exit 1; }

"$leakgate" report merge --out "$work/merged" "$work"/leakgate-reports/*/ >/dev/null
for f in report.json junit.xml summary.md index.html; do
  [ -s "$work/merged/$f" ] || { echo "merge wrote no $f"; exit 1; }
done
grep -q '"scenarios": 4' "$work/merged/report.json" || { echo "merged report lacks 4 scenarios"; exit 1; }
# Merging into the parent of the per-test folders (as documented) keeps every input in place.
"$leakgate" report merge --out "$work/leakgate-reports" "$work"/leakgate-reports/*/ >/dev/null
for name in forms forms-leak pattern-static-cache pattern-static-cache-leak; do
  [ -s "$work/leakgate-reports/$name/report.json" ] || { echo "merge lost the $name folder"; exit 1; }
done
grep -q '"rawOutput": "forms-leak/forms-leak"' "$work/leakgate-reports/report.json" ||
  { echo "merged rawOutput does not point into the per-test folder"; exit 1; }
echo "ctest consumer: 4 scenarios registered, 2 canaries by label, all passed, reports merged"
