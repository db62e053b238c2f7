"""`ingest.identify`: the unit folder and the form of a landing file (the one place a name
without a form code is told by its header row, or rejected)."""

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


@pytest.mark.parametrize(
    "name", ["INVESTMENT_SIGNINGS.CSV", "Investment_Signings_6月.xlsx", "investment_signings.XLSX"]
)
def test_form_by_name_in_any_letter_case(name: str) -> None:
    with duckdb.connect() as con:
        form = form_of(con, _file(name), date(2019, 1, 1), load_reference())
    assert form.code == "investment_signings"


def test_unknown_form_lists_what_the_unit_owes() -> None:
    with duckdb.connect() as con, pytest.raises(FileRejected) as info:
        form_of(con, _file("签约项目.csv"), date(2019, 1, 1), load_reference())
    (p,) = info.value.problems
    assert (p.rule, p.severity, p.value) == ("unknown_form", "error", "签约项目.csv")
    assert "区招商局（ist）本月应报送：招商引资签约项目（investment_signings）" in p.message_zh
    assert "签约项目.csv" in p.message_zh and "签约项目.csv" in p.message_en
    assert "owes these forms this month: investment_signings;" in p.message_en
    assert "investment_signings_签约项目.csv" in p.message_en


def test_unknown_form_when_nothing_is_owed() -> None:
    p = unknown_form("月报.xlsx", "soc", []).problems[0]
    assert "区社会事业局（soc）本月没有应报送的报表" in p.message_zh
    assert "unit 'soc' owes no form this month" in p.message_en


def test_unit_folder_must_name_a_unit_valid_that_month() -> None:
    ref = load_reference()
    assert unit_of(_file("x.csv", "ist"), date(2019, 1, 1), ref).code == "ist"
    with pytest.raises(FileRejected) as info:
        unit_of(_file("x.csv", "nobody"), date(2019, 1, 1), ref)
    assert info.value.problems[0].rule == "unknown_unit"


def test_a_name_without_form_code_is_told_by_the_one_owed_form_its_header_matches() -> None:
    ref = load_reference()
    with duckdb.connect() as con:
        found = form_of(
            con,
            _file("招商局1月签约项目.xlsx"),
            date(2019, 1, 1),
            ref,
            header_forms={"investment_signings"},
        )
        assert found.code == "investment_signings"
        # a header of a form the unit does not owe tells nothing
        with pytest.raises(FileRejected) as info:
            form_of(
                con,
                _file("招商局1月签约项目.xlsx"),
                date(2019, 1, 1),
                ref,
                header_forms={"econ_indicators"},
            )
    (p,) = info.value.problems
    assert p.rule == "unknown_form"
    assert "表头行是主要经济指标完成情况（econ_indicators）的表头" in p.message_zh
    assert "区招商局（ist）本月不报送该表" in p.message_zh
    assert "区招商局（ist）本月应报送：招商引资签约项目（investment_signings）" in p.message_zh
    assert p.fix_zh and "investment_signings_招商局1月签约项目.xlsx" in p.fix_zh
