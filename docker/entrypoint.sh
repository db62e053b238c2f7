#!/usr/bin/env bash
# Container entrypoint for every service of docker-compose.yml built from the zonewh image.
#   1. refuse empty or default secrets (check-secrets.sh),
#   2. point Airflow at the Postgres metadata database (and Celery at it for results),
#   3. give the simple auth manager the admin password from .env,
#   4. `init` runs the one-time setup and every upgrade (db migrate, pool, dbt manifest);
#      `celery-worker` starts a Celery worker under a name of its own; anything else is exec'd.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/check-secrets.sh"

: "${AIRFLOW_HOME:?AIRFLOW_HOME must be set}"
: "${POSTGRES_HOST:=postgres}"
: "${POSTGRES_PORT:=5432}"
: "${POSTGRES_USER:=airflow}"
: "${POSTGRES_DB:=airflow}"

export POSTGRES_HOST POSTGRES_PORT POSTGRES_USER POSTGRES_DB
# (other processes of the container, `docker-compose exec` included, get the same URLs through
# the *_CMD settings of docker-compose.yml, which run db_url.py too)
if [ -z "${AIRFLOW__DATABASE__SQL_ALCHEMY_CONN:-}" ]; then
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="$(python3 "$here/db_url.py" postgresql+psycopg2)"
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
fi
if [ "${AIRFLOW__CORE__EXECUTOR:-}" = "CeleryExecutor" ] && [ -z "${AIRFLOW__CELERY__RESULT_BACKEND:-}" ]; then
    AIRFLOW__CELERY__RESULT_BACKEND="$(python3 "$here/db_url.py" db+postgresql)"
    export AIRFLOW__CELERY__RESULT_BACKEND
fi

# SimpleAuthManager reads user passwords from this JSON file (user "admin", role admin).
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS:-admin:admin}"
passwords="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:-$AIRFLOW_HOME/simple_auth_manager_passwords.json}"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$passwords"
mkdir -p "$(dirname "$passwords")"
( umask 077 && python3 -c 'import json, sys; print(json.dumps({"admin": sys.argv[1]}))' \
    "$AIRFLOW_ADMIN_PASSWORD" > "$passwords" )

case "${1:-}" in
    init)
        # also the upgrade path: a new image's init migrates the metadata database first
        airflow db migrate
        python3 -m zonewh.orchestration setup
        exit 0
        ;;
    celery-worker)
        if [ "${AIRFLOW__CORE__EXECUTOR:-}" != "CeleryExecutor" ]; then
            echo "refusing to start a Celery worker: set AIRFLOW_EXECUTOR=CeleryExecutor in .env" >&2
            exit 1
        fi
        # replicas (--scale) may share a host name (network_mode: host): each takes its own
        name="worker-$(python3 -c 'import uuid; print(uuid.uuid4().hex[:8])')@$(hostname)"
        echo "$name" > /tmp/celery-worker-name
        shift
        exec airflow celery worker --celery-hostname "$name" --skip-serve-logs "$@"
        ;;
esac

exec "$@"
