#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite.
#
#   scripts/pg-test-cluster.sh start DIR   # initdb in DIR, start, wait until ready, print the URL
#   scripts/pg-test-cluster.sh stop DIR    # stop the server (if running) and remove DIR
#
# The server listens only on a unix socket in DIR (no TCP), with durability off (tests only).
# The connection URL is printed and written to DIR/url:
#   postgresql:///postgres?host=DIR&user=postgres
# `start` first removes whatever a killed earlier run left in DIR. initdb refuses to run as root,
# so as root the cluster runs as the `postgres` system user (from Debian's postgresql package).
# PG_BIN may name the directory with initdb/pg_ctl; default: the newest /usr/lib/postgresql/*/bin.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[[ $# -eq 2 ]] || usage
action=$1
dir=$2
[[ -n "$dir" && "$dir" != "/" ]] || usage

find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    echo "$PG_BIN"
    return
  fi
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -z "$candidate" || ! -x "$candidate/initdb" ]]; then
    candidate=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  fi
  if [[ ! -x "$candidate/initdb" ]]; then
    echo "pg-test-cluster: no PostgreSQL server binaries found (install the postgresql package)" >&2
    exit 1
  fi
  echo "$candidate"
}

# Runs a server binary as an unprivileged user: initdb and postgres refuse to run as root.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop_cluster() {
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    # Immediate: test data is disposable; -w waits until the server is really gone.
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf -- "$dir"
}

bin=$(find_bin)

case "$action" in
  start)
    stop_cluster
    mkdir -p -- "$dir"
    dir=$(cd -- "$dir" && pwd)
    # A unix socket path is limited to 107 bytes.
    if [[ ${#dir} -gt 90 ]]; then
      echo "pg-test-cluster: $dir is too long for a unix socket path" >&2
      exit 1
    fi
    if [[ $(id -u) -eq 0 ]]; then
      if ! id postgres >/dev/null 2>&1; then
        echo "pg-test-cluster: running as root needs the 'postgres' user" >&2
        exit 1
      fi
      chown postgres: "$dir"
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # -w: pg_ctl itself waits (bounded by -t) until the server accepts connections.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off \
          -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$dir/postgres.log" >&2; exit 1; }
    ready=0
    for _ in $(seq 1 60); do
      if "$bin/pg_isready" -q -h "$dir" -U postgres -t 1; then
        ready=1
        break
      fi
    done
    if [[ $ready -ne 1 ]]; then
      echo "pg-test-cluster: server in $dir did not become ready" >&2
      cat "$dir/postgres.log" >&2
      exit 1
    fi
    url="postgresql:///postgres?host=$dir&user=postgres"
    echo "$url" >"$dir/url"
    echo "$url"
    ;;
  stop)
    stop_cluster
    ;;
  *)
    usage
    ;;
esac
