#!/usr/bin/env bash
# Proof that each canary's leak trace is right, run after run (not a timed test): every canary is
# run RUNS times (default 10) and each run must report exactly one leak per planted cause, headed by
# the planted app type, at the planted root (kind and name), with exactly one first-new object on
# its path (the suspect reference). A canary with several causes has a line per cause. Prints a Markdown table (the one in docs/retention.md) and exits 1 unless
# every run of every canary holds.
# Usage: scripts/prove-leaks.sh [RUNS]
#   LEAKGATE_PROVE_LEAKS="scenario|head|root kind|root name;..." (";" between causes) chooses others.
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
  "web-three-leaks|QuoteView|static|PriceFeed.PriceChanged"
  "web-three-leaks|RequestContext|static|RequestAudit.Kept"
  "web-three-leaks|OrderSnapshot|static|OrdersController.SnapshotCache"
)
if [ -n "${LEAKGATE_PROVE_LEAKS+x}" ]; then
  IFS=";" read -r -a canaries <<<"$LEAKGATE_PROVE_LEAKS"
else
  canaries=("${default_canaries[@]}")
fi

names=()
for c in "${canaries[@]}"; do
  [[ " ${names[*]} " == *" ${c%%|*} "* ]] || names+=("${c%%|*}")
done
scenario_args=()
for name in "${names[@]}"; do scenario_args+=(--scenario "$name"); done

# check REPORT SCENARIO "scenario|head|kind|name"... -> prints "ok" or what differs
check() {
  python3 - "$@" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
name = sys.argv[2]
want = sorted(tuple(c.split("|")[1:]) for c in sys.argv[3:] if c.split("|")[0] == name)
s = next((s for s in report["scenarios"] if s["name"] == name), None)
if s is None:
    print("not in the report"); sys.exit()
if s.get("verdict") != "leak":
    print("verdict " + str(s.get("verdict")) + " " + str(s.get("error", ""))[:200]); sys.exit()
leaks = s.get("leaks", [])
got = sorted((l.get("head"), l.get("root", {}).get("kind"), l.get("root", {}).get("name", ""))
             for l in leaks)
first_new = [sum(1 for hop in l.get("path", []) if hop.get("firstNew")) for l in leaks]
if got != want or any(n != 1 for n in first_new):
    print(f"leaks {got}, first-new hops {first_new}"); sys.exit()
print("ok")
PY
}

declare -A good
for name in "${names[@]}"; do good[$name]=0; done
for i in $(seq 1 "$runs"); do
  "$LEAKGATE_BUILD/bin/leakgate" run --quiet --scenarios-dir scenarios --baselines-dir baselines \
    "${scenario_args[@]}" --report-dir "$out/run-$i" >/dev/null || true
  for name in "${names[@]}"; do
    result=$(check "$out/run-$i/report.json" "$name" "${canaries[@]}")
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
done
for name in "${names[@]}"; do [ "${good[$name]}" = "$runs" ] || wrong=$((wrong + 1)); done
echo
echo "canaries with a wrong or missing leak trace in some run: $wrong"
[ "$wrong" = 0 ]
