#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for the tests and prints its URL on the last line.
# Installs Debian's postgresql when its binaries are missing. Usage: run it and read the URL; the line before
# it names the server's data directory, which `bash .ci/postgres.sh stop DIR` stops and removes.
set -euo pipefail
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if [ "${1:-}" = stop ]; then
  # Only a directory this script made: a throwaway cluster is 400 MB, and nothing else may be removed.
  case "${2:-}" in /tmp/memabra-pg.*) ;; *) echo "not a throwaway cluster: ${2:-}" >&2; exit 2 ;; esac
  BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$BIN" ] && as_postgres "'$BIN/pg_ctl' -D '$2' -m fast -w stop >/dev/null 2>&1" || true
  rm -rf "$2"
  exit 0
fi
PORT="${MEMABRA_PG_PORT:-$((20000 + RANDOM % 20000))}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi
DATA="$(mktemp -d /tmp/memabra-pg.XXXXXX)"
chown postgres:postgres "$DATA" 2>/dev/null || true
as_postgres "'$BIN/initdb' -D '$DATA' -A trust -U postgres >/dev/null"
as_postgres "'$BIN/pg_ctl' -D '$DATA' -l '$DATA/server.log' -o '-h 127.0.0.1 -p $PORT -k $DATA -c fsync=on' -w start >/dev/null"
as_postgres "'$BIN/createdb' -h 127.0.0.1 -p $PORT -U postgres memabra_test"
echo "data directory: $DATA"
echo "postgres://postgres@127.0.0.1:$PORT/memabra_test"
