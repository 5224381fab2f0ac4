#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in a tree of their own and runs each for a
# time or a number of executions; prints per target the executions, executions per second and
# crashes, and exits non-zero when any target crashed, naming the reproducer (docs/fuzzing.md).
#
#   scripts/fuzz.sh [options] [SECONDS] [TARGET...]     (default: 30 seconds, every target)
#     --runs N       N executions per target instead of a time
#     --fresh        start from the seeds alone (temporary corpus) instead of <tree>/corpus/TARGET
#     --build-only   build the targets and stop; --no-build: run what is built
#     --list         print the target names
#   LEAKGATE_FUZZ_BUILD (default build/fuzz): the tree; LEAKGATE_FUZZ_CXX (default clang++-14).
#   Any argument starting with "-" that is not one of the above goes to libFuzzer as it is.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TREE=${LEAKGATE_FUZZ_BUILD:-$ROOT/build/fuzz}
CXX=${LEAKGATE_FUZZ_CXX:-clang++-14}

seconds=30
runs=
fresh=0
build=1
run=1
list=0
targets=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift ;;
    --runs=*) runs=${1#--runs=} ;;
    --fresh) fresh=1 ;;
    --build-only) run=0 ;;
    --no-build) build=0 ;;
    --list) list=1 ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    -*) extra+=("$1") ;;
    *[!0-9]*) targets+=("$1") ;;
    *) seconds=$1 ;;
  esac
  shift
done

fail() { printf 'fuzz: %s\n' "$*" >&2; exit 2; }

if [ "$build" = 1 ]; then
  # What the build needs (installed when missing, as scripts/test.sh does), clang with libFuzzer.
  # shellcheck source=setup.sh
  source "$ROOT/scripts/setup.sh"
  ensure_debs
  [ -n "${LEAKGATE_FUZZ_CXX:-}" ] || ensure_debs clang-14 libclang-rt-14-dev
  command -v "$CXX" >/dev/null 2>&1 || fail "$CXX not found"
  # Small: no scenario apps, no benchmarks, no sanitized copy of the core; -O1 with line tables
  # is what libFuzzer runs best with and compiles faster than -O2 -g.
  mkdir -p "$TREE"
  cmake -S "$ROOT" -B "$TREE" -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DLEAKGATE_FUZZ=ON \
    -DLEAKGATE_BUILD_SCENARIOS=OFF -DLEAKGATE_BUILD_HEAP_ENGINE=OFF -DLEAKGATE_BUILD_BENCH=OFF \
    -DLEAKGATE_SANITIZED_TESTS=OFF \
    >"$TREE/configure.log" 2>&1 || { cat "$TREE/configure.log" >&2; fail "configure failed"; }
  cmake --build "$TREE" -j "$(nproc 2>/dev/null || echo 2)" --target leakgate_fuzzers ||
    fail "build failed"
fi
[ "$run" = 1 ] || exit 0

listing=$TREE/fuzz-targets
[ -f "$listing/targets" ] || fail "no fuzz tree at $TREE (run without --no-build first)"
mapfile -t all <"$listing/targets"
if [ "$list" = 1 ]; then printf '%s\n' "${all[@]}"; exit 0; fi
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
  [ -f "$listing/$t.seeds" ] || fail "unknown target '$t' (targets: ${all[*]})"
done

if [ -n "$runs" ]; then budget=(-runs="$runs"); else budget=(-max_total_time="$seconds"); fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/leakgate-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

crashed=0
printf '%-14s %12s %9s %8s %8s %7s\n' target execs exec/s seconds corpus crashes
for t in "${targets[@]}"; do
  # Seeds: copied under unique names (many are called scenario.json), read-only for libFuzzer.
  seeds=$scratch/seeds/$t
  mkdir -p "$seeds"
  while IFS= read -r f; do
    [ -n "$f" ] || continue
    cp "$f" "$seeds/$(basename "$(dirname "$f")")--$(basename "$f")"
  done <"$listing/$t.seeds"
  if [ "$fresh" = 1 ]; then corpus=$scratch/corpus/$t; else corpus=$TREE/corpus/$t; fi
  artifacts=$TREE/artifacts/$t
  mkdir -p "$corpus" "$artifacts" "$TREE/logs"
  mapfile -t options < <(grep -v '^$' "$listing/$t.options" || true)
  log=$TREE/logs/$t.log
  started=$(date +%s)
  status=0
  # -timeout: one input taking this long is a bug (a hang) too; the first directory is the
  # corpus libFuzzer adds to, the second the seeds.
  "$TREE/bin/${t}_fuzz" "${budget[@]}" -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "${options[@]}" "${extra[@]}" "$corpus" "$seeds" \
    >"$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - started))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  # The corpus libFuzzer ended with (seeds and inputs it added), from its last status line.
  size=$(grep -o 'corp: [0-9]*' "$log" | tail -n1 | cut -d' ' -f2)
  # Inputs libFuzzer wrote: slow-unit-* are only slow (over 10 s of wall time, which a busy
  # machine makes of any input), not failures; the rest (crash-, timeout-, oom-, leak-) are.
  written=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
  reproducers=$(printf '%s\n' "$written" | grep -v '/slow-unit-' || true)
  slow=$(printf '%s\n' "$written" | grep -c '/slow-unit-' || true)
  crashes=$(printf '%s' "$reproducers" | grep -c . || true)
  if [ "$status" != 0 ] && [ "$crashes" = 0 ]; then crashes=1; fi
  printf '%-14s %12s %9s %8s %8s %7s' "$t" "${execs:-?}" "${rate:-?}" "$elapsed" "${size:-?}" \
    "$crashes"
  if [ "$slow" != 0 ]; then printf '   (%s slow input(s) written, not failures)' "$slow"; fi
  printf '\n'
  if [ "$crashes" != 0 ]; then
    crashed=1
    {
      printf -- '--- %s: libFuzzer exited with %s; log %s\n' "$t" "$status" "$log"
      grep -E 'ERROR|SUMMARY|broken invariant|uncaught|#[0-9]+ 0x' "$log" | head -n 40 || true
      for r in $reproducers; do
        printf 'reproducer: %s\n  replay: %s %s\n' "$r" "$TREE/bin/${t}_fuzz" "$r"
      done
      printf -- '---\n'
    } >&2
  fi
done
exit "$crashed"
