"""The SQL normalisation macros and their Python twins agree, and both get the cases right."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from ingest.normalize import install_macros, is_blank, parse_date, parse_integer, parse_number

NUMBERS = [
    ("123", None, 123.0),
    ("１２３", None, 123.0),
    ("１２３．５", None, 123.5),
    ("1,234,567.5", None, 1234567.5),
    ("1，234", None, 1234.0),
    (" 42 ", None, 42.0),
    ("8.7%", None, 8.7),
    ("-3.5", None, -3.5),
    ("1e3", None, 1000.0),
    ("-", None, None),
    ("—", None, None),
    ("——", None, None),
    ("", None, None),
    (None, None, None),
    ("abc", None, None),
    ("12元", None, None),
    ("3.5亿元", 10_000.0, 3.5),
    ("3.5亿元", 1.0, 35_000.0),
    ("3000万元", 10_000.0, 0.3),
    ("3000万元", 1.0, 3000.0),
    ("20000元", 1.0, 2.0),
    ("1,200万元", 1.0, 1200.0),
    ("12.5", 10_000.0, 12.5),
]

INTEGERS = [("12", 12), ("１２", 12), ("12.0", 12), ("12.5", None), ("-", None), ("x", None)]

DATES = [
    ("2019-06-30", date(2019, 6, 30)),
    ("2019/6/30", date(2019, 6, 30)),
    ("2019.6.30", date(2019, 6, 30)),
    ("2019年6月30日", date(2019, 6, 30)),
    ("２０１９年６月３０日", date(2019, 6, 30)),
    ("2019-06-30 00:00:00", date(2019, 6, 30)),
    ("2019-06-30 10:05:00", date(2019, 6, 30)),
    ("2019-06-30T10:05", date(2019, 6, 30)),
    ("20190630", date(2019, 6, 30)),
    ("43646", date(2019, 6, 30)),
    ("43646.5", date(2019, 6, 30)),
    ("2019-02-30", None),
    ("2019-13-01", None),
    ("30/6/2019", None),
    ("六月", None),
    ("2019", None),
    ("-", None),
    ("", None),
    (None, None),
]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    install_macros(c)
    return c


@pytest.mark.parametrize(("text", "unit_wan", "expected"), NUMBERS)
def test_number(con: duckdb.DuckDBPyConnection, text, unit_wan, expected) -> None:
    sql = con.execute("select zw_number(?::varchar, ?::double)", [text, unit_wan]).fetchall()[0][0]
    py = parse_number(text, unit_wan)
    assert sql == pytest.approx(expected) if expected is not None else sql is None
    assert py == pytest.approx(expected) if expected is not None else py is None


@pytest.mark.parametrize(("text", "expected"), INTEGERS)
def test_integer(con: duckdb.DuckDBPyConnection, text, expected) -> None:
    assert con.execute("select zw_integer(?::varchar)", [text]).fetchall()[0][0] == expected
    assert parse_integer(text) == expected


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_date(con: duckdb.DuckDBPyConnection, text, expected) -> None:
    assert con.execute("select zw_date(?::varchar)", [text]).fetchall()[0][0] == expected
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["-", "—", "", "  ", None, "－", "x", "0"])
def test_blank(con: duckdb.DuckDBPyConnection, text) -> None:
    expected = text not in ("x", "0")
    assert con.execute("select zw_is_blank(?::varchar)", [text]).fetchall()[0][0] is expected
    assert is_blank(text) is expected


def test_macros_are_temporary(tmp_path) -> None:
    db = tmp_path / "w.duckdb"
    c = duckdb.connect(str(db))
    install_macros(c)
    c.close()
    c = duckdb.connect(str(db))
    names = c.execute(
        "select count(*) from duckdb_functions() where function_name like 'zw_%'"
    ).fetchall()[0][0]
    assert names == 0
