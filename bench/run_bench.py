"""Monthly-run benchmark: `run_month` stage by stage, and its cost against history length.

Two homes are prepared, each with every month but the measured one already ingested, built
and published; then the measured month's files are dropped into landing and
`zonewh.pipeline.run_month` is timed stage by stage (ingest, dbt, gate, publish, bulletin):

- one year:  the demo's 2019 submissions (2019-01..05 as history), measured month 2019-06;
- six years: the same 2019 submissions copied to 2020..2024 (each file moved to the same
  month of the later year, its mtime shifted by the same number of years so on-time judgement
  is unchanged), history 2019-01..2024-05, measured month 2024-06.

The copies repeat 2019's figures each year (growth rates then disagree with last year's
values in places, so some later months may be blocked by the gate); that does not matter
here: the benchmark measures how a month's run scales with the history the warehouse holds,
not the figures. History is prepared in bulk (one ingest pass, one dbt build over the range,
one publication carrying every history month), which is not timed.

Goals: the demo month ≤ 30 s end to end; the six-year month ≤ 1.3 × the one-year month.

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
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

MEASURED_YEAR = 2019
HISTORY_MONTHS = ["2019-01", "2019-02", "2019-03", "2019-04", "2019-05"]
MEASURED = "2019-06"


def _shift_year(month: str, years: int) -> str:
    return f"{int(month[:4]) + years:04d}{month[4:]}"


def _copy_month(source: Path, landing: Path, month: str, years: int) -> str:
    """Copy one demo month folder to the same month `years` later, mtimes shifted too."""
    target_month = _shift_year(month, years)
    target = landing / target_month
    shutil.copytree(source / month, target, dirs_exist_ok=True)
    for path in target.rglob("*"):
        if path.is_file():
            st = (source / month / path.relative_to(target)).stat()
            when = datetime.fromtimestamp(st.st_mtime)
            try:
                shifted = when.replace(year=when.year + years)
            except ValueError:  # 29 February
                shifted = when.replace(year=when.year + years, day=28)
            os.utime(path, (shifted.timestamp(), shifted.timestamp()))
    return target_month


def prepare(home: Path, demo: Path, years: int) -> tuple[str, Path]:
    """A home whose history is ingested, built and published; returns the measured month
    and the folder holding its files (not yet in landing)."""
    from ingest.pipeline import ingest_all
    from zonewh.config import paths
    from zonewh.gate import GateResult, new_attempt_id
    from zonewh.publish import publish
    from zonewh.warehouse import build

    os.environ["ZONEWH_HOME"] = str(home)
    p = paths().ensure()
    history: list[str] = []
    for offset in range(years):
        for month in [*HISTORY_MONTHS, MEASURED]:
            history.append(_copy_month(demo, p.landing, month, offset))
    measured = history.pop()
    staged = home / "staged"
    shutil.move(str(p.landing / measured), staged)
    started = time.perf_counter()
    ingest_all(p)
    built = build(history, paths=p)
    # history is published without gating it (the copies are not meant to pass every check)
    passed = GateResult(history[-1], new_attempt_id(), "", True, [], [])
    done = publish(history[-1], p, gate_result=passed, revised=history[:-1])
    print(
        f"  prepared {len(history)} history months in {time.perf_counter() - started:.0f} s "
        f"(dbt {'ok' if built.success else 'FAILED'}; history published: {done.published})"
    )
    return measured, staged


def measure(home: Path, measured: str, staged: Path) -> dict[str, float]:
    """Drop the month's files into landing and time `run_month` stage by stage."""
    from zonewh.config import paths
    from zonewh.pipeline import run_month

    os.environ["ZONEWH_HOME"] = str(home)
    p = paths()
    shutil.move(str(staged), p.landing / measured)
    started = time.perf_counter()
    result = run_month(measured, p)
    timings = dict(result.timings)
    timings["total"] = time.perf_counter() - started
    timings["published"] = float(result.published)
    timings["failures"] = float(len(result.gate.failures)) if result.gate else -1.0
    return timings


def _print(label: str, timings: dict[str, float]) -> None:
    stages = ("ingest", "dbt", "gate", "publish", "bulletin", "total")
    figures = "  ".join(f"{s} {timings.get(s, 0.0):6.1f}s" for s in stages)
    print(f"{label:<10} {figures}  published={bool(timings['published'])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the temporary homes")
    args = parser.parse_args()

    from zonewh import gate
    from zonewh.demo import write_demo

    gate.get_context()  # import Great Expectations once, outside the timings
    base = Path(tempfile.mkdtemp(prefix="zonewh-run-bench-"))
    try:
        demo = base / "demo-landing"
        write_demo(demo)
        results: dict[str, dict[str, float]] = {}
        for label, years in (("one year", 1), (f"{args.years} years", args.years)):
            print(f"{label}: preparing history")
            home = base / label.replace(" ", "-")
            measured, staged = prepare(home, demo, years)
            results[label] = measure(home, measured, staged) | {"month": measured}
        print()
        for label, timings in results.items():
            _print(label, timings)
        one, many = results["one year"]["total"], results[f"{args.years} years"]["total"]
        ratio = many / one
        print(f"\ndemo month end to end: {one:.1f} s (goal ≤ 30 s)")
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
