#!/usr/bin/env bash
# Runs the README's quick start as written (the lines between <!-- quick-start --> and
# <!-- /quick-start -->) in a fresh git repository whose "service" is the bundled WebApp, built
# as MyService/bin/Release/net10.0/MyService.dll; then makes the service leak (its leak variant)
# and checks that the gate (the block's last line) fails with exit 1, naming the leaking type.
# Usage: quick-start.sh LEAKGATE SOURCE_DIR WORK_DIR
set -euo pipefail
leakgate=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work/repo/MyService/bin/Release/net10.0"
cd "$work/repo"
git init -q .
# The service: WebApp's build under the name the README uses.
web=$src/scenarios/apps/WebApp/bin/Release/net10.0
out=MyService/bin/Release/net10.0
cp -r "$web"/. "$out"/
for f in "$out"/WebApp.*; do mv "$f" "${f/WebApp./MyService.}"; done
sed -i 's/WebApp\.dll/MyService.dll/g' "$out/MyService.deps.json"
export PATH="$(dirname "$leakgate"):$PATH"

block=$(awk '/<!-- quick-start/ { on = 1; next } /<!-- \/quick-start -->/ { on = 0 }
             on && !/^```/ && !/^#/ && NF' "$src/README.md")
[ "$(printf '%s\n' "$block" | wc -l)" -ge 5 ] || { echo "no quick start block in README.md"; exit 1; }
last=$(printf '%s\n' "$block" | tail -1)
while IFS= read -r line; do
  echo "quick-start: \$ $line"
  bash -c "$line" >"$work/out.log" 2>&1 || { cat "$work/out.log"; echo "quick-start: failed: $line"; exit 1; }
done <<<"$block"
[ -f scenarios/orders/scenario.json ] && [ -f baselines/orders.json ] || { echo "nothing recorded"; exit 1; }
staged=$(git diff --cached --name-only)
grep -q '^baselines/orders.json$' <<<"$staged" || { echo "not staged"; exit 1; }

# A change that makes every request keep its context: the gate must fail, naming it.
/usr/bin/python3 - <<'PY'
import json
p = "scenarios/orders/scenario.json"
m = json.load(open(p))
m["launch"]["argv"] += ["--variant", "leak"]
open(p, "w").write(json.dumps(m, indent=2) + "\n")
PY
set +e
bash -c "$last" >"$work/leak.log" 2>&1
code=$?
set -e
[ "$code" -eq 1 ] || { cat "$work/leak.log"; echo "quick-start: the gate exited $code on a leak, not 1"; exit 1; }
grep -q RequestContext "$work/leak.log" || { cat "$work/leak.log"; echo "the leak is not named"; exit 1; }
echo "quick-start: every line of the README's block ran; the leaking change failed the gate (exit 1, RequestContext)"
