#!/usr/bin/env bash
# Installs masto.js from the committed lockfile into INSTALL_DIR (once per lockfile) and runs
# client.mjs against a running Guildhall. Usage: run.sh INSTALL_DIR BASE_URL USER PASSWORD
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
install_dir="$1"
shift
mkdir -p "$install_dir"
if ! cmp -s "$here/package-lock.json" "$install_dir/package-lock.json" ||
   [[ ! -d "$install_dir/node_modules/masto" ]]; then
  cp "$here/package.json" "$here/package-lock.json" "$install_dir/"
  (cd "$install_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
# ES modules resolve packages next to the script, so it runs from the install folder.
cp "$here/client.mjs" "$install_dir/"
exec node "$install_dir/client.mjs" "$@"
