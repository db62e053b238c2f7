"""Nothing phones home: every entry point switches off the telemetry of every tool before it
imports one (a fresh process, its environment cleared of every switch)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zonewh.telemetry import SWITCHES

REPO = Path(__file__).resolve().parents[2]

ENTRY_POINTS = {
    "the CLI": "import zonewh.cli",
    "the portal": "import zonewh.portal.app",
    "the DAG tasks' helpers": "import zonewh.orchestration",
    "the monthly DAG file": (
        "import runpy; runpy.run_path('dags/zone_monthly_publication.py', run_name='dag')"
    ),
    "the intake DAG file": (
        "import runpy; runpy.run_path('dags/zone_submission_intake.py', run_name='dag')"
    ),
}

PROBE = """
import json, os, sys
{entry}
seen = {{name: os.environ.get(name) for name in {names!r}}}
cosmos = sys.modules.get("cosmos.settings")
print(json.dumps({{"env": seen, "cosmos": getattr(cosmos, "enable_telemetry", None)}}))
"""


@pytest.mark.parametrize("entry", list(ENTRY_POINTS), ids=list(ENTRY_POINTS))
def test_every_entry_point_switches_telemetry_off(entry, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    env.update(
        {
            "ZONEWH_HOME": str(tmp_path / "home"),
            "AIRFLOW_HOME": str(tmp_path / "airflow"),
            "PYTHONPATH": str(REPO),
        }
    )
    code = PROBE.format(entry=ENTRY_POINTS[entry], names=sorted(SWITCHES))
    ran = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    seen = json.loads(ran.stdout.strip().splitlines()[-1])
    assert seen["env"] == SWITCHES, seen
    assert seen["cosmos"] in (None, False), seen  # cosmos, when imported, read the switch
