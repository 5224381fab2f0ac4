#!/usr/bin/env bash
# `dotnet tool install --tool-path` of the leakgate package from the build's feed into an empty
# folder (with a package folder of its own: a package of the same version from an earlier build is
# not taken from a shared cache), then `leakgate --version` and a run of the bundled forms pair
# (forms must pass, forms-leak's leak be caught: exit 0) through the installed command.
# Usage: dotnet-tool-install.sh SOURCE_DIR FEED_DIR WORK_DIR VERSION
set -euo pipefail
src=$1 feed=$2 work=$3 version=$4
rm -rf "$work"
mkdir -p "$work/empty"
export NUGET_PACKAGES=$work/packages DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cd "$work/empty"
dotnet tool install --tool-path "$work/tools" leakgate --add-source "$feed" --version "$version" \
  >"$work/install.log" 2>&1 || { cat "$work/install.log"; echo "dotnet tool install failed"; exit 1; }
tool=$work/tools/leakgate
out=$("$tool" --version)
echo "dotnet-tool-install: leakgate --version: $out"
[[ $out == "leakgate $version "* ]] || { echo "expected leakgate $version"; exit 1; }
# The command is the package's: its native binary and the libraries it carries.
native=$(find "$work/tools/.store" -path '*/native/linux-x64/bin/leakgate' | head -1)
[ -n "$native" ] || { echo "no native leakgate in the tool's store"; exit 1; }
# (The whole output first: a grep -q reading a pipe under pipefail fails when it stops early.)
libraries=$(ldd "$native")
grep -qF "libre2.so.9 => $(dirname "$native")/../lib/leakgate/lib/" <<<"$libraries" ||
  { echo "$libraries"; echo "the native leakgate does not load the RE2 its package carries"; exit 1; }

cd "$src"
set +e
"$tool" run --scenario forms --scenario forms-leak --report-dir "$work/reports" >"$work/run.log" 2>&1
rc=$?
set -e
[ "$rc" -eq 0 ] || { cat "$work/run.log"; echo "the forms pair exited $rc through the tool, not 0"; exit 1; }
for want in 'leak: FormsApp.CustomerForm' 'static FormsApp.ThemeService.ThemeChanged'; do
  grep -qF -- "$want" "$work/run.log" || { cat "$work/run.log"; echo "missing: $want"; exit 1; }
done
[ -f "$work/reports/report.json" ] || { echo "no report.json"; exit 1; }
echo "dotnet-tool-install: installed, --version, and the forms pair through it (exit 0, the leak named)"
