"""Number and date normalisation: DuckDB SQL macros, and Python twins of the same rules.

Numbers may carry full-width digits (１２３), thousands separators, a trailing %,
a money suffix (亿元/万元/元, converted to the header's unit) or be `-`/`—`/empty
for "none". Dates may be `2019-06-30`, `2019/6/30`, `2019.6.30`, `2019年6月30日`,
`20190630`, a datetime string, or an Excel serial number.
"""

from __future__ import annotations

import math
import re
import weakref
from datetime import date, timedelta

import duckdb

from .forms import MONEY_UNITS_WAN

FULL_WIDTH = "０１２３４５６７８９．，－＋％／："
HALF_WIDTH = "0123456789.,-+%/:"
DASHES = ("-", "—", "--", "——", "–", "/", "－", "－－")
EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_MIN, SERIAL_MAX = 10_000, 99_999
"""Excel serial numbers accepted as dates (1927-05-18 .. 2173-10-14)."""

_NUM_RE = r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(%|亿元|万元|元)?$"
_DATE_RE = (
    r"^(\d{4})(?:-(\d{1,2})-(\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:-\d+)?)?)?|(\d{2})(\d{2}))$"
)
"""A date once 年/月/`/`/`.` became `-`: y-m-d[日][ time], or yyyymmdd."""
_SERIAL_RE = r"^(\d{5})(?:\.\d+)?$"

WHITESPACE = " \t\r\n\f\u3000\u00a0"
"""Characters trimmed from both ends of a cell (ASCII blanks, ideographic and no-break space)."""

_WS_CLASS = "[\\s\u3000\u00a0]"
WS_CODES = ", ".join(str(ord(c)) for c in WHITESPACE)
"""The code points of `WHITESPACE`: a cell is trimmed only when its first or last code
point is one of them (far cheaper than a regular expression per cell)."""
_DASHES_SQL = ", ".join(f"'{d}'" for d in ("", *DASHES))

MACROS = f"""
create or replace temp macro zw_trim(s) as
    case
        when ord(s) in ({WS_CODES}) or ord(s[-1]) in ({WS_CODES})
            then regexp_replace(s, '^{_WS_CLASS}+|{_WS_CLASS}+$', '', 'g')
        else cast(s as varchar)
    end;
create or replace temp macro zw_is_blank_trimmed(t) as coalesce(t in ({_DASHES_SQL}), true);
create or replace temp macro zw_is_blank(s) as zw_is_blank_trimmed(zw_trim(s));
create or replace temp macro zw_clean(t) as
    nullif(regexp_replace(translate(t, '{FULL_WIDTH}', '{HALF_WIDTH}'), '[,\\s\u3000]', '', 'g'), '');
create or replace temp macro zw_number_slow(t, unit_wan) as
    list_transform(
        [regexp_extract(zw_clean(t), '{_NUM_RE}', ['n', 's'])],
        lambda p: case
            when p.n = '' then null
            when p.s = '' or p.s = '%' then try_cast(p.n as double)
            when unit_wan is null then null
            else try_cast(p.n as double)
                * case p.s when '亿元' then 10000.0 when '万元' then 1.0 else 0.0001 end
                / unit_wan
        end
    )[1];
create or replace temp macro zw_number_trimmed(t, unit_wan) as
    case
        when isfinite(try_cast(t as double)) then try_cast(t as double)
        else zw_number_slow(t, unit_wan)
    end;
create or replace temp macro zw_number(s, unit_wan) as
    case when zw_is_blank(s) then null else zw_number_trimmed(zw_trim(s), unit_wan) end;
create or replace temp macro zw_integer_of(n) as
    list_transform([n], lambda x: case when x = round(x) and abs(x) < 9.0e15
        then cast(x as bigint) end)[1];
create or replace temp macro zw_integer(s) as zw_integer_of(zw_number(s, null));
create or replace temp macro zw_serial_date(c) as
    case when regexp_full_match(c, '{_SERIAL_RE}')
        then cast(date '1899-12-30' + cast(floor(cast(c as double)) as integer) as date) end;
create or replace temp macro zw_date_slow(t) as
    coalesce(
        list_transform(
            [regexp_extract(
                regexp_replace(translate(t, '{FULL_WIDTH}', '{HALF_WIDTH}'), '[年月/.]', '-', 'g'),
                '{_DATE_RE}', ['y', 'm1', 'd1', 'm2', 'd2'])],
            lambda p: case when p.y <> '' then try_cast(try_strptime(
                p.y || '-' || p.m1 || p.m2 || '-' || p.d1 || p.d2, '%Y-%m-%d') as date) end
        )[1],
        zw_serial_date(zw_clean(t))
    );
create or replace temp macro zw_date_fast(t) as
    case when length(t) = 10 or (length(t) = 19 and right(t, 9) = ' 00:00:00')
        then try_cast(left(t, 10) as date) end;
create or replace temp macro zw_date_trimmed(t) as
    case
        when zw_date_fast(t) is not null then zw_date_fast(t)
        else zw_date_slow(t)
    end;
create or replace temp macro zw_date(s) as
    case when zw_is_blank(s) then null else zw_date_trimmed(zw_trim(s)) end;
create or replace temp macro zw_text(s) as
    case when zw_is_blank(s) then null else zw_trim(s) end;
create or replace temp macro zw_shown(x) as
    regexp_replace(regexp_replace(printf('%.4f', round(cast(x as double), 4)), '0+$', ''), '\\.$', '');
"""

_INSTALLED: weakref.WeakSet = weakref.WeakSet()


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the zw_* normalisation macros (temporary) on a connection, once."""
    if con in _INSTALLED:
        return
    con.execute(MACROS)
    _INSTALLED.add(con)


def money_wan(unit: str | None) -> float | None:
    """The size of a header's money unit in 万元 (None for non-money columns)."""
    return MONEY_UNITS_WAN[unit] if unit else None


def _clean(s: str | None) -> str | None:
    if s is None:
        return None
    t = str(s).strip(WHITESPACE).translate(str.maketrans(FULL_WIDTH, HALF_WIDTH))
    t = re.sub(r"[,\s\u3000]", "", t)
    return t or None


def is_blank(s: str | None) -> bool:
    """Empty, whitespace or a dash: the submitter's "none"."""
    return s is None or str(s).strip(WHITESPACE) in ("", *DASHES)


def parse_number(s: str | None, unit_wan: float | None = None) -> float | None:
    """Python twin of `zw_number`: a number in the header's money unit, or None."""
    if is_blank(s):
        return None
    try:
        fast = float(str(s).strip(WHITESPACE))
    except ValueError:
        fast = math.nan
    if math.isfinite(fast):
        return fast
    m = re.fullmatch(_NUM_RE[1:-1], _clean(s) or "")
    if not m:
        return None
    value, suffix = float(m.group(1)), m.group(2)
    if suffix in MONEY_UNITS_WAN:
        if unit_wan is None:
            return None
        return value * MONEY_UNITS_WAN[suffix] / unit_wan
    return value


def parse_integer(s: str | None) -> int | None:
    """Python twin of `zw_integer`: a whole number, or None."""
    v = parse_number(s)
    if v is None or not math.isfinite(v) or v != round(v) or abs(v) >= 9.0e15:
        return None
    return int(v)


def _date_text(s: str) -> str:
    t = str(s).translate(str.maketrans(FULL_WIDTH, HALF_WIDTH))
    return re.sub(r"[年月/.]", "-", t)


def _make_date(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def parse_date(s: str | None) -> date | None:
    """Python twin of `zw_date`: a date, or None."""
    if is_blank(s):
        return None
    t = str(s).strip(WHITESPACE)
    m = re.fullmatch(_DATE_RE[1:-1], _date_text(t))
    if m:
        y, m1, d1, m2, d2 = m.groups()
        return _make_date(y, m1 or m2, d1 or d2)
    c = _clean(t) or ""
    if re.fullmatch(_SERIAL_RE[1:-1], c):
        return EXCEL_EPOCH + timedelta(days=math.floor(float(c)))
    return None
