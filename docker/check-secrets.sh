#!/usr/bin/env bash
# Refuse to start with missing, empty or default secrets.
# The secrets come only from the git-ignored .env file (see .env.example).
#   check-secrets.sh             the stack's secrets (Airflow, Postgres, the portal)
#   check-secrets.sh superset    Superset's own (the bi profile)
# Exit 0 when every secret is set and strong enough; 1 otherwise, naming each problem.
set -u

problems=0

refuse() {
    echo "refusing to start: $1" >&2
    problems=$((problems + 1))
}

is_default() {
    local lowered
    lowered="$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')"
    case "$lowered" in
        airflow | admin | password | postgres | secret | superset | changeme | change-me* | example* | xxx*)
            return 0 ;;
    esac
    return 1
}

check_password() {  # name, minimum length
    local name="$1" min="$2" value="${!1-}"
    if [ -z "$value" ]; then
        refuse "$name is empty or unset (set it in .env)"
    elif is_default "$value"; then
        refuse "$name has a default or placeholder value"
    elif [ "${#value}" -lt "$min" ]; then
        refuse "$name is shorter than $min characters"
    fi
}

if [ "${1:-stack}" = "superset" ]; then
    check_password SUPERSET_ADMIN_PASSWORD 12
    check_password SUPERSET_SECRET_KEY 32
else
    check_password AIRFLOW_ADMIN_PASSWORD 12
    check_password POSTGRES_PASSWORD 12
    check_password AIRFLOW__API_AUTH__JWT_SECRET 32
    check_password ZONEWH_SECRET_KEY 32

    fernet="${AIRFLOW__CORE__FERNET_KEY-}"
    if [ -z "$fernet" ]; then
        refuse "AIRFLOW__CORE__FERNET_KEY is empty or unset (set it in .env)"
    elif is_default "$fernet"; then
        refuse "AIRFLOW__CORE__FERNET_KEY has a default or placeholder value"
    elif ! [[ "$fernet" =~ ^[A-Za-z0-9_-]{43}=$ ]]; then
        refuse "AIRFLOW__CORE__FERNET_KEY is not a Fernet key (32 url-safe base64 bytes, 44 characters)"
    fi

    if [ "${POSTGRES_PASSWORD-}" = "${AIRFLOW_ADMIN_PASSWORD-}" ] && [ -n "${POSTGRES_PASSWORD-}" ]; then
        refuse "POSTGRES_PASSWORD and AIRFLOW_ADMIN_PASSWORD must differ"
    fi
fi

if [ "$problems" -gt 0 ]; then
    echo "$problems secret problem(s): copy .env.example to .env and fill it in" >&2
    exit 1
fi
exit 0
