"""The demo's building blocks: exact splits, reproducible streams, month days and times."""

from __future__ import annotations

from datetime import date

import pytest

from zonewh.config import CST
from zonewh.demo.draw import random_stream, split_total, split_total_capped
from zonewh.demo.timing import first_day, last_day, submitted_at


def test_split_total_is_exact_proportional_and_respects_the_minimum() -> None:
    assert split_total(10, [1, 1, 1]) == [4, 3, 3]
    parts = split_total(24_579, [3.0, 1.5, 7.25, 0.1], minimum=60)
    assert sum(parts) == 24_579
    assert min(parts) >= 60
    assert parts[2] > parts[0] > parts[1] > parts[3]
    with pytest.raises(ValueError, match="cannot split 5 into 3 parts of at least 2"):
        split_total(5, [1, 1, 1], minimum=2)


def test_split_total_capped_moves_what_the_caps_cut_off() -> None:
    assert split_total(120, [10, 1, 1]) == [100, 10, 10]
    assert split_total_capped(120, [10, 1, 1], [40, 100, 100]) == [40, 40, 40]


def test_random_streams_are_reproducible_and_independent() -> None:
    def draws(seed: int, *parts: object) -> list[float]:
        rng = random_stream(seed, *parts)
        return [rng.random() for _ in range(3)]

    assert draws(2014, "times", "2014-05") == draws(2014, "times", "2014-05")
    assert draws(2014, "times", "2014-05") != draws(2014, "times", "2014-06")
    assert draws(2014, "times", "2014-05") != draws(7, "times", "2014-05")


def test_month_days_and_submission_times() -> None:
    assert first_day("2019-06") == date(2019, 6, 1)
    assert last_day(2014, 2) == date(2014, 2, 28)
    assert last_day(2014, 12) == date(2014, 12, 31)
    rng = random_stream(2014, "times", "2014-12")
    for _ in range(50):
        at = submitted_at(rng, "2014-12")
        assert at.tzinfo is CST
        assert date(2015, 1, 1) <= at.date() <= date(2015, 1, 4)
        assert 8 <= at.hour <= 17
