#!/bin/sh
# The protocol apps of the suite are built from the packed C# client, as a user's app would be:
# their deps.json names LeakGate.Scenario as a package (not a project), restored from the build's
# feed (scenarios/.packages/feed, nuget.config). Usage: nuget-client.sh SOURCE_DIR
set -eu
src=$1
ls "$src"/scenarios/.packages/feed/LeakGate.Scenario.*.nupkg >/dev/null ||
  { echo "no LeakGate.Scenario package in scenarios/.packages/feed"; exit 1; }
for app in FormsApp PatternsApp; do
  deps=$src/scenarios/apps/$app/bin/Release/net10.0/$app.deps.json
  /usr/bin/python3 - "$deps" <<'PY'
import json, sys
libraries = json.load(open(sys.argv[1]))["libraries"]
client = {k: v for k, v in libraries.items() if k.startswith("LeakGate.Scenario/")}
assert client, f"{sys.argv[1]}: no LeakGate.Scenario"
for name, lib in client.items():
    assert lib["type"] == "package", f"{sys.argv[1]}: {name} is a {lib['type']}, not a package"
    print(f"{sys.argv[1].split('/')[-1]}: {name} ({lib['type']}, {lib.get('path')})")
PY
done
