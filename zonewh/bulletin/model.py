"""The bulletin as data: sections of paragraphs and tables, rendered alike to HTML and Excel.

Numbers are kept raw with a kind that says how officials expect them written: each
section states its money in one unit, 亿元 for large sums (marts store 万元; 1 亿元 =
10000 万元) and 万元 for rewards, in prose and tables alike; thousands separators; no
trailing ".0"; one decimal for percentages and percentage points.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from ..config import CST

Kind = Literal["text", "int", "num", "yi", "wan", "pct", "pp", "date", "datetime"]

DECIMALS: dict[str, int] = {"int": 0, "num": 2, "yi": 2, "wan": 1, "pct": 1, "pp": 1}
"""Decimals shown (and kept in Excel cells) per kind."""

NUMBERS_ZH = "一二三四五六七八九十"


def as_beijing(at: dt.datetime) -> dt.datetime:
    """A timestamp in Beijing time; one without a zone is taken as UTC (as the pipeline
    records its instants)."""
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(CST)


def is_missing(value: Any) -> bool:
    """None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def display_value(value: Any, kind: Kind) -> Any:
    """The number as shown: 万元 → 亿元 for `yi`, rounded to the kind's decimals."""
    if is_missing(value):
        return None
    if kind == "yi":
        value = value / 10000.0
    if kind in DECIMALS:
        return round(float(value), DECIMALS[kind]) if kind != "int" else round(value)
    return value


def trim(number: float, decimals: int, grouped: bool = True) -> str:
    """`74.00` → `74`, `65.20` → `65.2`, `7900.0` → `7,900`: officials' way of writing
    amounts (thousands separated unless `grouped` is False)."""
    text = f"{number:,.{decimals}f}" if grouped else f"{number:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt(value: Any, kind: Kind) -> str:
    """A table cell as text (empty value → `—`)."""
    shown = display_value(value, kind)
    if shown is None:
        return "—"
    if kind == "int":
        return f"{shown:,d}"
    if kind in ("num", "wan"):
        return trim(shown, DECIMALS[kind])
    if kind == "yi":
        return f"{shown:,.{DECIMALS[kind]}f}"
    if kind == "pp":
        return f"{shown:+.1f}"
    if kind in DECIMALS:
        return f"{shown:.{DECIMALS[kind]}f}"
    if kind == "date":
        return f"{shown:%Y-%m-%d}" if isinstance(shown, dt.date) else str(shown)
    if kind == "datetime":
        if not isinstance(shown, dt.datetime):
            return str(shown)
        if shown.tzinfo is not None:
            shown = shown.astimezone(CST)
        return f"{shown:%Y-%m-%d %H:%M}"
    return str(shown)


def yi(wan: float | None) -> str:
    """Money in prose in 亿元 (from 万元): `65.2亿元`, `0.4亿元`."""
    if is_missing(wan):
        return "—"
    return f"{trim(wan / 10000, 2)}亿元"


def wan(amount: float | None) -> str:
    """Money in prose in 万元: `3.5万元`, `7,900万元`."""
    if is_missing(amount):
        return "—"
    return f"{trim(amount, 1)}万元"


@dataclass(frozen=True)
class Fig:
    """A figure inside prose, tagged with a key so it can be found and checked."""

    key: str
    value: Any
    text: str

    @classmethod
    def count(cls, key: str, n: int) -> Fig:
        """A whole number written as it is (项目数, 份数, …)."""
        return cls(key, n, str(n))


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"


@dataclass
class Table:
    """One table: `key` names it in the HTML (`id`) and in tests."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""
    """A sentence printed under the table."""
    limit: int | None = None
    """Rows shown in the page, the PDF and the section's sheet: the first `limit` ones."""
    picked: list[int] | None = None
    """Or these rows (by index), when the page shows the head and the tail of a ranking."""
    annex: str = ""
    """The sheet holding every row when the page shows fewer (31 characters at most)."""

    @property
    def shown_rows(self) -> list[list[Any]]:
        """The rows the page shows."""
        if self.picked is not None:
            return [self.rows[i] for i in self.picked if 0 <= i < len(self.rows)]
        return self.rows if self.limit is None else self.rows[: self.limit]

    def cell_text(self, row: list[Any]) -> list[str]:
        return [fmt(v, c.kind) for v, c in zip(row, self.columns)]


Segment = str | Fig


@dataclass
class Section:
    """One numbered section (一、二、…) with paragraphs, tables and charts."""

    key: str
    title: str
    sheet: str
    paragraphs: list[list[Segment]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)
    """(caption, inline SVG) pairs."""

    def figures(self) -> dict[str, Any]:
        """Every tagged figure of the section's prose by key."""
        return {s.key: s.value for p in self.paragraphs for s in p if isinstance(s, Fig)}

    def plain(self, paragraph: list[Segment]) -> str:
        return "".join(s.text if isinstance(s, Fig) else s for s in paragraph)


def number_zh(n: int) -> str:
    """1 → 一 … 10 → 十 (section numbers)."""
    return NUMBERS_ZH[n - 1]
