#!/usr/bin/env bash
# Container entrypoint for every Airflow service of docker-compose.yml.
#   1. refuse empty or default secrets (check-secrets.sh),
#   2. point Airflow at the Postgres metadata database,
#   3. give the simple auth manager the admin password from .env,
#   4. `init` runs the one-time setup (db migrate, pool, dbt manifest); anything else is exec'd.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/check-secrets.sh"

: "${AIRFLOW_HOME:?AIRFLOW_HOME must be set}"
: "${POSTGRES_HOST:=postgres}"
: "${POSTGRES_USER:=airflow}"
: "${POSTGRES_DB:=airflow}"

if [ -z "${AIRFLOW__DATABASE__SQL_ALCHEMY_CONN:-}" ]; then
    quoted="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' \
        "$POSTGRES_PASSWORD")"
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="postgresql+psycopg2://${POSTGRES_USER}:${quoted}@${POSTGRES_HOST}:5432/${POSTGRES_DB}"
fi

# SimpleAuthManager reads user passwords from this JSON file (user "admin", role admin).
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS:-admin:admin}"
passwords="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:-$AIRFLOW_HOME/simple_auth_manager_passwords.json}"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$passwords"
mkdir -p "$(dirname "$passwords")"
( umask 077 && python3 -c 'import json, sys; print(json.dumps({"admin": sys.argv[1]}))' \
    "$AIRFLOW_ADMIN_PASSWORD" > "$passwords" )

if [ "${1:-}" = "init" ]; then
    airflow db migrate
    python3 -m zonewh.orchestration setup
    exit 0
fi

exec "$@"
