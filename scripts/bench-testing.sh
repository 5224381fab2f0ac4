#!/usr/bin/env bash
# What a leak assertion of LeakGate.Testing costs: builds tests/bench/TestingBench (a test host
# holding about --heap-mb MB) and runs --rounds assertions in it (Gate.Watch, Iterate of 5 + 20
# round trips, AssertNoGrowth), printing each and the median (goal: well under a second).
# --leak makes the round trip keep what it made: every assertion then fails, and what is timed is
# a failure with its leak trace.
#
#   scripts/bench-testing.sh [--heap-mb N] [--rounds R] [--leak]   (default 50, 5, passing)
#   Needs the build (cmake --build build: leakgate and the heap engine) and dotnet-dump restored.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${LEAKGATE_BUILD:-$ROOT/build}
heap_mb=50
rounds=5
leak=()
while [ $# -gt 0 ]; do
  case "$1" in
    --heap-mb) heap_mb=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --leak) leak=(--leak) ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "bench-testing: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$BUILD/bin/leakgate" ] || { echo "bench-testing: build first (cmake --build build)" >&2; exit 2; }
(cd "$ROOT" && dotnet tool restore >/dev/null)
dotnet build "$ROOT/tests/bench/TestingBench" -c Release -o "$BUILD/bench/TestingBench" -nologo -v q >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/leakgate-bench-testing.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$ROOT"  # dotnet-dump from this repository's tool manifest
LEAKGATE=$BUILD/bin/leakgate LEAKGATE_REPORT_DIR=$work \
  dotnet "$BUILD/bench/TestingBench/TestingBench.dll" --heap-mb "$heap_mb" --rounds "$rounds" "${leak[@]}"
echo "machine: $(nproc) cores, $(uname -r), .NET $(dotnet --list-runtimes | awk '/NETCore.App/ { v = $2 } END { print v }')"
