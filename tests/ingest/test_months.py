"""`ingest.months`: the one `YYYY-MM` parser and the month arithmetic."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ingest.months import MonthError, add_months, month_end, month_range, month_text, parse_month


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-06", date(2019, 6, 1)),
        (" 2019-06\n", date(2019, 6, 1)),
        ("1990-01", date(1990, 1, 1)),
        ("2099-12", date(2099, 12, 1)),
        (date(2019, 6, 30), date(2019, 6, 1)),
        (datetime(2019, 6, 30, 23, 59), date(2019, 6, 1)),
    ],
)
def test_parse_month(text: str | date, expected: date) -> None:
    parsed = parse_month(text)
    assert parsed == expected
    assert type(parsed) is date


@pytest.mark.parametrize(
    "text",
    [
        "2019-6",
        "2019-13",
        "2019-00",
        "19-06",
        "2019/06",
        "201906",
        "2019-06-01",
        "2019-06x",
        "June",
        "",
        "1989-12",
        "2100-01",
        "２０１９-０６",
        "2019 -06",
    ],
)
def test_parse_month_refuses(text: str) -> None:
    with pytest.raises(MonthError) as info:
        parse_month(text)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.message_en == (f"month must be YYYY-MM between 1990-01 and 2099-12, got {text!r}")
    assert err.message_zh == f"月份应写作 YYYY-MM（如 2019-06），收到“{text}”"
    assert str(err) == err.message_en


def test_the_two_messages_of_the_brief() -> None:
    with pytest.raises(MonthError) as info:
        parse_month("2019-6")
    assert str(info.value) == "month must be YYYY-MM between 1990-01 and 2099-12, got '2019-6'"
    assert info.value.message_zh == "月份应写作 YYYY-MM（如 2019-06），收到“2019-6”"


def test_dates_outside_the_years_and_other_types_are_refused() -> None:
    with pytest.raises(MonthError, match="got '1980-05'"):
        parse_month(date(1980, 5, 17))
    with pytest.raises(MonthError, match="got 'None'"):
        parse_month(None)  # type: ignore[arg-type]
    with pytest.raises(MonthError):
        parse_month(201906)  # type: ignore[arg-type]


def test_month_text_round_trips() -> None:
    assert month_text(date(2019, 6, 1)) == "2019-06"
    assert month_text(date(1990, 12, 31)) == "1990-12"
    assert month_text(parse_month("2019-06")) == "2019-06"


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2019, 12, 1), 1, date(2020, 1, 1)),
        (date(2019, 1, 31), -1, date(2018, 12, 1)),
        (date(2019, 3, 15), -14, date(2018, 1, 1)),
        (date(2019, 6, 1), 0, date(2019, 6, 1)),
        (date(2019, 6, 1), 25, date(2021, 7, 1)),
    ],
)
def test_add_months(start: date, n: int, expected: date) -> None:
    assert add_months(start, n) == expected


def test_month_end() -> None:
    assert month_end(date(2019, 2, 1)) == date(2019, 2, 28)
    assert month_end(date(2020, 2, 10)) == date(2020, 2, 29)
    assert month_end(date(2019, 12, 31)) == date(2019, 12, 31)
    assert month_end(date(2019, 4, 1)) == date(2019, 4, 30)


def test_month_range() -> None:
    assert month_range(date(2019, 11, 1), date(2020, 2, 1)) == [
        date(2019, 11, 1),
        date(2019, 12, 1),
        date(2020, 1, 1),
        date(2020, 2, 1),
    ]
    assert month_range(date(2019, 6, 30), date(2019, 6, 1)) == [date(2019, 6, 1)]
    assert month_range(date(2019, 6, 1), date(2019, 5, 31)) == []


def test_a_year_no_calendar_has_is_a_month_error_too():
    for bad in ("0000-01", "9999-12", "1989-12", "2100-01"):
        with pytest.raises(MonthError, match="between 1990-01 and 2099-12"):
            parse_month(bad)
