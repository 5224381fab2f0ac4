#!/usr/bin/env bash
# examples/xunit in a fresh copy: the tools restored from its manifest (leakgate from the build's
# feed), LeakGate.Testing from the build's package feed, into a package folder of its own (a
# package of the same version from an earlier build is not taken from a shared cache); then
# `dotnet test` (xunit.v3, NUnit and MSTest, each on Microsoft.Testing.Platform). The tidy cart's
# test must pass, the leaky cart's fail with a message naming the leaking type, its root and the
# suspect reference (one NUnit and one MSTest test: the leaky cart's). Then the test runner is
# killed while leakgate reads it, and nothing leakgate started may outlive it.
# Usage: xunit.sh SOURCE_DIR TOOL_FEED LIBRARY_FEED WORK_DIR [RUNS]
set -euo pipefail
src=$1 tool_feed=$2 library_feed=$3 work=$4 runs=${5:-1}
rm -rf "$work"
mkdir -p "$work"
cp -r "$src/examples/xunit" "$work/repo"
cd "$work/repo"
sed -i -e "s#value=\"../../build/feed\"#value=\"$tool_feed\"#" \
  -e "s#value=\"../../scenarios/.packages/feed\"#value=\"$library_feed\"#" nuget.config
grep -q "value=\"$tool_feed\"" nuget.config && grep -q "value=\"$library_feed\"" nuget.config ||
  { echo "nuget.config names no feeds to replace"; exit 1; }
# The CLI's record of restored local tools too (DOTNET_CLI_HOME): it would otherwise point at a
# package restored by an earlier run, wherever that was.
export NUGET_PACKAGES=$work/packages DOTNET_CLI_HOME=$work/cli-home DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
unset LEAKGATE LEAKGATE_REPORT_DIR

dotnet tool restore >"$work/restore.log" 2>&1 || { cat "$work/restore.log"; echo "dotnet tool restore failed"; exit 1; }
for project in Shop.Tests Shop.NUnitTests Shop.MSTests; do
  dotnet build "$project" -c Release >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; echo "the build of $project failed"; exit 1; }
done

# check PROJECT SUCCEEDED FAILED: dotnet test of the project; the leaky cart's test fails naming
# the leak, with the report where the message says; SUCCEEDED tests pass (the tidy cart's).
check() {
  local project=$1 succeeded=$2 failed=$3 log=$work/$1.log rc
  fail() { cat "$log"; echo "$project (run $run of $runs): $1"; exit 1; }
  set +e
  dotnet test --project "$project" -c Release --no-build >"$log" 2>&1
  rc=$?
  set -e
  [ "$rc" -ne 0 ] || fail "dotnet test passed, but the leaky cart's test must fail"
  grep -qE "failed: $failed\b" "$log" || fail "not exactly $failed test(s) failed"
  grep -qE "succeeded: $succeeded\b" "$log" || fail "not exactly $succeeded test(s) succeeded"
  grep -qE '^failed (Shop\.Tests\.CartTests\.)?LeakyCartLeavesNothingBehind' "$log" ||
    fail "the failed test is not the leaky cart's"
  for want in 'LeakGate.Testing.LeakException' 'leak: Shop.LeakyCart' 'static Shop.PriceFeed.PricesChanged' \
              'suspect reference: System.Object[][0] -> System.EventHandler' 'full report: '; do
    grep -qF -- "$want" "$log" || fail "the failure does not say: $want"
  done
  report=$(grep -oE 'full report: [^ ]+index\.html' "$log" | head -1 | cut -d' ' -f3)
  [ -f "$report" ] && [ -f "$(dirname "$report")/report.json" ] || fail "no report at $report"
  # Where objects hang is counted once a type grows (retention.census "onGrowth"), not in a
  # passing test.
  grep -q "census of where objects hang at 'iteration-" "$(dirname "$report")"/*/protocol.log ||
    fail "the leaky cart's run took no census at an intermediate checkpoint"
  # A settle whose two collections agree is one reading pair: one round can settle a checkpoint.
  grep -q "settle round 1 (settle command): .*(the first of its two collections: " \
    "$(dirname "$report")"/*/protocol.log || fail "no settle reported both of its collections"
  # Memory is reported, not judged: the summary is in report.json, the raw /proc text it was read
  # from is not kept (a third of a megabyte a checkpoint); the heap's readings are.
  grep -q '"memory"' "$(dirname "$report")/report.json" || fail "report.json holds no memory summary"
  ! compgen -G "$(dirname "$report")/*/*.smaps.txt" >/dev/null || fail "a test's report keeps /proc's smaps"
  compgen -G "$(dirname "$report")/*/final.engine-heapstat.json" >/dev/null ||
    fail "the final checkpoint's heap reading is not in the report"
  if [ "$succeeded" -gt 0 ]; then
    ! grep -q "census" "$(dirname "$(dirname "$report")")"/TidyCartLeavesNothingBehind/*/protocol.log ||
      fail "the tidy cart's run took a census although nothing grew"
  fi
  echo "$project: run $run of $runs: $succeeded passed, the leaky cart's test failed naming its leak"
}

for run in $(seq "$runs"); do
  check Shop.Tests 2 1
  check Shop.NUnitTests 0 1
  check Shop.MSTests 0 1
done

# The test runner killed while leakgate reads it: leakgate (started with --exit-with the test
# process), its relay and its heap engine must all be gone soon after, without anyone stopping them.
exe=$work/repo/Shop.Tests/bin/Release/net10.0/Shop.Tests
"$exe" >"$work/killed.log" 2>&1 &
runner=$!
watching=() children=()
for _ in $(seq 600); do  # until leakgate runs its relay and its engine (at most 60 s)
  mapfile -t watching < <(pgrep -f -- "--exit-with $runner run" || true)
  [ ${#watching[@]} -gt 0 ] && mapfile -t children < <(pgrep -P "${watching[0]}" || true)
  [ ${#children[@]} -ge 2 ] && break
  kill -0 "$runner" 2>/dev/null || { cat "$work/killed.log"; echo "the test runner ended first"; exit 1; }
  sleep 0.1
done
[ ${#children[@]} -ge 2 ] ||
  { echo "leakgate never ran its relay and engine for the test runner"; kill -9 "$runner"; exit 1; }
kill -9 "$runner"
wait "$runner" 2>/dev/null || true
for _ in $(seq 150); do  # at most 15 s for every one of them to end
  left=()
  for pid in "${watching[@]}" "${children[@]}"; do kill -0 "$pid" 2>/dev/null && left+=("$pid"); done
  [ ${#left[@]} -eq 0 ] && break
  sleep 0.1
done
if [ ${#left[@]} -gt 0 ]; then
  ps -o pid,ppid,args -p "${left[*]// /,}" || true
  kill -9 "${left[@]}" 2>/dev/null || true
  echo "left behind after the test runner was killed: ${left[*]}"
  exit 1
fi
# Its work folder (a scenario and a socket) stays; the next watch in another test run removes it.
leftover=("${TMPDIR:-/tmp}"/leakgate-watch-"$runner"-*)
[ -d "${leftover[0]}" ] || { echo "the killed test runner left no work folder (leakgate-watch-$runner-*)"; exit 1; }
"$exe" >"$work/after-kill.log" 2>&1 || true
[ ! -e "${leftover[0]}" ] ||
  { cat "$work/after-kill.log"; echo "the next test run left the killed one's ${leftover[0]}"; exit 1; }
echo "xunit: the test runner killed mid-run: leakgate and its ${#children[@]} child process(es) ended with it; its work folder was removed by the next run"
