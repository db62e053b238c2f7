"""Publication: atomic, audited, byte-identical when blocked, vintages and revisions kept."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from gate_marts import execute, make_warehouse
from typer.testing import CliRunner

from ingest.store import open_store
from zonewh import __version__
from zonewh.gate import GateResult, new_attempt_id
from zonewh.publish import publish

MONTHS = ["2019-04", "2019-05", "2019-06"]
PER_MONTH = {
    "economic_indicators": 2,
    "project_investment": 2,
    "project_issues": 1,
    "investment_signings": 1,
    "campaign_scores": 2,
    "campaign_rewards": 2,
    "submission_status": 3,
}


@pytest.fixture
def warehouse(home):
    make_warehouse(home.warehouse, MONTHS)
    return home


def _passed(month: str) -> GateResult:
    """A passing gate verdict, for tests about the file mechanics rather than the checks."""
    return GateResult(month, new_attempt_id(), "", True, [], [])


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _marts(path: Path) -> dict[str, list[tuple]]:
    return {m: _query(path, f"select * from marts.{m} order by all") for m in PER_MONTH}


def test_publishing_months_keeps_earlier_months_and_vintages(warehouse):
    first = publish("2019-05", warehouse)
    assert first.published and first.path == warehouse.published
    second = publish("2019-06", warehouse)
    assert second.published
    counts = _query(
        warehouse.published,
        "select strftime(month, '%Y-%m'), count(*) from marts.project_investment "
        "group by 1 order by 1",
    )
    assert counts == [("2019-05", 2), ("2019-06", 2)]
    assert sorted(p.name for p in warehouse.vintages.iterdir()) == [
        "2019-05.duckdb",
        "2019-06.duckdb",
    ]
    assert _query(
        warehouse.vintages / "2019-05.duckdb",
        "select count(distinct month) from marts.campaign_scores",
    ) == [(1,)]
    assert _query(warehouse.published, "select count(*) from reference.org_units") == [(2,)]
    log = _query(
        warehouse.published,
        "select publication_id, strftime(month, '%Y-%m'), published, software_version "
        "from marts.publication_log order by attempted_at",
    )
    assert log == [
        (first.publication_id, "2019-05", True, __version__),
        (second.publication_id, "2019-06", True, __version__),
    ]
    assert not list(warehouse.published_dir.glob(".*"))  # no candidate left behind


def test_a_blocked_gate_leaves_published_byte_identical(warehouse):
    assert publish("2019-05", warehouse).published
    before = _hashes(warehouse.published_dir)
    execute(
        warehouse.warehouse,
        "update marts.submission_status set status = 'missing' "
        "where unit_code = 'drc' and month = '2019-06-01'",
    )
    blocked = publish("2019-06", warehouse)
    assert not blocked.published and blocked.path is None
    assert [c.code for c in blocked.gate.failures] == ["B1"]
    assert _hashes(warehouse.published_dir) == before
    attempts = _query(
        warehouse.warehouse,
        "select publication_id, published, blocking_failures from marts.publication_log "
        "where month = '2019-06-01'",
    )
    assert attempts == [(blocked.publication_id, False, 1)]
    # the fix arrives: the next publication carries the blocked attempt into the published log
    execute(warehouse.warehouse, "update marts.submission_status set status = 'late'")
    fixed = publish("2019-06", warehouse)
    assert fixed.published
    log = _query(
        warehouse.published,
        "select publication_id, published from marts.publication_log order by attempted_at",
    )
    assert [row[0] for row in log][1:] == [blocked.publication_id, fixed.publication_id]
    assert [row[1] for row in log] == [True, False, True]


def test_the_command_exits_non_zero_naming_the_check(warehouse, monkeypatch):
    from zonewh.cli import app

    execute(
        warehouse.warehouse,
        "update marts.submission_status set status = 'missing' "
        "where unit_code = 'drc' and month = '2019-06-01'",
    )
    monkeypatch.setenv("COLUMNS", "250")
    result = CliRunner().invoke(app, ["publish", "--month", "2019-06"])
    assert result.exit_code == 1, result.output
    assert "B1" in result.output
    assert "drc/econ_indicators (missing)" in result.output
    assert not warehouse.published.exists()
    ok = CliRunner().invoke(app, ["publish", "--month", "2019-05"])
    assert ok.exit_code == 0, ok.output
    assert warehouse.published.exists()


def test_republishing_a_month_gives_identical_marts(warehouse):
    assert publish("2019-05", warehouse).published
    assert publish("2019-06", warehouse).published
    once = _marts(warehouse.published)
    assert publish("2019-06", warehouse, gate_result=_passed("2019-06")).published
    assert _marts(warehouse.published) == once
    assert len(_query(warehouse.published, "select * from marts.publication_log")) == 3


def _submission(home, submission_id: str, ingested_at: str) -> None:
    """One accepted version in the raw store (where intake records it)."""
    with open_store(home) as con:
        con.execute(
            "insert into raw.submissions (submission_id, month, status, ingested_at) "
            f"values (?, '2019-05-01', 'accepted', {ingested_at})",
            [submission_id],
        )


def test_revised_months_are_republished_and_recorded(warehouse):
    _submission(warehouse, "2019-05/drc/econ_indicators/v1", "now() - interval 1 day")
    assert publish("2019-05", warehouse).published
    # a corrected version of May arrives and is built
    _submission(warehouse, "2019-05/drc/econ_indicators/v2", "now()")
    execute(
        warehouse.warehouse,
        "update marts.economic_indicators set value_month = 13.5 "
        "where month = '2019-05-01' and indicator_code = 'gdp'",
    )
    june = publish("2019-06", warehouse)
    assert june.published
    assert june.revised_months == ["2019-05"]
    assert [w.code for w in june.gate.warnings] == ["W5"]
    sql = (
        "select value_month from marts.economic_indicators "
        "where month = '2019-05-01' and indicator_code = 'gdp'"
    )
    assert _query(warehouse.published, sql) == [(13.5,)]
    assert _query(warehouse.vintages / "2019-05.duckdb", sql) == [(12.0,)]
    log = _query(
        warehouse.published,
        "select revised_months from marts.publication_log where publication_id = "
        f"'{june.publication_id}'",
    )
    assert log == [("2019-05",)]
    # once carried, May is no longer a pending revision
    assert publish("2019-06", warehouse).revised_months == []


READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import duckdb

    path, stop, expected = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
    reads, errors, incomplete, seen = 0, [], [], set()
    while not stop.exists():
        if not path.exists():
            time.sleep(0.01)
            continue
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                months = [r[0] for r in con.execute(
                    "select distinct strftime(month, '%Y-%m') from marts.submission_status"
                ).fetchall()]
                for month in months:
                    seen.add(month)
                    for mart, want in expected.items():
                        got = con.execute(
                            f"select count(*) from marts.{mart} where month = ?::date",
                            [month + "-01"],
                        ).fetchone()[0]
                        if got != want:
                            incomplete.append([month, mart, got])
            reads += 1
        except Exception as exc:
            errors.append(repr(exc))
    print(json.dumps({"reads": reads, "errors": errors[:5], "incomplete": incomplete[:5],
                      "seen": sorted(seen)}))
    """
)


def test_a_reader_never_sees_an_error_or_a_half_built_month(warehouse, tmp_path):
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse.published), str(stop), json.dumps(PER_MONTH)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for month in [*MONTHS, "2019-05", "2019-06", "2019-04"]:
            assert publish(month, warehouse, gate_result=_passed(month)).published
        time.sleep(0.3)
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    seen = json.loads(out)
    assert seen["errors"] == []
    assert seen["incomplete"] == []
    assert seen["reads"] > 5
    assert seen["seen"] == MONTHS


def test_a_second_publication_at_once_is_refused(home):
    from zonewh.publish import PublicationBusy, publication_lock, publish

    with publication_lock(home), pytest.raises(PublicationBusy, match="another publication"):
        publish("2019-06", home)
    assert not home.published.exists()
