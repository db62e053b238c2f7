"""Publication: exactly what was checked, atomic, byte-identical when blocked, every attempt
logged, every vintage kept, readable by old DuckDB, never blocked by a reader."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from gate_marts import execute, gate_build, make_warehouse

from zonewh import __version__, contract, gate
from zonewh.build import snapshot
from zonewh.publish import (
    PublicationBusy,
    PublicationFailed,
    clean_stale,
    publication_lock,
    publish,
)
from zonewh.publish import log as publication_log

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


def verdict(home, month: str, failing=None, revised=()):
    """The gate's verdict on a snapshot of the working warehouse, as a run makes it."""
    build = gate_build(home.warehouse, month, failing)
    attempt = gate.new_attempt_id()
    build.snapshot = snapshot(home, attempt)
    return gate.check(month, home, build=build, revised_months=list(revised), attempt_id=attempt)


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


def test_publishing_months_keeps_earlier_months_vintages_and_parquet(warehouse):
    first = publish("2019-05", verdict(warehouse, "2019-05"), warehouse)
    assert first.published and first.path == warehouse.published
    second = publish("2019-06", verdict(warehouse, "2019-06"), warehouse)
    assert second.published
    counts = _query(
        warehouse.published,
        "select strftime(month, '%Y-%m'), count(*) from marts.project_investment group by 1 order by 1",
    )
    assert counts == [("2019-05", 2), ("2019-06", 2)]
    assert sorted(p.name for p in warehouse.vintages.iterdir()) == [
        "2019-05.duckdb",
        "2019-05.parquet",
        "2019-06.duckdb",
        "2019-06.parquet",
    ]
    assert _query(
        warehouse.vintages / "2019-05.duckdb",
        "select count(distinct month) from marts.campaign_scores",
    ) == [(1,)]
    log = _query(
        warehouse.published,
        "select publication_id, strftime(month, '%Y-%m'), published, software_version "
        "from marts.publication_log order by attempted_at",
    )
    assert log == [
        (first.publication_id, "2019-05", True, __version__),
        (second.publication_id, "2019-06", True, __version__),
    ]
    # Parquet beside it, the same rows
    parquet = warehouse.published_dir / "parquet"
    assert parquet.is_symlink()
    rows = duckdb.sql(f"select count(*) from '{parquet}/project_investment.parquet'").fetchall()[0]
    assert rows == (4,)
    assert {p.name for p in parquet.iterdir()} >= {f"{m}.parquet" for m in PER_MONTH}
    # read-only on disk, nothing half-made left behind, snapshot discarded by the run later
    for f in [warehouse.published, *warehouse.vintages.glob("*.duckdb")]:
        assert stat.S_IMODE(f.stat().st_mode) & 0o222 == 0, f
    assert not list(warehouse.published_dir.glob(".zone.duckdb.candidate-*"))


def test_the_published_file_is_written_for_duckdb_1_0_and_describes_itself(warehouse):
    publish("2019-06", verdict(warehouse, "2019-06"), warehouse)
    [(tags,)] = _query(
        warehouse.published, "select tags from duckdb_databases() where database_name = 'zone'"
    )
    assert tags["storage_version"].startswith("v1.0.0")
    described = {
        (r[0], r[1]): r[2]
        for r in _query(
            warehouse.published,
            "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'",
        )
    }
    for mart in contract.tables().values():
        for column in mart.columns:
            assert described[(mart.name, column.name)], f"{mart.name}.{column.name} has no comment"
    tables = dict(
        _query(
            warehouse.published,
            "select table_name, comment from duckdb_tables() where schema_name = 'marts'",
        )
    )
    assert all(tables[m] for m in contract.tables())


def test_a_blocked_month_leaves_published_byte_identical_and_is_logged(warehouse):
    assert publish("2019-05", verdict(warehouse, "2019-05"), warehouse).published
    before = _hashes(warehouse.published_dir)
    rows = [
        {
            "month": "2019-06-01",
            "unit_code": "drc",
            "form_code": "econ_indicators",
            "status": "missing",
        }
    ]
    blocked = publish("2019-06", verdict(warehouse, "2019-06", {"B1": rows}), warehouse)
    assert not blocked.published and blocked.outcome == "blocked"
    assert _hashes(warehouse.published_dir) == before
    [row] = [
        r for r in publication_log.read(warehouse) if r["publication_id"] == blocked.publication_id
    ]
    assert (
        row["published"] is False
        and row["failing_checks"] == "B1"
        and row["blocking_failures"] == 1
    )
    # the fix arrives: the next publication carries the blocked attempt into the published log
    fixed = publish("2019-06", verdict(warehouse, "2019-06"), warehouse)
    assert fixed.published
    log = _query(
        warehouse.published,
        "select publication_id, published, failing_checks from marts.publication_log order by attempted_at",
    )
    assert [r[0] for r in log][1:] == [blocked.publication_id, fixed.publication_id]
    assert [(r[1], r[2]) for r in log] == [(True, ""), (False, "B1"), (True, "")]


def test_republishing_a_month_keeps_the_earlier_vintage_beside_it(warehouse):
    first = publish("2019-06", verdict(warehouse, "2019-06"), warehouse)
    once = _marts(warehouse.published)
    again = publish("2019-06", verdict(warehouse, "2019-06"), warehouse)
    assert _marts(warehouse.published) == once
    names = {p.name for p in warehouse.vintages.glob("*.duckdb")}
    assert names == {"2019-06.duckdb", f"2019-06.{first.publication_id}.duckdb"}
    assert again.vintage == warehouse.vintages / "2019-06.duckdb"


def test_what_is_published_is_the_snapshot_the_gate_judged(warehouse):
    """A writer changing the working warehouse after the gate cannot change what is published."""
    judged = verdict(warehouse, "2019-06")
    execute(
        warehouse.warehouse,
        "update marts.economic_indicators set value_ytd = -1 where month = '2019-06-01'",
    )
    assert publish("2019-06", judged, warehouse).published
    values = _query(warehouse.published, "select min(value_ytd) from marts.economic_indicators")
    assert values[0][0] > 0


def test_revised_months_are_republished_from_the_snapshot(warehouse):
    assert publish("2019-05", verdict(warehouse, "2019-05"), warehouse).published
    execute(
        warehouse.warehouse,
        "update marts.economic_indicators set value_month = 135000 where month = '2019-05-01' and indicator_code = 'gdp'",
    )
    june = publish("2019-06", verdict(warehouse, "2019-06", revised=["2019-05"]), warehouse)
    assert june.published and june.revised_months == ["2019-05"]
    sql = "select value_month from marts.economic_indicators where month = '2019-05-01' and indicator_code = 'gdp'"
    assert _query(warehouse.published, sql) == [(135000.0,)]
    assert _query(warehouse.vintages / "2019-05.duckdb", sql) == [(120000.0,)]
    assert publication_log.published_months(warehouse).keys() == {"2019-05", "2019-06"}


def test_a_contract_column_missing_from_the_snapshot_blocks_or_fails_never_publishes(warehouse):
    execute(warehouse.warehouse, "alter table marts.project_issues drop column days_open")
    judged = verdict(warehouse, "2019-06")
    assert not judged.passed  # the suites cannot judge a mart without its columns
    assert "days_open" in judged.check_outcome("B10").message_en
    assert not publish("2019-06", judged, warehouse).published
    assert not warehouse.published.exists()


def test_the_audit_refuses_a_candidate_that_differs_from_what_was_checked(warehouse, tmp_path):
    from zonewh.publish.candidate import AuditFailed, audit, write_candidate

    judged = verdict(warehouse, "2019-06")
    candidate = tmp_path / "candidate.duckdb"
    write_candidate(
        candidate,
        judged.snapshot,
        None,
        ["2019-06"],
        [{"publication_id": judged.attempt_id, "month": "2019-06-01", "published": True}],
    )
    assert audit(candidate, judged.snapshot, None, ["2019-06"], judged.attempt_id)
    execute(candidate, "update marts.campaign_scores set total_score = 99 where unit_code = 'ngz'")
    with pytest.raises(AuditFailed, match="campaign_scores: 2 row"):
        audit(candidate, judged.snapshot, None, ["2019-06"], judged.attempt_id)
    execute(candidate, "alter table marts.project_issues drop column days_open")
    with pytest.raises(AuditFailed, match="lacks days_open"):
        audit(candidate, judged.snapshot, None, ["2019-06"], judged.attempt_id)


def test_an_operational_failure_is_reported_as_such_and_logged(warehouse):
    judged = verdict(warehouse, "2019-06")
    judged.snapshot.unlink()
    with pytest.raises(PublicationFailed, match="passed its checks but was not published"):
        publish("2019-06", judged, warehouse)
    assert not warehouse.published.exists()
    assert publication_log.read(warehouse)[-1]["outcome"] == "failed"


def test_stale_leftovers_of_a_killed_publication_are_cleaned_and_logged(warehouse):
    good = publish("2019-05", verdict(warehouse, "2019-05"), warehouse)
    before = _hashes(warehouse.published_dir)
    # a publication killed after its candidate was written: leftovers, no log row
    (warehouse.published_dir / ".zone.duckdb.candidate-20190101T000000Z-dead01").write_bytes(b"x")
    (publication_log.log_dir(warehouse) / "20190101T000000Z-dead01.duckdb").write_bytes(b"x")
    done = clean_stale(warehouse)
    assert any("dead01" in d for d in done)
    assert not list(warehouse.published_dir.glob(".zone.duckdb.candidate-*"))
    outcomes = {r["publication_id"]: r["outcome"] for r in publication_log.read(warehouse)}
    assert outcomes["20190101T000000Z-dead01"] == "interrupted"
    assert outcomes[good.publication_id] == "published"
    assert _hashes(warehouse.published_dir) == before


def test_a_publication_killed_after_the_rename_is_logged_on_the_next_start(warehouse):
    first = publish("2019-05", verdict(warehouse, "2019-05"), warehouse)
    # forget the log line, as if killed between the rename and the log append
    path = publication_log.log_path(warehouse)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(l for l in lines if first.publication_id not in l) + "\n")
    clean_stale(warehouse)
    [row] = [
        r for r in publication_log.read(warehouse) if r["publication_id"] == first.publication_id
    ]
    assert row["published"] is True


def test_a_second_publication_at_once_is_refused(warehouse):
    judged = verdict(warehouse, "2019-06")
    with publication_lock(warehouse), pytest.raises(PublicationBusy, match="another publication"):
        publish("2019-06", judged, warehouse)
    assert not warehouse.published.exists()


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import duckdb
    con = duckdb.connect(sys.argv[1])  # an ordinary read-write connection, as DBeaver opens it
    con.execute("select count(*) from marts.submission_status").fetchall()
    Path(sys.argv[2]).touch()
    while not Path(sys.argv[3]).exists():
        time.sleep(0.05)
    con.close()
    """
)


def test_a_reader_holding_a_read_write_connection_cannot_block_a_publication(warehouse, tmp_path):
    assert publish("2019-05", verdict(warehouse, "2019-05"), warehouse).published
    os.chmod(warehouse.published, 0o644)  # let the reader open it read-write (root can anyway)
    ready, stop = tmp_path / "ready", tmp_path / "stop"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse.published), str(ready), str(stop)]
    )
    try:
        for _ in range(200):
            if ready.exists():
                break
            time.sleep(0.05)
        assert ready.exists()
        june = publish("2019-06", verdict(warehouse, "2019-06"), warehouse)
        assert june.published
    finally:
        stop.touch()
        holder.wait(timeout=30)
    months = _query(
        warehouse.published,
        "select distinct strftime(month, '%Y-%m') from marts.submission_status order by 1",
    )
    assert months == [("2019-05",), ("2019-06",)]


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
        for month in [*MONTHS, "2019-05"]:
            assert publish(month, verdict(warehouse, month), warehouse).published
        time.sleep(0.3)
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    seen = json.loads(out)
    assert seen["errors"] == []
    assert seen["incomplete"] == []
    assert seen["reads"] > 5
    assert seen["seen"] == MONTHS


def test_an_older_publication_is_carried_into_a_grown_contract(warehouse):
    """Upgrading: the previous publication lacks a column the contract has since gained and
    keeps money as DOUBLE; the next publication carries its months with the column NULL and
    the money in the contract's type, and the audit accepts it."""
    first = publish("2019-05", verdict(warehouse, "2019-05"), warehouse)
    private = publication_log.log_dir(warehouse) / f"{first.publication_id}.duckdb"
    os.chmod(private, 0o644)
    execute(private, "alter table marts.project_issues drop column description")
    execute(private, "alter table marts.campaign_rewards alter amount_wan type double")
    assert publish("2019-06", verdict(warehouse, "2019-06"), warehouse).published
    rows = _query(
        warehouse.published,
        "select strftime(month, '%Y-%m'), description from marts.project_issues order by 1",
    )
    assert rows[0] == ("2019-05", None)
    [(kind,)] = _query(
        warehouse.published,
        "select data_type from information_schema.columns where table_name = 'campaign_rewards' "
        "and column_name = 'amount_wan'",
    )
    assert kind.startswith("DECIMAL")
