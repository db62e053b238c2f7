"""Nothing phones home: the usage telemetry of every tool zonewh runs is switched off.

Each tool reads its switch from the environment, some when first imported (cosmos reads
its settings at import), so `disable()` runs when `zonewh` is imported, before any of them;
the Makefile, the compose file and the README's Airflow recipe set the same variables for
processes that import a tool before zonewh (Airflow's plugin manager imports cosmos).
"""

from __future__ import annotations

import os

SWITCHES: dict[str, str] = {
    "DO_NOT_TRACK": "1",
    "SCARF_NO_ANALYTICS": "true",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DBT_VERSION_CHECK": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
}
"""Every tool's off switch (dbt, Great Expectations, astronomer-cosmos, Airflow, and the
DO_NOT_TRACK / SCARF conventions)."""


def disable() -> None:
    """Set every switch in this process's environment (inherited by its children)."""
    os.environ.update(SWITCHES)
