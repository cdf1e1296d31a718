#!/usr/bin/env bash
# Configures (once) and builds Guildhall. Usage: scripts/build.sh [target...]
# BUILD_DIR (default: build) and BUILD_TYPE (default: RelWithDebInfo) may be set in the environment;
# GUILDHALL_SANITIZE=ON builds with ASan and UBSan. The web app (web/) is built first with npm
# (scripts/build-web.sh); GUILDHALL_WEB=OFF builds and tests the C++ server alone, without Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build}"
build_type="${BUILD_TYPE:-RelWithDebInfo}"
generator=()
command -v ninja >/dev/null && [[ ! -f "$build_dir/CMakeCache.txt" ]] && generator=(-G Ninja)
web="${GUILDHALL_WEB:-ON}"
if [[ "$web" != OFF && -f web/package.json ]]; then scripts/build-web.sh; fi
cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE="$build_type" \
  -DGUILDHALL_SANITIZE="${GUILDHALL_SANITIZE:-OFF}" -DGUILDHALL_WEB="$web" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build_dir" --parallel "$(nproc)" "${targets[@]}"
