# zonewh — the README's two commands are `make demo` and `make test`.
# A fresh machine needs only Python 3.11, pip, gcc, make and git: `setup` installs the rest.

UV_VERSION := 0.13.8
PY         := python3
VENV       := .venv
BIN        := $(VENV)/bin
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: setup system-deps clients demo test test-slow test-faults test-all lint bench \
	airflow-setup compose-smoke backup restore clean

setup: $(VENV)/.synced system-deps clients

$(VENV)/.synced: pyproject.toml uv.lock
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(PY) -m uv sync --frozen --compile-bytecode
	touch $@

# Older DuckDB clients, each in a side environment of its own (the published file must open in
# DuckDB 1.0 and every later release; the DuckDB CLI 1.5 line is in the venv itself).
CLIENTS := .clients
clients: $(CLIENTS)/.ready

$(CLIENTS)/.ready: tests/clients/duckdb-1.0.txt tests/clients/duckdb-1.1.txt $(VENV)/.synced
	for v in 1.0 1.1; do \
		$(PY) -m uv venv -q --clear --python $(PY) $(CLIENTS)/duckdb-$$v && \
		$(PY) -m uv pip install -q --require-hashes --python $(CLIENTS)/duckdb-$$v/bin/python \
			-r tests/clients/duckdb-$$v.txt || exit 1; \
	done
	touch $@

# Headless Chromium (bulletin PDF and browser tests) and a CJK font (charts, PDF).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig >/dev/null; \
		else \
			echo "note: install chromium and fonts-noto-cjk (Debian) for the bulletin's PDF and browser tests"; \
		fi; \
	fi

demo: setup
	$(BIN)/zonewh demo

test: setup
	$(BIN)/pytest -q -n 2

test-slow: setup
	$(BIN)/pytest -q -m slow

# Fault injection: killed runs, runs at once, hostile files, the intake sandbox.
test-faults: setup
	$(BIN)/pytest -q -m faults

test-all: test test-slow test-faults

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project

bench: setup
	$(BIN)/python bench/ingest_bench.py
	$(BIN)/python bench/run_bench.py
	$(BIN)/python bench/dag_bench.py
	$(BIN)/python bench/portal_bench.py

# Airflow metadata DB (AIRFLOW_HOME, default ~/airflow), the warehouse_writer pool and the dbt
# manifest the cosmos task group renders from. See the README's operator section.
airflow-setup: setup
	$(BIN)/airflow db migrate
	$(BIN)/python -m zonewh.orchestration setup

# The docker compose stack, started for real (tests/compose/test_stack.py): images (on bases
# built from Debian's packages when no image registry answers), the stack up, one month
# published through Airflow's REST API, the portal, Superset, a backup restored, down.
# COMPOSE_SMOKE_EXECUTORS=local,celery (default both). Needs a running Docker engine.
compose-smoke: setup
	$(BIN)/pytest -q -s -m compose tests/compose

# A dated archive of the running stack's metadata database and state under backups/
# (ZONEWH_BACKUP_DIR); `make restore BACKUP=backups/zonewh-....tar` puts one back.
backup:
	docker/backup.sh backup

restore:
	docker/backup.sh restore "$(BACKUP)"

clean:
	rm -rf .zonewh dbt_project/target dbt_project/logs $(CLIENTS)
