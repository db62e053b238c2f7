"""Superset settings for the zonewh `bi` profile (read by SUPERSET_CONFIG_PATH)."""

import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
# Superset's own metadata (users, dashboards) in its volume, apart from Airflow's database
SQLALCHEMY_DATABASE_URI = "sqlite:////var/lib/superset/superset.db"
# nothing phones home
SCARF_ANALYTICS = False
# the published file is read-only: no uploads, no DML, no CTAS
CSV_EXTENSIONS: set[str] = set()
EXCEL_EXTENSIONS: set[str] = set()
COLUMNAR_EXTENSIONS: set[str] = set()
ALLOWED_EXTENSIONS: set[str] = set()
WTF_CSRF_ENABLED = True
TALISMAN_ENABLED = False
BABEL_DEFAULT_LOCALE = "zh"
