"""Airflow figures for the monthly DAG, on the demo month, each step in a fresh process:

- parse time of each DAG file (Airflow's own import measured apart), with and without the
  cosmos task group,
- wall time of `zonewh run --month M` (the CLI) on a fresh home,
- wall time of a `zone_monthly_publication` run (`dag.test()`, SQLite metadata DB) on a fresh
  home, with dbt as one `dbt build` task (`dbt_mode=single`) and as the cosmos task group
  (`dbt_mode=cosmos`).

Goal: the DAG run within 60 s and within 2x the CLI. Usage:
    .venv/bin/python bench/dag_bench.py [--month 2014-01] [--skip-cosmos]
Writes bench/out/dag_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUT = REPO / "bench" / "out"


def _env(base: Path, mode: str | None = None) -> dict[str, str]:
    """Environment of one measured process: its own ZONEWH_HOME and AIRFLOW_HOME."""
    env = os.environ.copy()
    env.update(
        {
            "ZONEWH_HOME": str(base / "home"),
            "ZONEWH_DBT_MANIFEST": str(base / "home" / "dbt" / "manifest.json"),
            "AIRFLOW_HOME": str(base / "airflow"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{base / 'airflow' / 'airflow.db'}",
            "GX_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "ZONEWH_DBT_COSMOS": "true" if mode == "cosmos" else "false",
        }
    )
    env.pop("ZONEWH_LANDING", None)
    if mode:
        env["ZONEWH_BENCH_MODE"] = mode
    return env


def _run(args: list[str], env: dict[str, str], log: Path) -> float:
    """Run a command, output to `log`; return its wall time in seconds."""
    started = time.perf_counter()
    with log.open("w") as fh:
        subprocess.run(args, env=env, stdout=fh, stderr=subprocess.STDOUT, check=True)
    return time.perf_counter() - started


def _child_json(args: list[str], env: dict[str, str], log: Path) -> dict:
    """Run this script's child step; its last output line is a JSON result."""
    _run([sys.executable, __file__, *args], env, log)
    return json.loads(log.read_text().strip().splitlines()[-1])


def _fresh(month: str, root: Path, name: str) -> Path:
    """A fresh home whose landing folder holds the demo submissions of `month` only (both
    `zonewh run` and the DAG ingest every month with new files)."""
    base = root / name
    env = _env(base)
    code = (
        "import shutil; from zonewh.config import paths; from zonewh.demo import write_demo; "
        "p = paths().ensure(); write_demo(p.landing); "
        f"[shutil.rmtree(d) for d in p.landing.iterdir() if d.name != {month!r}]"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return base


# ------------------------------------------------------------------ child steps


def child_parse() -> None:
    """Parse times: Airflow import, then each DAG file through a DagBag."""
    started = time.perf_counter()
    import airflow.sdk  # noqa: F401
    from airflow.dag_processing.dagbag import DagBag

    imported = time.perf_counter() - started
    totals: list[float] = []
    first: dict[str, float] = {}
    files: dict[str, float] = {}
    for _ in range(3):  # the first parse imports cosmos too; then best of the repeats
        started = time.perf_counter()
        bag = DagBag(dag_folder=str(REPO / "dags"))
        totals.append(time.perf_counter() - started)
        for stat in bag.dagbag_stats:
            name = Path(stat.file).name
            first.setdefault(name, stat.duration.total_seconds())
            files[name] = min(files.get(name, 1e9), stat.duration.total_seconds())
    total = totals[0]
    tasks = {d: len(bag.dags[d].tasks) for d in bag.dags}
    errors = {str(k): v for k, v in bag.import_errors.items()}
    print(
        json.dumps(
            {
                "airflow_import_s": imported,
                "dagbag_s": total,
                "files_first_s": first,
                "files_s": files,
                "tasks": tasks,
                "errors": errors,
            }
        )
    )


def child_dag_test(month: str) -> None:
    """One `dag.test()` of the monthly DAG for `month` in the mode ZONEWH_BENCH_MODE."""
    from airflow.dag_processing.dagbag import DagBag

    from zonewh import orchestration as orch
    from zonewh.orchestration.setup import ensure_pool

    ensure_pool()
    bag = DagBag(dag_folder=str(REPO / "dags"))
    dag = bag.dags["zone_monthly_publication"]
    mode = os.environ["ZONEWH_BENCH_MODE"]
    started = time.perf_counter()
    run = dag.test(
        logical_date=orch.due_end(month),
        run_conf={"month": month, "dbt_mode": mode},
    )
    elapsed = time.perf_counter() - started
    durations = {
        ti.task_id: (ti.end_date - ti.start_date).total_seconds()
        for ti in run.get_task_instances()
        if ti.start_date and ti.end_date
    }
    dbt_s = sum(
        s for t, s in durations.items() if t.startswith(("dbt_build", "dbt_cosmos", "dbt_test"))
    )
    print(
        json.dumps(
            {
                "mode": mode,
                "state": str(run.state),
                "dag_test_s": elapsed,
                "dbt_s": dbt_s,
                "tasks": len(durations),
                "task_s": durations,
            }
        )
    )


# ------------------------------------------------------------------ parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2014-01")
    parser.add_argument("--skip-cosmos", action="store_true")
    parser.add_argument("_child", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._child == "_parse":
        child_parse()
        return 0
    if args._child == "_dagtest":
        child_dag_test(args.month)
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    figures: dict = {"month": args.month}
    with tempfile.TemporaryDirectory(prefix="dag-bench-") as tmp:
        root = Path(tmp)
        logs = OUT / "dag_bench_logs"
        logs.mkdir(exist_ok=True)

        # parse times without, then with the manifest and the cosmos switch (group rendered)
        base = root / "parse"
        (base / "home").mkdir(parents=True)
        figures["parse_single"] = _child_json(["_parse"], _env(base), logs / "parse1.log")
        _run(
            [str(BIN / "python"), "-m", "zonewh.orchestration", "manifest"],
            _env(base),
            logs / "manifest.log",
        )
        cosmos = _env(base) | {"ZONEWH_DBT_COSMOS": "true"}
        figures["parse_cosmos"] = _child_json(["_parse"], cosmos, logs / "parse2.log")

        # the CLI on a fresh home
        cli = _fresh(args.month, root, "cli")
        figures["cli_run_s"] = _run(
            [str(BIN / "zonewh"), "run", "--month", args.month], _env(cli), logs / "cli.log"
        )

        modes = ["single"] if args.skip_cosmos else ["single", "cosmos"]
        for mode in modes:
            base = _fresh(args.month, root, f"dag-{mode}")
            env = _env(base, mode)
            _run([str(BIN / "airflow"), "db", "migrate"], env, logs / f"migrate-{mode}.log")
            if mode == "cosmos":
                _run(
                    [str(BIN / "python"), "-m", "zonewh.orchestration", "manifest"],
                    env,
                    logs / "manifest-cosmos.log",
                )
            started = time.perf_counter()
            result = _child_json(
                ["--month", args.month, "_dagtest"], env, logs / f"dagtest-{mode}.log"
            )
            result["process_s"] = time.perf_counter() - started
            figures[f"dag_{mode}"] = result

    (OUT / "dag_bench.json").write_text(json.dumps(figures, indent=2))
    _print(figures)
    return 0


def _print(f: dict) -> None:
    print(f"month {f['month']}")
    for key in ("parse_single", "parse_cosmos"):
        p = f[key]
        files = ", ".join(
            f"{k} {p['files_first_s'][k]:.3f} s first, {v:.3f} s again"
            for k, v in p["files_s"].items()
        )
        print(
            f"{key:13} airflow import {p['airflow_import_s']:.2f} s; DagBag {p['dagbag_s']:.3f} s "
            f"({files}); tasks {p['tasks']}; errors {p['errors'] or 'none'}"
        )
    cli = f["cli_run_s"]
    print(f"zonewh run    {cli:7.1f} s")
    for mode in ("single", "cosmos"):
        r = f.get(f"dag_{mode}")
        if r:
            print(
                f"dag {mode:9} {r['dag_test_s']:7.1f} s run ({r['process_s']:.1f} s with process "
                f"start), dbt {r['dbt_s']:.1f} s over {r['tasks']} tasks, state {r['state']}, "
                f"{r['dag_test_s'] / cli:.2f}x the CLI"
            )


if __name__ == "__main__":
    raise SystemExit(main())
