#!/usr/bin/env bash
# Installs the Debian 12 packages Guildhall needs, and only those that are missing.
# Usage: scripts/install-deps.sh [--tests]
# docs/dependencies.md says why each package is here.
set -euo pipefail

build_packages=(
  g++ cmake ninja-build pkg-config ccache
  libboost1.81-dev libboost-url1.81-dev
  libssl-dev libpqxx-dev libsqlite3-dev
  nlohmann-json3-dev libcpp-jwt-dev libspdlog-dev libcli11-dev libtomlplusplus-dev
  libgumbo-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libargon2-dev
  libvips-dev  # brings the run-time libvips42
)
test_packages=(
  libgtest-dev libgmock-dev
  python3-mastodon  # the client API tests drive Guildhall with the real Mastodon.py
  postgresql  # the test suite starts its own throwaway cluster with initdb
)

wanted=("${build_packages[@]}")
# The web app (web/) is built with Node.js and npm; a newer Node.js that is already installed
# (Vite 7 needs >= 20.19: web/README.md) is kept. GUILDHALL_WEB=OFF needs neither.
if [[ "${GUILDHALL_WEB:-ON}" != OFF ]] && ! { command -v node && command -v npm; } >/dev/null; then
  wanted+=(nodejs npm)
fi
if [[ "${1:-}" == "--tests" ]]; then
  wanted+=("${test_packages[@]}")
  # The web app's browser test drives Debian's Chromium (playwright-core downloads no browser);
  # the emoji font makes reactions in its screenshots show as on people's machines.
  if [[ "${GUILDHALL_WEB:-ON}" != OFF ]]; then wanted+=(chromium fonts-noto-color-emoji); fi
fi

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing missing packages: ${missing[*]}"
if [[ $EUID -eq 0 ]]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null; then
  apt_get=(sudo apt-get)
else
  echo "error: these packages are missing and I am not root: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt_get[@]}" update -qq
"${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}"
