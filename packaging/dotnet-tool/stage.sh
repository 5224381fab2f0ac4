#!/usr/bin/env bash
# The native part of the .NET tool package, laid out as cmake installs it:
#   OUT/bin/leakgate                 stripped
#   OUT/lib/leakgate/heap-engine/    the heap engine (no .pdb, no .dbg: symbols stay in the build)
#   OUT/lib/leakgate/lib/            the shared libraries leakgate links beyond what a machine with
#                                    .NET has (glibc, libstdc++, OpenSSL, zlib): RE2, cpp-httplib,
#                                    Brotli; leakgate's run path ($ORIGIN/../lib/leakgate/lib) finds
#                                    them there (and theirs, $ORIGIN: set here with patchelf), the
#                                    system's elsewhere.
# Usage: stage.sh LEAKGATE ENGINE_DIR OUT
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: stage.sh LEAKGATE ENGINE_DIR OUT" >&2; exit 2; }
leakgate=$1 engine=$2 out=$3
rm -rf "$out"
mkdir -p "$out/bin" "$out/lib/leakgate/lib" "$out/lib/leakgate/heap-engine"
objcopy --strip-unneeded "$leakgate" "$out/bin/leakgate"
(cd "$engine" && find . -type f ! -name '*.pdb' ! -name '*.dbg' -print0 | xargs -0 cp --parents -t "$out/lib/leakgate/heap-engine")
base='^(linux-vdso|ld-linux|libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s|libssl|libcrypto|libz)\.so'
ldd "$leakgate" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | while read -r name path; do
  [[ $name =~ $base ]] && continue
  cp -L "$path" "$out/lib/leakgate/lib/$name"
  patchelf --set-rpath '$ORIGIN' "$out/lib/leakgate/lib/$name"
done
