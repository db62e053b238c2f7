"""五、报送情况: each unit's on-time, late, rejected, missing and waived returns."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..data import BulletinData, Row
from ..model import Column, Fig, Section, Table
from .common import STATUS_LABELS, form_name


def build(data: BulletinData) -> Section:
    """五、报送情况: each unit's on-time, late, rejected, missing and waived returns."""
    s = Section("submissions", "报送情况", "报送情况")
    rows = data.submissions
    counts = {k: sum(r["status"] == k for r in rows) for k in STATUS_LABELS}
    s.paragraphs.append(
        [
            "本月应报报表",
            Fig.count("submissions.expected", len(rows)),
            "份，其中按时报送",
            Fig.count("submissions.on_time", counts["on_time"]),
            "份，逾期报送",
            Fig.count("submissions.late", counts["late"]),
            "份，退回未重报",
            Fig.count("submissions.rejected", counts["rejected"]),
            "份，未报送",
            Fig.count("submissions.missing", counts["missing"]),
            "份，免报",
            Fig.count("submissions.waived", counts["waived"]),
            "份。",
        ]
    )
    late_units = sorted({data.unit(r["unit_code"]) for r in rows if r["status"] == "late"})
    if late_units:
        s.paragraphs.append(["逾期报送的单位：" + "、".join(late_units) + "，予以通报。"])
    by_unit: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_unit[r["unit_code"]].append(r)
    t = Table(
        "submissions_by_unit",
        "各单位报送情况",
        [
            Column("单位"),
            Column("应报", "int"),
            Column("按时", "int"),
            Column("逾期", "int"),
            Column("退回", "int"),
            Column("未报", "int"),
            Column("免报", "int"),
        ],
    )
    lines = []
    for unit, items in by_unit.items():
        lines.append(
            [data.unit(unit), len(items)]
            + [
                sum(r["status"] == k for r in items)
                for k in ("on_time", "late", "rejected", "missing", "waived")
            ]
        )
    # units with a late, rejected or missing return first; then those with all on time
    t.rows = sorted(lines, key=lambda r: (not _behind(r), r[0]))
    fine = [r[0] for r in t.rows if not _behind(r)]
    if fine:
        s.paragraphs.append(
            [
                "全部按时报送（或免报）的单位",
                Fig.count("submissions.units_on_time", len(fine)),
                "个：" + "、".join(fine) + "。",
            ]
        )
        t.limit, t.annex = len(t.rows) - len(fine), "各单位报送情况"
        t.title = "未全部按时报送的单位"
        t.note = f"各单位报送情况全表见本通报Excel附件“{t.annex}”工作表。"
    s.tables.append(t)
    d = Table(
        "submissions_exceptions",
        "未按时报送明细",
        [
            Column("单位"),
            Column("报表"),
            Column("截止日期", "date"),
            Column("状态"),
            Column("首次报送时间", "datetime"),
            Column("错误数", "int"),
        ],
    )
    for r in sorted(
        (r for r in rows if r["status"] != "on_time"),
        key=lambda r: (
            list(STATUS_LABELS).index(r["status"]) if r["status"] in STATUS_LABELS else 9,
            r["unit_code"],
        ),
    ):
        d.rows.append(
            [
                data.unit(r["unit_code"]),
                form_name(data, r["form_code"]),
                r["due_on"],
                STATUS_LABELS.get(r["status"], r["status"]),
                r["first_received_at"],
                r["errors"],
            ]
        )
    s.tables.append(d)
    return s


def _behind(line: list[Any]) -> bool:
    """A unit's line (name, expected, on time, late, rejected, missing, waived) with a
    late, rejected or missing return."""
    return any(line[3:6])
