"""The calibrated demo: synthetic monthly submissions for 2014-01…2014-12 and 2019-01…2019-06.

`write_demo(landing)` writes, for every demo month, every file the submission calendar
expects, into `<landing>/<YYYY-MM>/<unit_code>/<form_code>[_suffix].xlsx|.csv`, exactly as a
submitter would: xlsx files carry a title row, a 填报单位/填报日期 row, the registry's headers,
the data and a 填表人/审核人 footer; some files are CSV. Each file's modification time is set to
a realistic submission time in China Standard Time (before the 5th of the next month, except
the one late file). The output is deterministic: the same bytes and times on every run.

Publishing the months reproduces the seed facts of `docs/DOMAIN.md`; `calibration` lists
them beside the numbers tuned to reproduce them. Real months are imperfect, and so is the
demo: `imperfections` lists each deliberately imperfect file (`DEMO_IMPERFECTIONS`).

The package, by what it holds:

- `calibration`: the seed facts and the tuned numbers, in one place.
- `projects`, `issues`, `indicators`, `signings`, `campaigns`: one generator per kind of
  return (key projects with their plan and progress, the issue ledger, economic indicators
  and annual targets, investment signings, campaign scores).
- `imperfections`: the late, rejected, corrected, mis-encoded and oddly written files.
- `timing`: months and submission times. `draw`: reproducible random streams and exact
  splits. `names`: the words drawn from. `files`: a file before it is written.
- `assemble`: each year's data, then every file of every month. `writers`: xlsx and CSV.
"""

from __future__ import annotations

from pathlib import Path

from ingest.reference import Reference, load_reference

from .assemble import month_files, year_data
from .calibration import CALIBRATION, DEMO_MONTHS, MONTHS_2014, MONTHS_2019
from .files import Cell, DemoFile
from .imperfections import (
    CORRECTED_FILE,
    DEMO_IMPERFECTIONS,
    LATE_AT,
    LATE_FILE,
    REJECTED_FILE,
    STALLED_PROJECT_2019,
    Imperfection,
)
from .writers import write_file

__all__ = [
    "CALIBRATION",
    "CORRECTED_FILE",
    "DEMO_IMPERFECTIONS",
    "DEMO_MONTHS",
    "LATE_AT",
    "LATE_FILE",
    "MONTHS_2014",
    "MONTHS_2019",
    "REJECTED_FILE",
    "STALLED_PROJECT_2019",
    "Cell",
    "DemoFile",
    "Imperfection",
    "demo_files",
    "write_demo",
]


def demo_files(seed: int = 2014, ref: Reference | None = None) -> list[DemoFile]:
    """Every demo file, in month order (nothing written)."""
    ref = ref or load_reference()
    files: list[DemoFile] = []
    for data in year_data(ref, seed):
        for month in data.months:
            files.extend(month_files(ref, data, month, seed))
    return files


def write_demo(landing: Path, *, seed: int = 2014) -> list[str]:
    """Write the calibrated demo submissions under `landing`; return the months written."""
    ref = load_reference()
    landing = Path(landing)
    months: list[str] = []
    for demo in demo_files(seed, ref):
        write_file(landing, demo, ref, seed)
        if demo.month not in months:
            months.append(demo.month)
    return months
