#!/usr/bin/env bash
# Proof that the verdict is both sensitive and quiet, with numbers (not a timed test):
#   sensitivity: each canary must be caught in every one of SENSITIVITY_RUNS runs (default 10),
#                naming what leaks: forms-leak-one (one 24-byte object per iteration) naming
#                FormsApp.CloseRecord, web-service-leak (a managed leak in an ASP.NET Core service
#                on its default Server GC) naming RequestContext, service-native-leak (64 KiB of
#                Marshal.AllocHGlobal per request) naming Heap as native memory;
#   quiet:       every scenario expected to pass, run QUIET_RUNS times back to back (default 20),
#                must give zero findings and no error.
# Prints a Markdown table (the one in docs/verdicts.md) and exits 1 unless both hold.
# Usage: scripts/prove-verdicts.sh [SENSITIVITY_RUNS] [QUIET_RUNS]
#   LEAKGATE_PROVE_CANARIES="name:Finding ..." and LEAKGATE_PROVE_QUIET="name ..." choose others
#   (e.g. the traps alone under another GC shape: LEAKGATE_PROVE_CANARIES= LEAKGATE_PROVE_QUIET=
#   "service-spike service-burst" DOTNET_gcServer=0 scripts/prove-verdicts.sh 0 10; the apps
#   inherit leakgate's environment).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
setup_all "${LEAKGATE_SUITE_TARGETS[@]}" >/dev/null
cd "$LEAKGATE_ROOT"
sensitivity_runs=${1:-10}
quiet_runs=${2:-20}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
leakgate=("$LEAKGATE_BUILD/bin/leakgate" run --quiet --scenarios-dir scenarios --baselines-dir baselines)

# findings_of REPORT SCENARIO -> "<verdict> <number of findings> <types>"
findings_of() {
  python3 - "$1" "$2" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for s in report["scenarios"]:
    if s["name"] == sys.argv[2]:
        print(s["verdict"], len(s["findings"]), ",".join(f["type"] for f in s["findings"]) or "-")
PY
}

canaries=${LEAKGATE_PROVE_CANARIES-forms-leak-one:FormsApp.CloseRecord web-service-leak:RequestContext service-native-leak:Heap}
declare -A caught
for canary in $canaries; do
  name=${canary%%:*}
  expected=${canary#*:}
  caught[$name]=0
  for i in $(seq 1 "$sensitivity_runs"); do
    "${leakgate[@]}" --scenario "$name" --report-dir "$out/s-$name-$i" >/dev/null || true
    read -r verdict count types <<<"$(findings_of "$out/s-$name-$i/report.json" "$name")"
    if [ "$verdict" = leak ] && [[ ",$types," == *",$expected,"* ]]; then
      caught[$name]=$((caught[$name] + 1))
    else
      echo "run $i: $name not caught (verdict $verdict, findings: $types)" >&2
    fi
  done
done

pass_scenarios=${LEAKGATE_PROVE_QUIET-$(grep -l '"expect": "pass"' scenarios/*/scenario.json | xargs -n1 dirname | xargs -n1 basename)}
declare -A noisy
total_findings=0
errors=0
for name in $pass_scenarios; do
  noisy[$name]=0
  for i in $(seq 1 "$quiet_runs"); do
    "${leakgate[@]}" --scenario "$name" --report-dir "$out/q-$name-$i" >/dev/null || true
    read -r verdict count types <<<"$(findings_of "$out/q-$name-$i/report.json" "$name")"
    if [ "$count" != 0 ] || [ "$verdict" != pass ]; then
      echo "run $i: $name gave verdict $verdict with $count finding(s): $types" >&2
      noisy[$name]=$((noisy[$name] + 1))
      total_findings=$((total_findings + count))
      [ "$verdict" = error ] && errors=$((errors + 1))
    fi
  done
done

echo "| check | scenario | runs | result |"
echo "|---|---|---|---|"
missed=0
for canary in $canaries; do
  name=${canary%%:*}
  echo "| sensitivity | $name (${canary#*:}) | $sensitivity_runs | caught in ${caught[$name]}/$sensitivity_runs |"
  [ "${caught[$name]}" = "$sensitivity_runs" ] || missed=$((missed + 1))
done
for name in $pass_scenarios; do
  echo "| quiet | $name | $quiet_runs | $([ "${noisy[$name]}" = 0 ] && echo "0 findings" || echo "NOISY: ${noisy[$name]} run(s) with findings or errors") |"
done
echo
echo "canaries missed in some run: $missed; findings in passing scenarios: $total_findings; errors: $errors"
[ "$missed" = 0 ] && [ "$total_findings" = 0 ] && [ "$errors" = 0 ]
