#!/bin/sh
# Validates every bundled manifest (scenarios/*/scenario.json, and the examples') and baseline
# (baselines/*.json but known-leaks.json) against the JSON Schemas in schemas/, with Debian's
# python3-jsonschema: the schemas a user's editor checks with must accept what leakgate ships.
# Usage: validate-suite.sh ROOT
set -eu
root=$1
status=0
/usr/bin/python3 "$root/tests/schema/validate.py" "$root/schemas/scenario.schema.json" \
  "$root"/scenarios/*/scenario.json "$root"/examples/*/scenarios/*/scenario.json || status=1
set --
for f in "$root"/baselines/*.json; do
  [ "$(basename "$f")" = known-leaks.json ] || set -- "$@" "$f"
done
/usr/bin/python3 "$root/tests/schema/validate.py" "$root/schemas/baseline.schema.json" "$@" || status=1
exit $status
