"""Charts as inline SVG (text drawn as paths, so no font is needed to view them)."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from typing import Any

from .data import BulletinData
from .model import is_missing
from .sections import GROUP_LABELS, previous_growth, project_totals
from .sections.common import CATEGORIES, LEVELS, ordered

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
)


FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
FONT_FILES = ("NotoSansCJK*", "NotoSerifCJK*", "wqy-*", "DroidSansFallback*", "SourceHanSans*")


@functools.cache
def cjk_font() -> str | None:
    """The first installed font family that has Chinese glyphs, or None.

    Fonts installed after matplotlib built its font cache are found on disk and added.
    """
    from matplotlib import font_manager

    def known() -> str | None:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FAMILIES if family in installed), None)

    family = known()
    if family:
        return family
    for folder in FONT_DIRS:
        for pattern in FONT_FILES:
            for path in sorted(folder.rglob(pattern)) if folder.is_dir() else ():
                try:
                    font_manager.fontManager.addfont(str(path))
                except (OSError, RuntimeError, ValueError):
                    continue
    return known()


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    return fig


def _svg(fig: Any) -> str:
    import matplotlib

    family = cjk_font()
    rc = {"svg.fonttype": "path", "svg.hashsalt": "zonewh", "font.size": 10}
    if family:
        rc["font.family"] = [family, "DejaVu Sans"]
    buf = io.StringIO()
    with matplotlib.rc_context(rc):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    # explicit size-free scaling inside the page
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", text, count=1)


def _with_font(draw: Any) -> Any:
    """Run a drawing function with the CJK font active (labels are laid out while drawing)."""

    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> str:
        import matplotlib

        family = cjk_font()
        rc: dict[str, Any] = {"svg.fonttype": "path", "axes.unicode_minus": False}
        if family:
            rc["font.family"] = [family, "DejaVu Sans"]
        with matplotlib.rc_context(rc):
            fig = draw(*args, **kwargs)
            return _svg(fig)

    return wrapper


@_with_font
def indicator_growth(data: BulletinData) -> Any:
    """Year-on-year growth of the zone's indicators, this month against the previous report.

    The previous rate is a thin tick across its bar; each value label stands clear to the
    right of both the bar and the tick, so the tick never covers it.
    """
    rows = [
        r
        for r in data.indicators
        if r["month"] == data.month and not r["cluster"] and not is_missing(r["yoy_growth_pct"])
    ]
    order = {c["indicator_code"]: i for i, c in enumerate(data.catalog)}
    rows.sort(key=lambda r: order.get(r["indicator_code"], 99), reverse=True)
    fig = _figure(7.5, 0.32 * max(len(rows), 2) + 1.0)
    ax = fig.add_subplot()
    names = [r["indicator_name"] for r in rows]
    growth = [r["yoy_growth_pct"] for r in rows]
    prev = [previous_growth(data, r["indicator_code"], "") for r in rows]
    bars = ax.barh(names, growth, color="#b22222", height=0.55, label="本月同比增长")
    known = [(p, n) for p, n in zip(prev, names) if not is_missing(p)]
    if known:
        ax.scatter(
            [p for p, _ in known],
            [n for _, n in known],
            marker="|",
            s=260,
            color="#333333",
            zorder=3,
            label="上期增速",
        )
    span = max([1.0, *(abs(g) for g in growth), *(abs(p) for p, _ in known)])
    pad = span * 0.03
    for bar, g, p in zip(bars, growth, prev):
        right = max(0.0, g, -1e9 if is_missing(p) else p)
        ax.text(
            right + pad,
            bar.get_y() + bar.get_height() / 2,
            f"{g:.1f}%",
            va="center",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.85},
            zorder=4,
        )
    ax.set_xlabel("同比增长（%）")
    ax.axvline(0, color="#666666", linewidth=0.8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 - 0.5 / max(len(rows), 2)),
        ncol=2,
        frameon=False,
        fontsize=9,
    )
    ax.set_xlim(
        min([0, *growth, *(p for p, _ in known)]) - 1,
        max([1, *growth, *(p for p, _ in known)]) + span * 0.22 + 1,
    )
    return fig


@_with_font
def project_progress(data: BulletinData) -> Any:
    """Completion of the annual plan by level and category, against time progress."""
    time_progress = data.month.month / 12 * 100
    groups = []
    for key, order in (("level", LEVELS), ("category", CATEGORIES)):
        for v in ordered((r[key] for r in data.projects), order):
            rows = [r for r in data.projects if r[key] == v]
            if rows:
                pct = project_totals(rows)[4]
                groups.append((v, pct or 0.0))
    total = project_totals(data.projects)[4]
    groups.insert(0, ("全部项目", total or 0.0))
    fig = _figure(7.5, 3.0)
    ax = fig.add_subplot()
    names = [g[0] for g in groups]
    values = [g[1] for g in groups]
    colors = ["#1f4e79" if v >= time_progress else "#c0504d" for v in values]
    bars = ax.bar(names, values, color=colors, width=0.6)
    ax.axhline(time_progress, color="#e69500", linestyle="--", linewidth=1.5)
    ax.text(
        0.99,
        0.98,
        f"虚线：时间进度 {time_progress:.1f}%",
        transform=ax.transAxes,
        ha="right",
        va="top",
        color="#b36b00",
        fontsize=9,
    )
    for bar, v in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, v + 1, f"{v:.1f}%", ha="center", fontsize=8)
    ax.set_ylabel("完成年度计划（%）")
    ax.set_ylim(0, max([time_progress, *values]) * 1.2 + 5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="x", labelsize=9)
    return fig


@_with_font
def campaign_ranking(data: BulletinData) -> Any:
    """Scores of the month per campaign for towns and departments (the village rankings,
    a hundred units, are left to their table)."""
    month = [r for r in data.scores if r["month"] == data.month and r["unit_group"] != "village"]
    keys = sorted({(r["campaign_code"], r["unit_group"]) for r in month})
    n = max(len(keys), 1)
    cols = 2 if n > 1 else 1
    rows_n = (n + cols - 1) // cols
    fig = _figure(7.5, 2.3 * rows_n)
    for i, (code, group) in enumerate(keys, start=1):
        ax = fig.add_subplot(rows_n, cols, i)
        items = sorted(
            (r for r in month if r["campaign_code"] == code and r["unit_group"] == group),
            key=lambda r: (r["rank"], r["unit_code"]),
        )
        items = items[:10]
        items.reverse()
        labels = [data.unit(r["unit_code"]).split("/")[-1] for r in items]
        scores = [r["total_score"] for r in items]
        colors = ["#1f4e79" if r["rank"] <= 3 else "#8eaccd" for r in items]
        ax.barh(range(len(items)), scores, color=colors, height=0.6)
        ax.set_yticks(range(len(items)), labels, fontsize=8)
        for y, (r, s) in enumerate(zip(items, scores)):
            ax.text(s + 0.5, y, f"{s:g}（第{r['rank']}名）", va="center", fontsize=7)
        name = data.campaigns.get(code, {}).get("campaign_name", code)
        suffix = "前十名" if group == "village" else ""
        ax.set_title(f"{name}·{GROUP_LABELS.get(group, group)}{suffix}", fontsize=10)
        low = min(scores) if scores else 0
        top = max([*scores, *(r["max_score"] or 0 for r in items)], default=100)
        ax.set_xlim(max(0, low - 15), top + 12)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="x", labelsize=8)
    fig.tight_layout()
    return fig
