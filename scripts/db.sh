#!/usr/bin/env bash
# Prepares Postgres: the platform database (from DATABASE_URL) with one schema per service, and
# the test database (TEST_DATABASE_URL). Services also create their schema and run their
# migrations at start, so this is idempotent set-up, not the source of truth for tables.
set -euo pipefail
source "$(dirname "$0")/env.sh"

export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mlops_test}"
SCHEMAS=(ingestion features training registry serving monitoring)

admin_url() { # the same server, database "postgres"
  node -e 'const u = new URL(process.argv[1]); u.pathname = "/postgres"; console.log(u.toString())' "$1"
}
db_name() { node -e 'console.log(decodeURIComponent(new URL(process.argv[1]).pathname.slice(1)))' "$1"; }

wait_for_postgres() {
  for _ in $(seq 1 30); do
    psql "$(admin_url "$1")" -qtAc 'SELECT 1' >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "[db] Postgres at $(admin_url "$1" | sed -E 's#//[^@]*@#//#') does not answer" >&2
  return 1
}

create_database() {
  local url=$1 name
  name=$(db_name "$url")
  wait_for_postgres "$url"
  if [ "$(psql "$(admin_url "$url")" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" != 1 ]; then
    psql "$(admin_url "$url")" -qc "CREATE DATABASE \"$name\"" >/dev/null
    echo "[db] created database $name"
  fi
}

create_database "$DATABASE_URL"
for schema in "${SCHEMAS[@]}"; do
  psql "$DATABASE_URL" -qc "CREATE SCHEMA IF NOT EXISTS \"$schema\"" >/dev/null 2>&1
done
echo "[db] database $(db_name "$DATABASE_URL") has schemas: ${SCHEMAS[*]}"

create_database "$TEST_DATABASE_URL"
echo "[db] test database $(db_name "$TEST_DATABASE_URL") ready (tests create their own schemas)"
