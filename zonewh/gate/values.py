"""Values as a JSON report holds them."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def json_value(value: Any) -> Any:
    """Dates as ISO text (a midnight timestamp as its date), NaN/NaT as null, Decimals and
    numpy scalars as plain numbers, anything else as text."""
    if value is None:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        if value.tzinfo is None and value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        import pandas as pd

        if value is pd.NaT or (not isinstance(value, list | tuple | dict) and pd.isna(value)):
            return None
        if isinstance(value, pd.Timestamp):
            return json_value(value.to_pydatetime())
    except (TypeError, ValueError, ImportError):
        pass
    if hasattr(value, "item"):
        return json_value(value.item())
    return str(value)
