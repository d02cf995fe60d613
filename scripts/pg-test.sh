#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL cluster on a loopback port for the tests, then print
# the line that points them at it:   eval "$(scripts/pg-test.sh)"   (stop: scripts/pg-test.sh stop)
# .ci/run uses it the same way. Data lives in $PGTEST_DIR and is not kept: fsync is off.
set -euo pipefail
PORT="${PGTEST_PORT:-55432}"
DIR="${PGTEST_DIR:-/tmp/interviewer-pgtest}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$BIN" ]; then
  echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2
  exit 1
fi
as_owner() {  # the server refuses to run as root, so root runs it as the postgres user
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "${1:-start}" = stop ]; then
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >&2 || true
  exit 0
fi
if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  rm -rf "$DIR" && mkdir -p "$DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR"; fi
  as_owner "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --no-sync >"$DIR/initdb.log"
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400" >&2
fi
echo "export INTERVIEWER_TEST_PG=postgresql://postgres@127.0.0.1:$PORT/postgres"
