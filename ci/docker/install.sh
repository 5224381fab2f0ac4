#!/bin/sh
# The steps of ci/docker/Dockerfile, as a script (tested outside Docker by scripts/test-deb.sh):
# installs leakgate's .deb with the Debian packages it depends on, and the pinned dotnet-dump as
# a tool in /opt/leakgate/tools when a .NET SDK is there to install it.
# Usage: install.sh LEAKGATE.deb [DOTNET_DUMP_VERSION]
set -eu
deb=$1
dump_version=${2:-10.0.750501}   # .config/dotnet-tools.json's pin
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$deb"
rm -rf /var/lib/apt/lists/*
if command -v dotnet >/dev/null 2>&1; then
  dotnet tool install dotnet-dump --version "$dump_version" --tool-path /opt/leakgate/tools
else
  echo "install.sh: no dotnet here: dotnet-dump not installed (--engine engine needs none until a dump)" >&2
fi
leakgate --version
