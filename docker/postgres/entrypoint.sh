#!/bin/bash
# PostgreSQL 18 for mcp-chaos: initdb on first start (data kept across docker restart), then the
# server on 0.0.0.0:5432. SIGTERM and SIGINT both mean a fast shutdown (SIGINT to postgres).
set -euo pipefail
: "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_USER:=postgres}" "${POSTGRES_PASSWORD:=mcp-chaos}" "${POSTGRES_DB:=reference}"
log() { printf '[entrypoint] %s\n' "$*" >&2; }

if [[ ! -s $PGDATA/PG_VERSION ]]; then
  log "initialising $PGDATA (user $POSTGRES_USER, database $POSTGRES_DB)"
  mkdir -p "$PGDATA" && chmod 700 "$PGDATA"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >&2
  rm -f "$pwfile"
  {
    echo "host all all 0.0.0.0/0 scram-sha-256"
    echo "host all all ::/0 scram-sha-256"
  } >>"$PGDATA/pg_hba.conf"
  if [[ $POSTGRES_DB != postgres ]]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\";" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
  log "initialised"
fi

postgres -D "$PGDATA" -c listen_addresses='*' -c port=5432 "$@" &
pid=$!
trap 'log "fast shutdown"; kill -INT "$pid" 2>/dev/null || true' TERM INT
status=0
while kill -0 "$pid" 2>/dev/null; do
  status=0
  wait "$pid" || status=$?
done
exit "$status"
