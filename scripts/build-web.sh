#!/usr/bin/env bash
# Builds the web app (web/ -> web/dist), which `guildhall serve` serves at / (web.root).
# Called by scripts/build.sh unless GUILDHALL_WEB=OFF. `npm ci` runs only when node_modules is
# missing or package-lock.json changed; the build runs only when a source changed.
set -euo pipefail
cd "$(dirname "$0")/../web"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "error: the web app needs Node.js (>= 20.19) and npm: run scripts/install-deps.sh," \
       "or build the C++ server alone with GUILDHALL_WEB=OFF scripts/build.sh" >&2
  exit 1
fi
# Vite 7 needs Node ^20.19 or >= 22.12 (Debian 12's own nodejs is 18: see web/README.md).
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number);
              process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a >= 23 ? 0 : 1)'; then
  echo "error: the web app needs Node.js ^20.19 or >= 22.12, found $(node --version)." \
       "Install a newer Node.js (web/README.md), or set GUILDHALL_WEB=OFF for a C++-only build" >&2
  exit 1
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -d node_modules || "$(cat node_modules/.guildhall-lock 2>/dev/null)" != "$lock_hash" ]]; then
  echo "web: installing the locked npm packages"
  # npm ci refuses a lockfile without other platforms' optional packages (rollup's and esbuild's
  # native builds), and a registry mirror that serves only this platform's writes exactly such a
  # lockfile. npm install --no-save then installs the same locked versions and never rewrites it.
  npm ci --no-audit --no-fund --loglevel=silent ||
    npm install --no-save --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.guildhall-lock
fi

stamp=dist/.guildhall-build
if [[ ! -f $stamp ]] || [[ -n "$(find src public index.html package-lock.json vite.config.ts \
      tsconfig.json -newer "$stamp" -print -quit)" ]]; then
  echo "web: npm run build"
  npm run --silent build
  touch "$stamp"
fi
