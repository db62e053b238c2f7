"""Investment signings: the 25 signings of 2019 H1.

The files are read back with openpyxl and csv (`demo_readback`), independently of the intake
code.
"""

from __future__ import annotations

from datetime import date

from demo_readback import day, num

from zonewh.demo import DEMO_MONTHS


def test_2019_h1_signings(current) -> None:
    amounts = []
    for month in DEMO_MONTHS[12:]:
        on = date.fromisoformat(month + "-01")
        for r in current[(month, "ist", "investment_signings")].rows:
            assert day(r["签约日期"]).replace(day=1) == on
            amounts.append(num(r["协议投资额(亿元)"], "亿元"))
    assert len(amounts) == 25
    assert round(sum(amounts), 2) == 125.0
    assert sum(a >= 10 for a in amounts) == 5
    assert sum(1 <= a < 10 for a in amounts) == 10
    assert sum(a < 1 for a in amounts) == 10
