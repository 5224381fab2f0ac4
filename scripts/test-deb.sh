#!/usr/bin/env bash
# Installs leakgate's .deb in a clean Debian 12 root and runs it there: a chroot made with
# debootstrap (minbase, from the machine's Debian mirror), the package installed by the
# Dockerfile's steps (ci/docker/install.sh: apt-get, with the dependencies the .deb names), then
# `leakgate --version` and `leakgate check` on a scenario folder, in the chroot. Root only; takes
# a few minutes and a network path to the mirror, so it is a script, not a ctest test.
# Usage: scripts/test-deb.sh [PACKAGE.deb]   (default: the one `cpack` left in build/)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deb=${1:-$(ls -t "$ROOT"/build/leakgate-*.deb 2>/dev/null | head -1)}
[ -f "$deb" ] || { echo "test-deb: no .deb (cmake --build build && cd build && cpack)" >&2; exit 2; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d "${TMPDIR:-/tmp}/leakgate-deb.XXXXXX")
cleanup() {
  for m in proc dev; do umount "$work/root/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
echo "test-deb: debootstrap bookworm into $work/root ($mirror)"
debootstrap --variant=minbase bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log"; exit 1; }
mount -t proc proc "$work/root/proc"
mount --bind /dev "$work/root/dev"
cp "$deb" "$work/root/tmp/leakgate.deb"
in_root() { chroot "$work/root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
# The Dockerfile's steps (ci/docker/install.sh): apt-get installs the package and what it names.
cp "$ROOT/ci/docker/install.sh" "$work/root/tmp/install.sh"
echo "test-deb: ci/docker/install.sh $(basename "$deb")"
in_root sh /tmp/install.sh /tmp/leakgate.deb
status=$(in_root dpkg -s leakgate)
grep -q '^Status: install ok installed' <<<"$status" || { echo "not installed"; exit 1; }
in_root leakgate --version
mkdir -p "$work/root/tmp/suite/scenarios/demo"
cat >"$work/root/tmp/suite/scenarios/demo/scenario.json" <<'JSON'
{ "$schema": "/usr/share/leakgate/schemas/scenario.schema.json", "expect": "pass",
  "launch": { "argv": ["demo"], "protocol": false },
  "iteration": [ { "http": { "url": "http://127.0.0.1:${port}/items/${iteration}" } } ],
  "iterations": 2 }
JSON
in_root leakgate check --scenarios-dir /tmp/suite/scenarios --baselines-dir /tmp/suite/baselines
ls "$work/root/usr/lib/leakgate/heap-engine/leakgate-heap-engine" >/dev/null
echo "test-deb: installed in a clean Debian 12 root; leakgate --version and check ran there"
