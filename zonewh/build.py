"""The build step: dbt runs on the working warehouse (build months, parse the manifest), and
the snapshot of what was built that the gate judges and the publisher copies.

dbt runs in-process (`dbtRunner`), with `dbt_project/` as project and profiles folder, the
warehouse path in `ZONEWH_WAREHOUSE`, and the target folder (manifest, run_results.json,
logs, partial-parse state) in `<home>/warehouse/target`, so the checkout stays clean.

Months are partitions: `build(["2019-06"])` sets the month range (`month_start`,
`month_end`) and rebuilds exactly those months of the incremental marts (a contiguous range
from the first to the last month given); the gate's data tests check the same months.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ingest.months import month_text, parse_month

from .config import DBT_PROJECT_DIR, Paths
from .config import paths as default_paths

GATE_CODE = re.compile(r"^([bw]\d+)_", re.IGNORECASE)

FAILED = ("error", "fail")


@dataclass(frozen=True)
class NodeResult:
    """What dbt reported for one node (seed, model, data test or unit test)."""

    unique_id: str
    name: str
    resource_type: str
    """seed | model | test | unit_test"""
    status: str
    """success | error | skipped (seeds/models); pass | fail | warn | error | skipped (tests)"""
    failures: int | None
    """Failing rows of a test."""
    severity: str | None
    """error | warn for tests (configured severity), None otherwise."""
    message: str | None
    execution_time: float
    compiled_code: str | None = None
    """A test's compiled SQL: selecting from it gives the failing rows."""
    relation: str | None = None
    """Where a test stored its failing rows (schema gate_failures), or the model's relation."""

    @property
    def gate_code(self) -> str | None:
        """B1..B9 / W1..W5 from the test's name (b3_project_ytd_chain → B3)."""
        match = GATE_CODE.match(self.name)
        return match.group(1).upper() if match else None

    @property
    def is_blocking_failure(self) -> bool:
        """A failed node that blocks: any error, or a failing test of severity error."""
        return self.status in FAILED

    @property
    def is_warning(self) -> bool:
        return self.status == "warn"


@dataclass
class BuildResult:
    """The outcome of one `build`: every node's result, in execution order."""

    months: list[str]
    vars: dict[str, Any]
    success: bool
    nodes: list[NodeResult] = field(default_factory=list)
    elapsed_s: float = 0.0
    error: str | None = None
    """dbt's own error (compilation, profile, database lock), when it did not run nodes."""
    target_dir: Path | None = None
    snapshot: Path | None = None
    """The byte copy of the warehouse taken right after this build (what the gate judges)."""

    @property
    def failures(self) -> list[NodeResult]:
        """Nodes that failed blocking (errors, and failing tests of severity error)."""
        return [n for n in self.nodes if n.is_blocking_failure]

    @property
    def warnings(self) -> list[NodeResult]:
        """Tests that failed with severity warn."""
        return [n for n in self.nodes if n.is_warning]

    @property
    def tests(self) -> list[NodeResult]:
        """Data tests and unit tests."""
        return [n for n in self.nodes if n.resource_type in ("test", "unit_test")]

    def node(self, name: str) -> NodeResult:
        """The node named `name` (a model, seed or test name)."""
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form (an Airflow task passes it to the gate task)."""
        data = asdict(self)
        data["target_dir"] = str(self.target_dir) if self.target_dir else None
        for node in data["nodes"]:
            node["compiled_code"] = None  # the failing rows come from gate_failures
        data["snapshot"] = str(self.snapshot) if self.snapshot else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BuildResult:
        """The inverse of `to_dict`."""
        kept = {k: v for k, v in data.items() if k in {f.name for f in fields(cls)}}
        kept["nodes"] = [NodeResult(**n) for n in data.get("nodes") or []]
        for key in ("target_dir", "snapshot"):
            kept[key] = Path(data[key]) if data.get(key) else None
        return cls(**kept)

    def summary(self) -> str:
        """One line: counts by status and the time taken."""
        counts: dict[str, int] = {}
        for n in self.nodes:
            counts[n.status] = counts.get(n.status, 0) + 1
        parts = ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
        span = f"{self.months[0]}..{self.months[-1]}" if self.months else "all months"
        return f"dbt build {span}: {parts or 'nothing run'} in {self.elapsed_s:.1f}s"


def month_vars(months: list[str]) -> dict[str, str]:
    """dbt vars for a list of 'YYYY-MM' months: the range from the first to the last."""
    ordered = sorted(month_text(parse_month(m)) for m in months)
    if not ordered:
        return {}
    return {"month_start": f"{ordered[0]}-01", "month_end": f"{ordered[-1]}-01"}


def target_dir(p: Paths) -> Path:
    """Where dbt writes manifest, run_results.json and logs for this home."""
    return p.warehouse_dir / "target"


@contextmanager
def _warehouse_env(p: Paths, dbt_vars: dict[str, str] | None = None) -> Iterator[None]:
    """Set ZONEWH_WAREHOUSE (read by profiles.yml) and the month range (ZONEWH_MONTH_START /
    ZONEWH_MONTH_END, read by the month macros) for the duration of a dbt call. The months
    travel as environment, not `--vars`: a changed `--vars` forces a full re-parse."""
    values = {"ZONEWH_WAREHOUSE": str(p.warehouse), "ZONEWH_RAW_STORE": str(p.raw_store)}
    values["ZONEWH_MONTH_START"] = (dbt_vars or {}).get("month_start", "")
    values["ZONEWH_MONTH_END"] = (dbt_vars or {}).get("month_end", "")
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _common_args(p: Paths, target: Path | None = None) -> list[str]:
    out = target or target_dir(p)
    return [
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(out),
        "--log-path",
        str(out / "logs"),
    ]


def _ensure_raw_schema(p: Paths) -> None:
    """An empty raw store when nothing was ingested yet, so the sources exist."""
    from ingest.store import open_store

    if not p.raw_store.exists():
        open_store(p).close()


def seeds_fingerprint() -> str:
    """A hash of the reference data dbt seeds (CSVs, their yml, the project config)."""
    h = hashlib.sha256()
    seeds = DBT_PROJECT_DIR / "seeds"
    for f in sorted(
        [*seeds.glob("*.csv"), *seeds.glob("*.yml"), DBT_PROJECT_DIR / "dbt_project.yml"]
    ):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _fingerprint_file(p: Paths) -> Path:
    return target_dir(p) / "seeds.sha256"


def load_seeds(
    p: Paths, dbt_vars: dict[str, str], quiet: bool = True
) -> tuple[bool, list[NodeResult], str | None]:
    """Seed the reference data and run the seeds' own tests (only theirs: cautious indirect
    selection leaves out tests that also read models); remember the seeds' fingerprint."""
    common = ["--quiet"] if quiet else []
    ok, seeded, error = run_dbt(
        ["build", *common, "--select", "path:seeds", "--indirect-selection", "cautious"],
        p,
        dbt_vars,
    )
    if ok:
        _fingerprint_file(p).write_text(seeds_fingerprint())
    return ok, seeded, error


def seeds_loaded(p: Paths) -> bool:
    """True when the warehouse holds the reference tables of the current seed files."""
    import duckdb

    f = _fingerprint_file(p)
    if not p.warehouse.exists() or not f.exists() or f.read_text().strip() != seeds_fingerprint():
        return False
    expected = len(list((DBT_PROJECT_DIR / "seeds").glob("*.csv")))
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        (found,) = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'reference'"
        ).fetchone()
    return found >= expected


def _node_result(result: Any) -> NodeResult:
    node = result.node
    resource_type = str(getattr(node, "resource_type", "")).rsplit(".", 1)[-1].lower()
    config = getattr(node, "config", None)
    severity = None
    if resource_type == "test":
        severity = str(getattr(config, "severity", "error") or "error").lower()
    relation = getattr(node, "relation_name", None)
    status = str(getattr(result.status, "value", result.status)).lower()
    return NodeResult(
        unique_id=node.unique_id,
        name=node.name,
        resource_type=resource_type,
        status=status,
        failures=result.failures,
        severity=severity,
        message=result.message,
        execution_time=float(result.execution_time or 0.0),
        compiled_code=getattr(node, "compiled_code", None),
        relation=str(relation) if relation else None,
    )


def release_dbt() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a run, so the
    gate, publish or another process can open the warehouse (DuckDB: one writer per file)."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb is a dependency
        return
    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
    if env is not None:
        env.close()
    # dbt's adapters and manifest hold multiprocessing locks (POSIX semaphores); drop them
    # now, so a process that ends without running finalizers (an Airflow task) leaves none
    # behind for the resource tracker to report as leaked
    from dbt.adapters.factory import reset_adapters

    reset_adapters()
    gc.collect()


def run_dbt(
    args: list[str], paths: Paths | None = None, dbt_vars: dict[str, str] | None = None
) -> tuple[bool, list[NodeResult], str | None]:
    """Invoke dbt in-process with this home's warehouse, target folder and month range.
    Returns (success, node results, dbt's own error message or None)."""
    from dbt.cli.main import dbtRunner

    from ingest.store import reading

    p = paths or default_paths()
    # quiet: nothing on the console (failing tests are the gate's to report), all in the log file
    args = [a for x in args for a in (("--log-level", "none") if x == "--quiet" else (x,))]
    # dbt attaches the raw store read-only: hold its lock shared, so intake waits
    with _warehouse_env(p, dbt_vars), reading(p):
        try:
            res = dbtRunner().invoke([*args, *_common_args(p)])
        finally:
            release_dbt()
    nodes: list[NodeResult] = []
    results = getattr(res.result, "results", None) or []
    for r in results:
        if getattr(r, "node", None) is not None:
            nodes.append(_node_result(r))
    error = None if res.exception is None else f"{type(res.exception).__name__}: {res.exception}"
    return bool(res.success), nodes, error


def build(
    months: list[str],
    paths: Paths | None = None,
    select: str | None = None,
    full_refresh: bool = False,
    quiet: bool = True,
    unit_tests: bool = False,
) -> BuildResult:
    """`dbt build` of the months: seeds when changed, models, and the gate's data tests.

    `months`: 'YYYY-MM' strings; the range first..last is rebuilt (empty = every month).
    `select`: a dbt selector (`--select`, default every model and test); intermediate models
    are views that bake the month vars in, so select their upstream too
    (`+economic_indicators+`).
    `full_refresh`: rebuild the marts from scratch (publication_log is never dropped).
    `unit_tests`: also run the dbt unit tests; without a `select`, the structure tests (tag
    `structure`) run only with them: both test the SQL, not the month's data, so a monthly
    build leaves them to the test suite.
    Seeds (and their tests) run only when the reference files changed since the last
    successful seeding of this warehouse (`seeds_loaded`).
    """
    p = paths or default_paths()
    dbt_vars = month_vars(months)
    _ensure_raw_schema(p)
    common = ["--quiet"] if quiet else []
    started = time.perf_counter()
    nodes: list[NodeResult] = []
    ok, error = True, None
    if not seeds_loaded(p):
        # reference data changed (or a new warehouse): seed it and run its own tests
        ok, seeded, error = load_seeds(p, dbt_vars, quiet=quiet)
        nodes += seeded
    if ok:
        # models, their tests and the gate's singular tests; not the seeds (excluding seeds
        # would also drop every test that reads a reference table)
        args = ["build", *common, "--select", select or "path:models path:tests"]
        if not unit_tests:
            args += ["--exclude", "resource_type:unit_test"]
            if select is None:
                args.append("tag:structure")
        if full_refresh:
            args.append("--full-refresh")
        ok, built, error = run_dbt(args, p, dbt_vars)
        nodes += built
    return BuildResult(
        months=sorted(months),
        vars=dbt_vars,
        success=ok,
        nodes=nodes,
        elapsed_s=time.perf_counter() - started,
        error=error,
        target_dir=target_dir(p),
    )


def test(months: list[str], paths: Paths | None = None, quiet: bool = True) -> BuildResult:
    """`dbt test` of the months' data tests, for models another runner built (the cosmos
    task group of the monthly DAG)."""
    p = paths or default_paths()
    dbt_vars = month_vars(months)
    started = time.perf_counter()
    args = ["test", *(["--quiet"] if quiet else []), "--select", "path:models path:tests"]
    args += ["--exclude", "resource_type:unit_test", "tag:structure"]
    ok, nodes, error = run_dbt(args, p, dbt_vars)
    return BuildResult(
        months=sorted(months),
        vars=dbt_vars,
        success=ok,
        nodes=nodes,
        elapsed_s=time.perf_counter() - started,
        error=error,
        target_dir=target_dir(p),
    )


def snapshot(p: Paths, name: str) -> Path:
    """Checkpoint the working warehouse and copy it byte for byte to
    `<home>/runs/<name>/warehouse.duckdb`: the state the gate judges and the publisher
    copies from. Call it holding the writer lock, right after the build."""
    import duckdb

    with duckdb.connect(str(p.warehouse)) as con:
        con.execute("checkpoint")
    folder = runs_dir(p) / name
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "warehouse.duckdb"
    shutil.copyfile(p.warehouse, target)
    return target


def runs_dir(p: Paths) -> Path:
    """Where a run keeps its snapshot until it ends."""
    return p.home / "runs"


def generate_docs(paths: Paths | None = None) -> Path:
    """`dbt docs generate` on the working warehouse; returns the index.html path."""
    p = paths or default_paths()
    ok, _, error = run_dbt(["docs", "generate", "--quiet"], p)
    index = target_dir(p) / "index.html"
    if not ok or not index.exists():
        raise RuntimeError(f"dbt docs generate failed: {error}")
    return index


def parse_manifest(paths: Paths | None = None, target: Path | None = None) -> Path:
    """`dbt parse`: writes `manifest.json` into `target` (default `<home>/warehouse/target`);
    returns its path. Airflow's cosmos renders the dbt task group from it."""
    from dbt.cli.main import dbtRunner

    p = paths or default_paths()
    out = target or target_dir(p)
    with _warehouse_env(p):
        res = dbtRunner().invoke(["parse", "--log-level", "none", *_common_args(p, out)])
    manifest = out / "manifest.json"
    if not res.success or not manifest.exists():
        raise RuntimeError(f"dbt parse failed, no manifest at {manifest}: {res.exception}")
    return manifest
