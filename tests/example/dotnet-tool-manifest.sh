#!/usr/bin/env bash
# examples/dotnet-tool in a fresh copy: the tools (leakgate from the build's feed, dotnet-dump)
# restored from its manifest into a package folder of its own (a package of the same version from
# an earlier build is not taken from a shared cache), the service built, the baseline recorded,
# the gate passes; then the service leaks (--leak) and the gate fails with exit 1 naming the leak.
# Usage: dotnet-tool-manifest.sh SOURCE_DIR FEED_DIR WORK_DIR
set -euo pipefail
src=$1 feed=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
cp -r "$src/examples/dotnet-tool" "$work/repo"
cd "$work/repo"
git init -q .
sed -i "s#value=\"../../build/feed\"#value=\"$feed\"#" nuget.config
grep -q "value=\"$feed\"" nuget.config || { echo "nuget.config names no feed to replace"; exit 1; }
# The CLI's record of restored local tools too (DOTNET_CLI_HOME): it would otherwise point at a
# package restored by an earlier run, wherever that was.
export NUGET_PACKAGES=$work/packages DOTNET_CLI_HOME=$work/cli-home DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

step() {
  echo "dotnet-tool-manifest: \$ $*"
  "$@" >"$work/out.log" 2>&1 || { cat "$work/out.log"; echo "dotnet-tool-manifest: failed: $*"; exit 1; }
}
step dotnet tool restore
step dotnet build MyService/MyService.csproj -c Release
step dotnet leakgate --version
grep -q '^leakgate 0\.1\.0' "$work/out.log" || { cat "$work/out.log"; echo "not leakgate 0.1.0"; exit 1; }
step dotnet leakgate check
step dotnet leakgate baseline update --scenario orders
[ -f baselines/orders.json ] || { echo "no baseline recorded"; exit 1; }
step dotnet leakgate run

/usr/bin/python3 - <<'PY'
import json
p = "scenarios/orders/scenario.json"
m = json.load(open(p))
m["launch"]["argv"].append("--leak")
open(p, "w").write(json.dumps(m, indent=2) + "\n")
PY
echo "dotnet-tool-manifest: \$ dotnet leakgate run   (the service started with --leak)"
set +e
dotnet leakgate run >"$work/leak.log" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat "$work/leak.log"; echo "the gate exited $rc on a leaking service, not 1"; exit 1; }
for want in 'leak: MyService.OrderContext' 'static MyService.OrderAudit.Seen' \
            'suspect reference: MyService.OrderContext[][0] -> MyService.OrderContext'; do
  grep -qF -- "$want" "$work/leak.log" || { cat "$work/leak.log"; echo "missing: $want"; exit 1; }
done
echo "dotnet-tool-manifest: the gate passed the service and failed it with --leak, naming the leak"
