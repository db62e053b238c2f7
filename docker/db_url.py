"""The metadata database's URL from the container's environment, for Airflow's `*_CMD`
settings and the entrypoint: `python3 db_url.py SCHEME` prints
`SCHEME://POSTGRES_USER:<quoted POSTGRES_PASSWORD>@POSTGRES_HOST:POSTGRES_PORT/POSTGRES_DB`.

Every process of a container gets the URL this way, `docker-compose exec ... airflow` and the
health checks included, and the password stays in the one variable `.env` sets."""

from __future__ import annotations

import os
import sys
import urllib.parse


def database_url(scheme: str) -> str:
    """The URL for `scheme` (e.g. `postgresql+psycopg2`, `db+postgresql`)."""
    env = os.environ
    password = urllib.parse.quote(env["POSTGRES_PASSWORD"], safe="")
    user = env.get("POSTGRES_USER") or "airflow"
    host = env.get("POSTGRES_HOST") or "postgres"
    port = env.get("POSTGRES_PORT") or "5432"
    db = env.get("POSTGRES_DB") or "airflow"
    return f"{scheme}://{user}:{password}@{host}:{port}/{db}"


if __name__ == "__main__":
    # no newline: Airflow takes a *_CMD's output as it is
    sys.stdout.write(database_url(sys.argv[1] if len(sys.argv) > 1 else "postgresql+psycopg2"))
