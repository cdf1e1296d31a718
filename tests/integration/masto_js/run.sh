#!/usr/bin/env bash
# Installs masto.js from the committed lockfile into INSTALL_DIR (once per lockfile) and runs one
# of the scripts here against running Guildhall instances.
# Usage: run.sh INSTALL_DIR SCRIPT.mjs ARGS... (client.mjs: BASE_URL USER PASSWORD;
# cross_instance.mjs: A_BASE B_BASE PASSWORD)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
install_dir="$1"
script="$2"
shift 2
mkdir -p "$install_dir"
if ! cmp -s "$here/package-lock.json" "$install_dir/package-lock.json" ||
   [[ ! -d "$install_dir/node_modules/masto" ]]; then
  cp "$here/package.json" "$here/package-lock.json" "$install_dir/"
  (cd "$install_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
# ES modules resolve packages next to the script, so it runs from the install folder.
cp "$here/$script" "$install_dir/"
exec node "$install_dir/$script" "$@"
