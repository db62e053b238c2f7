"""Monthly-run benchmark: `run_month` stage by stage, and its cost against history length.

The measured month is the demo's 2019-06 in both cases, run by `zonewh.steps.run_month`
after its files are dropped into landing, timed stage by stage (ingest, build, gate, publish,
bulletin). Only the history the warehouse already holds differs:

- one year: the demo's 2019-01..05, ingested from the demo files;
- six years: the same plus five synthetic years 2014..2018, made by copying the raw rows of
  2019-01..05 (every row of `raw.*`) to the same months one to five years earlier, with every
  date and timestamp, and the month in ids and paths, shifted by the same interval. Copying
  raw rows rather than landing files keeps the preparation to minutes; the dbt models, the
  gate and the publication see ordinary submissions either way.

History is built with one dbt build over its range and published in one publication carrying
every history month (not gated, not timed), so the published file holds all of it.

Goals: the demo month ≤ 10 s end to end on a quiet 2-core machine; the six-year month
≤ 1.3 × the one-year month.

    .venv/bin/python bench/run_bench.py [--out bench/out] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

HISTORY_MONTHS = ["2019-01", "2019-02", "2019-03", "2019-04", "2019-05"]
MEASURED = "2019-06"


def _ingest_base(base: Path, demo: Path) -> None:
    """A home with the demo's 2019-01..05 ingested; 2019-06 staged outside landing."""
    from ingest.intake import ingest_all
    from zonewh.config import paths

    os.environ["ZONEWH_HOME"] = str(base)
    p = paths().ensure()
    for month in HISTORY_MONTHS:
        shutil.copytree(demo / month, p.landing / month)
    shutil.copytree(demo / MEASURED, base / "staged")
    started = time.perf_counter()
    ingest_all(p)
    print(f"  ingested {len(HISTORY_MONTHS)} months in {time.perf_counter() - started:.0f} s")


def _shifted_years(p: Any, years: int) -> list[str]:
    """Copy the raw rows of 2019-01..05 to the same months 1..years years earlier, every
    date and timestamp (and the month in ids and paths) shifted by the same interval."""
    from ingest.store import open_store

    months: list[str] = []
    with open_store(p) as con:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        ]
        for table in tables:
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            names = [c for c, _ in columns]
            if "submission_id" not in names:
                continue
            for back in range(1, years + 1):
                year = 2019 - back
                parts = []
                for column, kind in columns:
                    quoted = f'"{column}"'
                    if kind.startswith(("DATE", "TIMESTAMP")):
                        parts.append(f"{quoted} - interval {back} year")
                    elif column in ("submission_id", "file_path", "archive_path", "receipt_path"):
                        parts.append(f"regexp_replace({quoted}, '2019-', '{year}-')")
                    else:
                        parts.append(quoted)
                con.execute(
                    f"insert into raw.{table} select {', '.join(parts)} from raw.{table} "
                    "where submission_id like '2019-%'"
                )
        for back in range(years, 0, -1):
            months += [f"{2019 - back}{m[4:]}" for m in HISTORY_MONTHS]
    return months


def prepare(home: Path, base: Path, years: int) -> tuple[str, Path]:
    """A copy of the base home with `years` synthetic years added before 2019, every
    history month built and published; returns the measured month and its staged files."""
    from datetime import datetime

    from zonewh.build import load_seeds, month_vars, run_dbt, snapshot
    from zonewh.config import CST, paths
    from zonewh.gate import GateResult, new_attempt_id
    from zonewh.gate.checks import CHECKS
    from zonewh.gate.outcome import CheckOutcome
    from zonewh.publish import publish

    shutil.copytree(base, home)
    os.environ["ZONEWH_HOME"] = str(home)
    p = paths()
    history = _shifted_years(p, years) + HISTORY_MONTHS
    started = time.perf_counter()
    # models only: the synthetic years fail some data tests (units and campaigns that did not
    # exist yet), and `dbt build` would skip the marts downstream of a failing test
    load_seeds(p, month_vars(HISTORY_MONTHS[:1]))  # reference data, once
    ok, nodes, error = run_dbt(
        ["run", "--quiet", "--select", "path:models"], p, month_vars(history)
    )
    failing = [n.name for n in nodes if n.status == "error"]
    # history is published without judging it: only its size matters here
    attempt = new_attempt_id()
    passed = GateResult(
        month=history[-1],
        attempt_id=attempt,
        checked_at=datetime.now(CST).isoformat(timespec="seconds"),
        checks=[CheckOutcome(c.code, "passed") for c in CHECKS],
        revised_months=history[:-1],
        snapshot=snapshot(p, attempt),
    )
    done = publish(history[-1], passed, p)
    print(
        f"  built and published {len(history)} history months in "
        f"{time.perf_counter() - started:.0f} s "
        f"(dbt run: {'ok' if ok else f'{failing} {error}'}; published: {done.published})"
    )
    return MEASURED, home / "staged"


def measure(home: Path, measured: str, staged: Path) -> dict[str, float]:
    """Drop the month's files into landing and time `run_month` stage by stage."""
    from zonewh.config import paths
    from zonewh.steps import run_month

    os.environ["ZONEWH_HOME"] = str(home)
    p = paths()
    shutil.move(str(staged), p.landing / measured)
    started = time.perf_counter()
    result = run_month(measured, p)
    timings = dict(result.timings)
    timings["total"] = time.perf_counter() - started
    timings["published"] = float(result.published)
    timings["failures"] = float(len(result.gate.failures)) if result.gate else -1.0
    if not result.published:
        print(
            f"  not published: {result.outcome} {result.error.message_en if result.error else ''}"
        )
    return timings


def _print(label: str, timings: dict[str, float]) -> None:
    stages = ("ingest", "build", "gate", "publish", "bulletin", "total")
    figures = "  ".join(f"{s} {timings.get(s, 0.0):6.1f}s" for s in stages)
    print(f"{label:<10} {figures}  published={bool(timings['published'])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the temporary homes")
    args = parser.parse_args()

    from zonewh.demo import write_demo
    from zonewh.gate import suites

    suites.get_context()  # import Great Expectations once, outside the timings
    base = Path(tempfile.mkdtemp(prefix="zonewh-run-bench-"))
    try:
        demo = base / "demo-landing"
        write_demo(demo)
        print("base: ingesting the demo's 2019-01..05")
        _ingest_base(base / "base", demo)
        results: dict[str, dict[str, float]] = {}
        for label, years in (("one year", 0), (f"{args.years} years", args.years - 1)):
            print(f"{label}: preparing history")
            home = base / label.replace(" ", "-")
            measured, staged = prepare(home, base / "base", years)
            results[label] = measure(home, measured, staged) | {"month": measured}
        print()
        for label, timings in results.items():
            _print(label, timings)
        one, many = results["one year"]["total"], results[f"{args.years} years"]["total"]
        ratio = many / one
        print(f"\ndemo month end to end: {one:.1f} s (goal ≤ 10 s)")
        print(f"{args.years}-year month / one-year month: {ratio:.2f} (goal ≤ 1.3)")
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "run_bench.json").write_text(
            json.dumps({"results": results, "ratio": ratio}, indent=2), encoding="utf-8"
        )
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
