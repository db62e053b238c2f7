"""`ingest.identify`: the unit folder and the form of a landing file (the one place a name
without a form code is rejected)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest.errors import FileRejected
from ingest.identify import form_of, unit_of, unknown_form
from ingest.landing import LandingFile
from ingest.reference import load_reference


def _file(name: str, unit: str = "ist") -> LandingFile:
    return LandingFile(
        Path("/l/2019-01") / unit / name, f"2019-01/{unit}/{name}", "2019-01", unit, "", 1, 0.0
    )


def test_form_by_name() -> None:
    with duckdb.connect() as con:
        form = form_of(
            con, _file("investment_signings_第二版.xlsx"), date(2019, 1, 1), load_reference()
        )
    assert form.code == "investment_signings"


def test_unknown_form_lists_what_the_unit_owes() -> None:
    with duckdb.connect() as con, pytest.raises(FileRejected) as info:
        form_of(con, _file("签约项目.csv"), date(2019, 1, 1), load_reference())
    (p,) = info.value.problems
    assert (p.rule, p.severity, p.value) == ("unknown_form", "error", "签约项目.csv")
    assert "investment_signings（招商引资签约项目）" in p.message_zh
    assert "签约项目.csv" in p.message_zh and "签约项目.csv" in p.message_en
    assert "owes these forms this month: investment_signings;" in p.message_en
    assert "investment_signings_签约项目.csv" in p.message_en


def test_unknown_form_when_nothing_is_owed() -> None:
    p = unknown_form("月报.xlsx", "soc", []).problems[0]
    assert "本月单位 soc 没有应报送的报表" in p.message_zh
    assert "unit 'soc' owes no form this month" in p.message_en


def test_unit_folder_must_name_a_unit_valid_that_month() -> None:
    ref = load_reference()
    assert unit_of(_file("x.csv", "ist"), date(2019, 1, 1), ref).code == "ist"
    with pytest.raises(FileRejected) as info:
        unit_of(_file("x.csv", "nobody"), date(2019, 1, 1), ref)
    assert info.value.problems[0].rule == "unknown_unit"
