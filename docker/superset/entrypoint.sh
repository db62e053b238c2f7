#!/usr/bin/env bash
# Superset for the `bi` profile: refuse empty or default secrets, migrate the metadata
# database (also the upgrade path of a new image), make the admin user, import the zonewh
# dashboard (docker/superset/dashboard: the published file's connection, read-only, three
# datasets, three charts), then serve.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/check-secrets.sh" superset

if [ "${1:-serve}" = "serve" ]; then
    superset db upgrade
    # create the admin once (a second time only says it exists); the password follows .env
    superset fab create-admin --username admin --firstname zonewh --lastname admin \
        --email admin@localhost --password "$SUPERSET_ADMIN_PASSWORD" >/dev/null || true
    superset fab reset-password --username admin --password "$SUPERSET_ADMIN_PASSWORD" >/dev/null
    superset init
    bundle="$(mktemp -d)/zonewh_dashboard.zip"
    ( cd "$here" && python3 -c 'import sys, zipfile, pathlib
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for f in sorted(pathlib.Path("dashboard").rglob("*.yaml")):
        z.write(f, "zonewh_dashboard/" + str(f.relative_to("dashboard")))' "$bundle" )
    superset import-dashboards --path "$bundle" --username admin
    rm -rf "$(dirname "$bundle")"
    exec gunicorn --workers "${SUPERSET_WORKERS:-2}" --threads 4 --timeout 120 \
        --bind "${SUPERSET_BIND:-0.0.0.0:8088}" --access-logfile - "superset.app:create_app()"
fi
exec "$@"
