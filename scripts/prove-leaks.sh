#!/usr/bin/env bash
# Proof that each canary's leak trace is right, run after run (not a timed test): every canary is
# run RUNS times (default 10) and each run must report exactly one leak, headed by the planted app
# type, at the planted root (kind and name), with exactly one first-new object on its path (the
# suspect reference). Prints a Markdown table (the one in docs/retention.md) and exits 1 unless
# every run of every canary holds.
# Usage: scripts/prove-leaks.sh [RUNS]
#   LEAKGATE_PROVE_LEAKS="scenario|head|root kind|root name ..." chooses other canaries.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
setup_all "${LEAKGATE_SUITE_TARGETS[@]}" >/dev/null
cd "$LEAKGATE_ROOT"
runs=${1:-10}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

default_canaries=(
  "forms-leak|FormsApp.CustomerForm|static|FormsApp.ThemeService.ThemeChanged"
  "pattern-timer-leak|PatternsApp.StatusPoller|static|System.Threading.TimerQueue.Instances"
  "pattern-static-cache-leak|PatternsApp.CachedResponse|static|PatternsApp.StaticCachePattern.Cache"
  "pattern-cancellation-leak|PatternsApp.PendingOperation|static|PatternsApp.CancellationPattern.ApplicationStopping"
  "pattern-closure-leak|PatternsApp.ReportView|static|PatternsApp.ClosurePattern.ConfigurationReloaded"
  "pattern-blocked-finalizer-leak|PatternsApp.ThumbnailHandle|finalizer queue|"
  "web-service-leak|RequestContext|static|RequestAudit.Kept"
  "web-controller-leak|OrderSnapshot|static|OrdersController.SnapshotCache"
)
if [ -n "${LEAKGATE_PROVE_LEAKS+x}" ]; then
  IFS=' ' read -r -a canaries <<<"$LEAKGATE_PROVE_LEAKS"
else
  canaries=("${default_canaries[@]}")
fi

scenario_args=()
for c in "${canaries[@]}"; do scenario_args+=(--scenario "${c%%|*}"); done

# check REPORT "scenario|head|kind|name" -> prints "ok" or what differs
check() {
  python3 - "$1" "$2" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
name, head, kind, root = sys.argv[2].split("|")
s = next((s for s in report["scenarios"] if s["name"] == name), None)
if s is None:
    print("not in the report"); sys.exit()
leaks = s.get("leaks", [])
if s.get("verdict") != "leak":
    print("verdict " + str(s.get("verdict")) + " " + str(s.get("error", ""))[:200]); sys.exit()
if len(leaks) != 1:
    print(f"{len(leaks)} leaks: " + ", ".join(l.get("head", "?") for l in leaks)); sys.exit()
l = leaks[0]
got = (l.get("head"), l.get("root", {}).get("kind"), l.get("root", {}).get("name", ""))
first_new = sum(1 for hop in l.get("path", []) if hop.get("firstNew"))
if got != (head, kind, root) or first_new != 1:
    print(f"head {got[0]}, root {got[1]} {got[2]}, {first_new} first-new hop(s)"); sys.exit()
print("ok")
PY
}

declare -A good
for c in "${canaries[@]}"; do good[${c%%|*}]=0; done
for i in $(seq 1 "$runs"); do
  "$LEAKGATE_BUILD/bin/leakgate" run --quiet --scenarios-dir scenarios --baselines-dir baselines \
    "${scenario_args[@]}" --report-dir "$out/run-$i" >/dev/null || true
  for c in "${canaries[@]}"; do
    name=${c%%|*}
    result=$(check "$out/run-$i/report.json" "$c")
    if [ "$result" = ok ]; then
      good[$name]=$((good[$name] + 1))
    else
      echo "run $i: $name: $result" >&2
    fi
  done
done

echo "| canary | head | root | runs | right |"
echo "|---|---|---|---|---|"
wrong=0
for c in "${canaries[@]}"; do
  IFS='|' read -r name head kind root <<<"$c"
  echo "| $name | \`$head\` | $kind${root:+ \`$root\`} | $runs | ${good[$name]}/$runs |"
  [ "${good[$name]}" = "$runs" ] || wrong=$((wrong + 1))
done
echo
echo "canaries with a wrong or missing leak trace in some run: $wrong"
[ "$wrong" = 0 ]
