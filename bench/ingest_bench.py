"""Intake benchmark: bare readers against zonewh's ingest of the same files.

Builds, deterministically, a 100k-row .xlsx (xlsxwriter, constant_memory) and
a 1M-row .csv of investment_signings (ist, 2021-03; every row valid, so every
rule runs on every row and the rows are loaded), then measures:

- the bare readers: fastexcel `read_excel(...).load_sheet(0)` to Arrow; DuckDB
  `read_csv` count(*) and into a table;
- `ingest.intake.ingest_month` on each file, in a fresh home (safety checks,
  read, validate, load, receipts, archive);

and prints rows/s and the ratio zonewh/bare (goal >= 0.5).

    .venv/bin/python bench/ingest_bench.py [--xlsx-rows N] [--csv-rows N] [--out DIR] [--profile]
        [--small-files N]

Then the per-file fixed cost: N small workbooks (one a month) in one `ingest_all` run.
Every landing file gets a submission time long past, as the demo's files have, so intake's
quiet period does not hold it back.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "ingest"))

MONTH = "2021-03"
UNIT = "ist"
GOAL = 0.5


@dataclass
class Timing:
    """One measured step."""

    label: str
    rows: int
    seconds: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else float("inf")


def timed(label: str, rows: int, fn: Callable[[], object]) -> Timing:
    """Run `fn` once and time it."""
    t0 = time.perf_counter()
    fn()
    return Timing(label, rows, time.perf_counter() - t0)


def build_files(out: Path, xlsx_rows: int, csv_rows: int) -> tuple[Path, Path]:
    """The two benchmark files (rebuilt only when missing or of another size)."""
    from badfiles import write_signings_csv, write_signings_xlsx

    out.mkdir(parents=True, exist_ok=True)
    xlsx = out / f"investment_signings_{xlsx_rows}.xlsx"
    csv = out / f"investment_signings_{csv_rows}.csv"
    if not xlsx.exists():
        t0 = time.perf_counter()
        write_signings_xlsx(xlsx, xlsx_rows, MONTH)
        print(
            f"built {xlsx.name} ({xlsx.stat().st_size / 1e6:.1f} MB) in "
            f"{time.perf_counter() - t0:.1f} s"
        )
    if not csv.exists():
        t0 = time.perf_counter()
        write_signings_csv(csv, csv_rows, MONTH)
        print(
            f"built {csv.name} ({csv.stat().st_size / 1e6:.1f} MB) in "
            f"{time.perf_counter() - t0:.1f} s"
        )
    return xlsx, csv


def bare_xlsx(path: Path) -> int:
    """fastexcel to Arrow, nothing else."""
    import fastexcel

    batch = fastexcel.read_excel(str(path)).load_sheet(0).to_arrow()
    return batch.num_rows


def bare_csv_count(path: Path) -> int:
    """DuckDB read_csv count(*)."""
    import duckdb

    con = duckdb.connect()
    try:
        return con.execute("select count(*) from read_csv(?)", [str(path)]).fetchone()[0]
    finally:
        con.close()


def bare_csv_table(path: Path, db: Path) -> int:
    """DuckDB read_csv into a table of a database file."""
    import duckdb

    con = duckdb.connect(str(db))
    try:
        con.execute("create or replace table t as select * from read_csv(?)", [str(path)])
        return con.execute("select count(*) from t").fetchone()[0]
    finally:
        con.close()


def submitted(path: Path, month: str) -> Path:
    """Give a landing file a submission time (10:00 CST on the 3rd of the next month), as
    the demo's files carry: long past, so intake's quiet period is over."""
    from ingest.months import add_months, parse_month
    from ingest.settings import CST

    day = add_months(parse_month(month), 1).replace(day=3)
    stamp = datetime(day.year, day.month, day.day, 10, tzinfo=CST).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def zonewh_ingest(src: Path, work: Path, profile: Path | None) -> tuple[float, object]:
    """ingest_month of one file in a fresh home; the seconds and the report."""
    from ingest.intake import ingest_month
    from zonewh.config import paths

    home = work / f"home_{src.suffix.lstrip('.')}"
    shutil.rmtree(home, ignore_errors=True)
    os.environ["ZONEWH_HOME"] = str(home)
    os.environ.pop("ZONEWH_LANDING", None)
    p = paths().ensure()
    target = p.landing / MONTH / UNIT / ("investment_signings" + src.suffix)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, target)
    submitted(target, MONTH)
    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    report = ingest_month(MONTH, p)
    if prof:
        prof.disable()
    seconds = time.perf_counter() - t0
    if prof and profile:
        prof.dump_stats(str(profile))
    return seconds, report


def warm_up(work: Path) -> None:
    """One small ingest first, so imports and reference loading are not timed."""
    from badfiles import write_signings_csv

    small = write_signings_csv(work / "warm" / "investment_signings.csv", 10, MONTH)
    zonewh_ingest(small, work / "warm", None)


def small_files(work: Path, count: int, rows: int = 20) -> tuple[int, int, float]:
    """The per-file fixed cost: `count` small valid investment_signings workbooks (one a month
    from 2018-01, `rows` rows each) ingested by one `ingest_all` run; (accepted, files,
    seconds)."""
    from badfiles import write_signings_xlsx

    from ingest.intake import ingest_all
    from ingest.months import add_months, month_text, parse_month
    from zonewh.config import paths

    home = work / "home_small"
    shutil.rmtree(home, ignore_errors=True)
    os.environ["ZONEWH_HOME"] = str(home)
    os.environ.pop("ZONEWH_LANDING", None)
    p = paths().ensure()
    first = parse_month("2018-01")
    for i in range(count):
        month = month_text(add_months(first, i))
        path = write_signings_xlsx(
            p.landing / month / UNIT / "investment_signings.xlsx", rows, month
        )
        submitted(path, month)
    t0 = time.perf_counter()
    report = ingest_all(p)
    seconds = time.perf_counter() - t0
    return report.accepted, report.processed, seconds


def loaded_rows(work: Path, suffix: str) -> tuple[int, str]:
    """Rows in raw.investment_signings and the submission status, read back."""
    from ingest.settings import IntakePaths
    from ingest.store import open_store

    home = work / f"home_{suffix}"
    con = open_store(IntakePaths(home=home, landing=home / "landing"), read_only=True)
    try:
        rows = con.execute("select count(*) from raw.investment_signings").fetchone()[0]
        status = con.execute("select string_agg(status, ',') from raw.submissions").fetchone()[0]
        return rows, status
    finally:
        con.close()


def print_profile(path: Path, top: int = 25) -> None:
    """The hottest functions by cumulative and own time."""
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        stats = pstats.Stats(str(path), stream=buf).strip_dirs().sort_stats(key)
        stats.print_stats(top)
        print(f"\n--- cProfile of ingest_month, top {top} by {key} ({path.name}) ---")
        text = buf.getvalue()
        print(text[text.find("   ncalls") :])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--profile", action="store_true", help="cProfile each ingest run")
    parser.add_argument(
        "--small-files", type=int, default=48, help="small files for the per-file cost (0: skip)"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

    xlsx, csv = build_files(args.out, args.xlsx_rows, args.csv_rows)
    work = Path(tempfile.mkdtemp(prefix="zonewh-bench-"))
    try:
        warm_up(work)
        results: list[tuple[str, Timing, Timing, int, str]] = []
        bare_x = timed("fastexcel load_sheet(0) → arrow", args.xlsx_rows, lambda: bare_xlsx(xlsx))
        prof_x = args.out / "ingest_xlsx.prof" if args.profile else None
        secs, _ = zonewh_ingest(xlsx, work, prof_x)
        ours_x = Timing("zonewh ingest_month", args.xlsx_rows, secs)
        rows_x, status_x = loaded_rows(work, "xlsx")
        results.append((xlsx.name, bare_x, ours_x, rows_x, status_x))

        bare_c = timed("duckdb read_csv count(*)", args.csv_rows, lambda: bare_csv_count(csv))
        bare_t = timed(
            "duckdb read_csv → table",
            args.csv_rows,
            lambda: bare_csv_table(csv, work / "bare.duckdb"),
        )
        prof_c = args.out / "ingest_csv.prof" if args.profile else None
        secs, _ = zonewh_ingest(csv, work, prof_c)
        ours_c = Timing("zonewh ingest_month", args.csv_rows, secs)
        rows_c, status_c = loaded_rows(work, "csv")
        results.append((csv.name, bare_t, ours_c, rows_c, status_c))

        print()
        print(f"{'file':34} {'step':34} {'rows':>10} {'seconds':>8} {'rows/s':>11}")
        print("-" * 101)
        for t in (bare_x, ours_x):
            print(
                f"{xlsx.name:34} {t.label:34} {t.rows:>10,} {t.seconds:>8.2f} "
                f"{t.rows_per_s:>11,.0f}"
            )
        for t in (bare_c, bare_t, ours_c):
            print(
                f"{csv.name:34} {t.label:34} {t.rows:>10,} {t.seconds:>8.2f} {t.rows_per_s:>11,.0f}"
            )
        print()
        ok = True
        for name, bare, ours, loaded, status in results:
            ratio = ours.rows_per_s / bare.rows_per_s
            ok &= ratio >= GOAL and loaded == ours.rows
            print(
                f"{name:34} ratio zonewh/bare ({bare.label}) = {ratio:.2f} "
                f"(goal ≥ {GOAL}); status {status}, rows loaded {loaded:,}"
            )
        if args.small_files:
            accepted, files, secs = small_files(work, args.small_files)
            print(
                f"{'small investment_signings.xlsx':34} per-file cost over {files} files "
                f"({accepted} accepted; 20 rows each, one ingest_all): "
                f"{secs / max(files, 1):.3f} s/file"
            )
        for prof in (prof_x, prof_c):
            if prof:
                print_profile(prof)
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
