"""The published file as the tools people have open it: DuckDB 1.0 and 1.1 (Python, in side
environments made by `make setup`), the DuckDB CLI 1.5 line, and SQLAlchemy through
duckdb-engine (what Superset and most Python BI tools use)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from gate_marts import gate_build, make_warehouse

from zonewh import contract, gate
from zonewh.build import snapshot
from zonewh.publish import publish

REPO = Path(__file__).resolve().parents[3]
OLD_CLIENTS = {v: REPO / ".clients" / f"duckdb-{v}" / "bin" / "python" for v in ("1.0", "1.1")}
CLI = Path(sys.executable).parent / "duckdb"

READ_ALL = """
import json, sys, duckdb
out = {"version": duckdb.__version__, "files": {}}
for path in sys.argv[1:]:
    con = duckdb.connect(path, read_only=True)
    tables = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'"
    ).fetchall()]
    counts = {}
    for t in tables:
        rows = con.execute(f"select * from marts.{t}").fetchall()  # every column decoded
        counts[t] = len(rows)
    commented = con.execute(
        "select count(*) filter (where comment is not null), count(*) from duckdb_columns() "
        "where schema_name = 'marts'"
    ).fetchall()[0]
    money = con.execute("select sum(amount_wan) from marts.campaign_rewards").fetchall()[0][0]
    out["files"][path] = {"counts": counts, "commented": list(commented), "money": str(money)}
    con.close()
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    from zonewh.config import Paths

    root = tmp_path_factory.mktemp("readers") / "home"
    p = Paths(home=root, landing=root / "landing").ensure()
    make_warehouse(p.warehouse, ["2019-05", "2019-06"])
    for month in ("2019-05", "2019-06"):
        build = gate_build(p.warehouse, month)
        attempt = gate.new_attempt_id()
        build.snapshot = snapshot(p, attempt)
        verdict = gate.check(month, p, build=build, attempt_id=attempt)
        assert publish(month, verdict, p).published
    return p


@pytest.mark.parametrize("version", sorted(OLD_CLIENTS))
def test_older_duckdb_opens_the_publication_and_every_vintage(published, version):
    python = OLD_CLIENTS[version]
    assert python.exists(), "run `make setup` (it makes the side environments of old clients)"
    files = [published.published, *sorted(published.vintages.glob("*.duckdb"))]
    out = subprocess.run(
        [str(python), "-c", READ_ALL, *map(str, files)], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout)
    assert result["version"].startswith(version)
    marts = set(contract.tables())
    for path, seen in result["files"].items():
        assert set(seen["counts"]) == marts, path
        commented, columns = seen["commented"]
        assert commented == columns > 0, path
    assert result["files"][str(published.published)]["counts"]["submission_status"] == 6


def test_the_duckdb_cli_opens_it_read_only(published):
    out = subprocess.run(
        [
            str(CLI),
            "-readonly",
            "-csv",
            str(published.published),
            "-c",
            "select strftime(month, '%Y-%m') as m, count(*) from marts.project_investment group by 1 order by 1",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["m,count_star()", "2019-05,2", "2019-06,2"]
    version = subprocess.run([str(CLI), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("v1.5")


def test_sqlalchemy_sees_the_marts_columns_and_comments(published):
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(f"duckdb:///{published.published}", connect_args={"read_only": True})
    try:
        inspector = inspect(engine)
        assert set(inspector.get_table_names(schema="marts")) == set(contract.tables())
        columns = {
            c["name"]: c for c in inspector.get_columns("project_investment", schema="marts")
        }
        assert set(columns) >= set(contract.tables()["project_investment"].column_names)
        comment = inspector.get_table_comment("project_investment", schema="marts")["text"]
        assert comment
        with engine.connect() as con:
            rows = con.execute(
                text("select count(*) from marts.submission_status where month = date '2019-06-01'")
            ).scalar()
        assert rows == 3
    finally:
        engine.dispose()
