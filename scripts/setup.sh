# Shared set-up for the two entry points (sourced, not run): installs what is missing, builds.
# Idempotent: a second run installs nothing and rebuilds only what changed.

LEAKGATE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LEAKGATE_BUILD=${LEAKGATE_BUILD:-$LEAKGATE_ROOT/build}

# Debian packages the build needs, by the package that provides each.
LEAKGATE_DEBS=(cmake make g++ pkg-config libcli11-dev nlohmann-json3-dev libcpp-httplib-dev libgtest-dev
               libgmock-dev libbenchmark-dev libre2-dev patchelf)
# ... and what only the tests need: a real browser for the HTML report, an independent JUnit reader,
# clang-format and clang-tidy for the lint tests, clang and its libFuzzer runtime for the fuzz tests.
LEAKGATE_TEST_DEBS=(chromium python3-junitparser python3-jsonschema cmark clang-format clang-tidy libclang-rt-14-dev clang-14)

log() { printf 'setup: %s\n' "$*" >&2; }

# ensure_debs [PACKAGE...]: installs those of the packages (default: LEAKGATE_DEBS) not installed.
ensure_debs() {
  local missing=() wanted=("$@")
  [ ${#wanted[@]} -gt 0 ] || wanted=("${LEAKGATE_DEBS[@]}")
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    log "the .NET SDK (dotnet) is not on PATH; it is not a Debian package: install the .NET 10 SDK"
    exit 3
  fi
  # dotnet-dump, pinned in .config/dotnet-tools.json
  (cd "$LEAKGATE_ROOT" && dotnet tool restore >/dev/null) || {
    log "dotnet tool restore failed"
    exit 3
  }
}

# build [TARGET...]: configures once (the same options for every entry point, so switching between
# them never reconfigures) and builds the targets named, or everything.
build() {
  local jobs targets=()
  jobs=$(nproc 2>/dev/null || echo 2)
  for t in "$@"; do targets+=(--target "$t"); done
  cmake -S "$LEAKGATE_ROOT" -B "$LEAKGATE_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$LEAKGATE_BUILD" -j "$jobs" "${targets[@]}"
}

# What running the suite needs: leakgate and its heap engine, the .NET scenario apps, the native
# scenario app.
LEAKGATE_SUITE_TARGETS=(leakgate heap_engine scenario_apps native-scenario)

setup_all() {
  ensure_debs
  ensure_dotnet
  build "$@"
}
