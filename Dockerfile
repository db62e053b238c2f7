# zonewh image (Airflow components, the portal): Airflow 3, dbt, Great Expectations and the
# project, installed from the project's own lock file (no extra requirements at start).
ARG PYTHON_BASE=python:3.11-slim-bookworm
FROM ${PYTHON_BASE}

# PYTHON_BASE is any Debian bookworm image with Python 3.11, venv and pip: the official
# python:3.11-slim-bookworm, or zonewh-base/python:3.11-bookworm built from Debian's
# packages by docker/build-offline-bases.sh where no image registry is reachable.
ARG UV_VERSION=0.13.8

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LANG=C.UTF-8 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_NO_CACHE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON_PREFERENCE=only-system \
    PATH=/opt/venv/bin:$PATH \
    AIRFLOW_HOME=/opt/airflow \
    ZONEWH_HOME=/data/home \
    ZONEWH_LANDING=/data/landing \
    DO_NOT_TRACK=1 \
    SCARF_NO_ANALYTICS=true \
    GX_ANALYTICS_ENABLED=false \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False \
    AIRFLOW__USAGE_DATA_COLLECTION__ENABLED=False \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt

# The bulletin: a CJK font for its charts, Debian's Chromium for its PDF
# (zonewh/bulletin/render.py prints with /usr/bin/chromium when it is there).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        fonts-noto-cjk fontconfig chromium tini \
    && rm -rf /var/lib/apt/lists/*

# extra CA certificates (a TLS-inspecting proxy's), if any: docker/ca-certificates/README.md
COPY docker/ca-certificates/ /usr/local/share/ca-certificates/zonewh/
RUN update-ca-certificates >/dev/null

RUN python3 -m venv /opt/uv \
    && /opt/uv/bin/pip install --no-cache-dir --disable-pip-version-check "uv==${UV_VERSION}"

WORKDIR /opt/zonewh

# dependencies first (cached while only the project's code changes)
COPY pyproject.toml uv.lock README.md ./
RUN /opt/uv/bin/uv sync --frozen --compile-bytecode --no-dev --extra deploy --no-install-project

COPY . .
RUN /opt/uv/bin/uv sync --frozen --compile-bytecode --no-dev --extra deploy

RUN useradd --uid 50000 --create-home airflow \
    && mkdir -p "$AIRFLOW_HOME/logs" /data/home/published /data/landing \
    && chown -R airflow: "$AIRFLOW_HOME" /data /opt/zonewh/dbt_project

USER airflow

ENTRYPOINT ["/usr/bin/tini", "--", "/opt/zonewh/docker/entrypoint.sh"]
CMD ["airflow", "version"]
