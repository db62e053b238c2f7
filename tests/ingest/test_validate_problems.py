"""`ingest.validate.problems`: messages name sheet, row, column and value; every problem is
counted, the first `PROBLEM_CAP` listed."""

from __future__ import annotations

import copy

from conftest import ECON_JAN
from rulecases import run, setv

from ingest.settings import IntakePaths
from ingest.validate import PROBLEM_CAP


def test_messages_name_sheet_row_column_and_value(base_home: IntakePaths) -> None:
    rows = setv(0, 0, "xyz")(copy.deepcopy(ECON_JAN))
    p = next(
        p
        for p in run(base_home, "econ_indicators", "drc", "2019-01", rows).problems
        if p.rule == "indicator_known"
    )
    for text in ("Sheet1", "2", "指标代码", "xyz"):
        assert text in p.message_zh
        assert text in p.message_en


def test_problems_counted_beyond_the_cap(base_home: IntakePaths) -> None:
    rows = [[f"S{i:04d}", "项目", "某公司", "2019-01-15", "abc", None, None] for i in range(1200)]
    result = run(base_home, "investment_signings", "ist", "2019-01", rows)
    assert result.errors == 1200
    assert len(result.problems) == 1000 == PROBLEM_CAP
