# zonewh Airflow image: Airflow 3, dbt, Great Expectations and the project, installed from
# the project's own lock file (no extra requirements at container start).
FROM python:3.11-slim

ARG UV_VERSION=0.13.8

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    AIRFLOW_HOME=/opt/airflow \
    ZONEWH_HOME=/data/home \
    ZONEWH_LANDING=/data/landing \
    GX_ANALYTICS_ENABLED=false \
    DO_NOT_TRACK=1

# CJK font for the bulletin's charts
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk fontconfig \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv==${UV_VERSION}"

WORKDIR /opt/zonewh

# dependencies first (cached while only the project's code changes)
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --extra deploy --no-install-project

COPY . .
RUN uv sync --frozen --no-dev --extra deploy

RUN useradd --uid 50000 --create-home airflow \
    && mkdir -p "$AIRFLOW_HOME" /data/home /data/landing /data/home/published \
    && chown -R airflow: "$AIRFLOW_HOME" /data /opt/zonewh/dbt_project

USER airflow

ENTRYPOINT ["/opt/zonewh/docker/entrypoint.sh"]
CMD ["airflow", "version"]
