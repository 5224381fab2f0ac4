#!/usr/bin/env bash
# The heap engine against the manual SOS route, on one process with a heap of a given size.
# Builds tests/bench/HeapBench (a heap of --bytes in --objects objects, half of them
# HeapBench.Record held by a static), then, alternating, --rounds times (in the order b, c, r, a):
#   (a) manual: dotnet-dump collect --type Heap, then dotnet-dump analyze -c "dumpheap -stat"
#   (b) leakgate heapstat --pid (the heap engine, attached; no file written)
#   (c) leakgate roots --pid --type HeapBench.Record (every instance followed from every root,
#       then the leak trace of the type)
#   (d) the engine's "leaks" op alone, HeapBench.Record as the growing type (every object of the
#       heap in the graph, every instance new: the trace a run ends with, and what it retains)
#   (r) a plain sequential read of the same heap ranges (the engine's "read" op: the physical
#       bound of a walk)
# and prints the medians, the ratios against the goals of the heap engine, and the peak resident
# sets of leakgate and of the engine.
#
#   scripts/bench-engine.sh [--objects N] [--bytes B] [--rounds R]   (default 10000000, 1 GiB, 3)
#   Needs the build (cmake --build build: leakgate and the heap engine) and dotnet-dump restored.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${LEAKGATE_BUILD:-$ROOT/build}
objects=10000000
bytes=$((1 << 30))
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --objects) objects=$2; shift ;;
    --bytes) bytes=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "bench-engine: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

leakgate=$BUILD/bin/leakgate
engine=$BUILD/bin/heap-engine/leakgate-heap-engine
[ -x "$leakgate" ] && [ -x "$engine" ] || { echo "bench-engine: build first (cmake --build build)" >&2; exit 2; }
(cd "$ROOT" && dotnet tool restore >/dev/null)
dotnet build "$ROOT/tests/bench/HeapBench" -c Release -o "$BUILD/bench/HeapBench" -nologo -v q >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/leakgate-bench.XXXXXX")
app_pid=
cleanup() {
  if [ -n "$app_pid" ]; then
    kill "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The app: its stdin is a fifo held open here; it exits when that closes.
mkfifo "$work/app.in"
dotnet "$BUILD/bench/HeapBench/HeapBench.dll" --objects "$objects" --bytes "$bytes" \
  <"$work/app.in" >"$work/app.out" &
app_pid=$!
exec 8>"$work/app.in"
echo "bench-engine: building a heap of $bytes bytes in $objects objects (pid $app_pid)..." >&2
until grep -q '^ready ' "$work/app.out"; do
  kill -0 "$app_pid" 2>/dev/null || { echo "bench-engine: the app exited" >&2; exit 1; }
  sleep 0.2
done
read -r _ _ made_objects heap_bytes <"$work/app.out"

now() { date +%s.%N; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

: >"$work/a"; : >"$work/b"; : >"$work/c"; : >"$work/d"; : >"$work/r"; : >"$work/w"
dump_size=0; lg_rss=0; engine_rss_stat=0; engine_rss_roots=0; lg_rss_roots=0; engine_rss_leaks=0
for round in $(seq "$rounds"); do
  # (b) leakgate heapstat, engine
  t0=$(now)
  "$leakgate" heapstat --pid "$app_pid" --json >"$work/heapstat.json"
  t1=$(now)
  awk -v x="$t1" -v y="$t0" 'BEGIN { print x - y }' >>"$work/b"
  lg_rss=$(json 'd["reader"]["leakgatePeakRssBytes"]' <"$work/heapstat.json")
  engine_rss_stat=$(json 'd["reader"]["engine"]["peakRss"]' <"$work/heapstat.json")
  json 'd["reader"]["engine"]["ms"] / 1000' <"$work/heapstat.json" >>"$work/w"

  # (c) leakgate roots for the type with objects/2 instances
  t0=$(now)
  "$leakgate" roots --pid "$app_pid" --type HeapBench.Record --json >"$work/roots.json"
  t1=$(now)
  awk -v x="$t1" -v y="$t0" 'BEGIN { print x - y }' >>"$work/c"
  lg_rss_roots=$(json 'd["reader"]["leakgatePeakRssBytes"]' <"$work/roots.json")
  engine_rss_roots=$(json 'd["reader"]["engine"]["peakRss"]' <"$work/roots.json")
  instances=$(json 'd["types"][0]["instances"]' <"$work/roots.json")

  # (d) the leaks op alone, by a fresh engine attached the same way
  t0=$(now)
  printf '%s\n' "{\"v\":1,\"id\":1,\"op\":\"open\",\"pid\":$app_pid}" \
    '{"v":1,"id":2,"op":"leaks","types":["HeapBench.Record"],"appTypes":["HeapBench.Record"]}' \
    '{"v":1,"id":3,"op":"quit"}' | "$engine" 2>/dev/null | sed -n 3p >"$work/leaks.json"
  t1=$(now)
  awk -v x="$t1" -v y="$t0" 'BEGIN { print x - y }' >>"$work/d"
  engine_rss_leaks=$(json 'd["graph"]["peakRss"]' <"$work/leaks.json")
  leak_instances=$(json 'd["leaks"][0]["head"]["instances"]' <"$work/leaks.json")

  # (r) one sequential read of the same ranges, by a fresh engine attached the same way
  printf '%s\n' "{\"v\":1,\"id\":1,\"op\":\"open\",\"pid\":$app_pid}" '{"v":1,"id":2,"op":"read"}' \
    '{"v":1,"id":3,"op":"quit"}' | "$engine" 2>/dev/null | sed -n 3p >"$work/read.json"
  json 'd["ms"] / 1000' <"$work/read.json" >>"$work/r"
  read_bytes=$(json 'd["bytesRead"]' <"$work/read.json")
  # (a) the manual route
  t0=$(now)
  (cd "$ROOT" && dotnet tool run dotnet-dump -- collect -p "$app_pid" --type Heap \
    -o "$work/heap.dmp" >/dev/null)
  (cd "$ROOT" && dotnet tool run dotnet-dump -- analyze "$work/heap.dmp" -c "dumpheap -stat" \
    -c exit >/dev/null)
  t1=$(now)
  dump_size=$(stat -c %s "$work/heap.dmp")
  rm -f "$work/heap.dmp"
  sync  # the dump's writeback is not left to slow the next measurement
  awk -v x="$t1" -v y="$t0" 'BEGIN { print x - y }' >>"$work/a"

  echo "bench-engine: round $round of $rounds done" >&2
done

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { printf "%.3f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
a=$(median "$work/a"); b=$(median "$work/b"); c=$(median "$work/c"); d=$(median "$work/d")
r=$(median "$work/r")
walk=$(median "$work/w")
mib() { awk -v n="$1" 'BEGIN { printf "%.0f MiB", n / 1048576 }'; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.2f", x / y }'; }

cat <<EOF
heap: $made_objects objects, $(mib "$heap_bytes") (GC.GetTotalMemory), $(mib "$read_bytes") of segments; $rounds rounds, medians
machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r), .NET $(dotnet --list-runtimes | awk '/NETCore.App/ { v = $2 } END { print v }')

(a) dotnet-dump collect + analyze dumpheap -stat   ${a} s   (dump file $(mib "$dump_size"))
(b) leakgate heapstat --pid (engine)              ${b} s   (no file; the walk itself ${walk} s)
(c) leakgate roots --pid --type HeapBench.Record  ${c} s   ($instances instances followed, and the trace)
(d) engine leaks op, HeapBench.Record growing    ${d} s   ($leak_instances instances in the leak)
(r) sequential read of the heap ranges            ${r} s

heapstat speed-up over (a):      $(ratio "$a" "$b")x   (goal >= 5)
heapstat against one read (b/r): $(ratio "$b" "$r")x   (goal <= 3; the walk alone $(ratio "$walk" "$r")x)
roots against heapstat (c/b):    $(ratio "$c" "$b")x   (goal <= 3)
leaks against heapstat (d/b):    $(ratio "$d" "$b")x   (goal <= 3)
leakgate peak RSS: heapstat $(mib "$lg_rss"), roots $(mib "$lg_rss_roots")   (goal <= 100 MiB)
engine peak RSS:   heapstat $(mib "$engine_rss_stat"), roots $(mib "$engine_rss_roots"), leaks $(mib "$engine_rss_leaks")   (roots: $(ratio "$engine_rss_roots" "$read_bytes"), leaks: $(ratio "$engine_rss_leaks" "$read_bytes") bytes per heap byte; aim <= 1)
EOF
