"""四、考核排名: rankings (top and bottom), red/black lists, rewards and fines."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from ..data import BulletinData, Row
from ..model import Column, Fig, Section, Table, trim, wan
from .common import GROUP_LABELS, LIST_LABELS, ytd_label

RANKING_SHOWN_WHOLE = 12
"""Rankings of at most this many units are shown whole; longer ones by their first ten and
last five (the workbook has them whole)."""
REWARDS_SHEET = "奖惩兑现清单"


def _lists(data: BulletinData, month_scores: list[Row]) -> list[list[Any]]:
    """Red and black lists: the month's rows of list rules in campaign_rewards, or (when the
    rewards carry none) the rules naming a list applied to the month's ranks."""
    out = []
    list_rules = {r["rule_code"]: r for r in data.reward_rules if r.get("list_name")}
    scored = {(r["campaign_code"], r["unit_code"]): r for r in month_scores}
    for r in data.rewards:
        rule = list_rules.get(r["rule_code"])
        if r["month"] != data.month or rule is None or rule.get("period") != "monthly":
            continue
        score = scored.get((r["campaign_code"], r["unit_code"]), {})
        campaign = data.campaigns.get(r["campaign_code"], {}).get(
            "campaign_name", r["campaign_code"]
        )
        out.append(
            [
                campaign,
                GROUP_LABELS.get(rule["unit_group"], rule["unit_group"]),
                LIST_LABELS.get(rule["list_name"], rule["list_name"]),
                data.unit(r["unit_code"]),
                score.get("total_score"),
                score.get("rank"),
            ]
        )
    if out:
        return sorted(out, key=lambda x: (x[0], x[1], x[2] != "红榜", x[5] or 0))
    for rule in data.reward_rules:
        name = rule.get("list_name")
        if not name or rule.get("period") != "monthly":
            continue
        group = [
            r
            for r in month_scores
            if r["campaign_code"] == rule["campaign_code"] and r["unit_group"] == rule["unit_group"]
        ]
        if not group:
            continue
        if rule["basis"] == "rank_first":
            chosen = [r for r in group if r["rank"] == 1]
        elif rule["basis"] == "rank_last":
            last = max(r["rank"] for r in group)
            chosen = [r for r in group if r["rank"] == last]
        else:
            continue
        campaign = data.campaigns.get(rule["campaign_code"], {}).get(
            "campaign_name", rule["campaign_code"]
        )
        for r in chosen:
            out.append(
                [
                    campaign,
                    GROUP_LABELS.get(r["unit_group"], r["unit_group"]),
                    LIST_LABELS.get(name, name),
                    data.unit(r["unit_code"]),
                    r["total_score"],
                    r["rank"],
                ]
            )
    return out


def _quarter_last(data: BulletinData) -> list[list[Any]]:
    """Campaigns ranked by quarter (a `quarterly` rank_last rule): the unit campaign_rewards
    names for the quarter, else the lowest of the quarter's summed scores."""
    if data.month.month % 3:
        return []
    first = dt.date(data.month.year, data.month.month - 2, 1)
    out = []
    for rule in data.reward_rules:
        if rule.get("period") != "quarterly" or rule.get("basis") != "rank_last":
            continue
        totals: dict[str, float] = defaultdict(float)
        for r in data.scores:
            if (
                r["campaign_code"] == rule["campaign_code"]
                and r["unit_group"] == rule["unit_group"]
                and r["month"] >= first
            ):
                totals[r["unit_code"]] += r["total_score"] or 0
        if not totals:
            continue
        campaign = data.campaigns.get(rule["campaign_code"], {}).get(
            "campaign_name", rule["campaign_code"]
        )
        named = {
            r["unit_code"]
            for r in data.rewards
            if r["month"] == data.month and r["rule_code"] == rule["rule_code"]
        }
        if not named:  # rewards without the quarterly rows: the lowest quarter total
            low = min(totals.values())
            named = {u for u, t in totals.items() if t == low}
        out += [[campaign, data.unit(u), totals.get(u)] for u in sorted(named)]
    return out


def build(data: BulletinData) -> Section:
    """四、考核排名: rankings (top and bottom), red/black lists, rewards and fines."""
    s = Section("campaigns", "考核排名", "考核排名")
    month_scores = [r for r in data.scores if r["month"] == data.month]
    keys = sorted(
        {(r["campaign_code"], r["unit_group"]) for r in month_scores},
        key=lambda k: (
            k[0],
            ["town", "village", "department"].index(k[1]) if k[1] in GROUP_LABELS else 9,
        ),
    )
    if not keys:
        s.paragraphs.append(["本月无考核评分数据。"])
    for code, group in keys:
        name = data.campaigns.get(code, {}).get("campaign_name", code)
        rows = sorted(
            (r for r in month_scores if r["campaign_code"] == code and r["unit_group"] == group),
            key=lambda r: (r["rank"], r["unit_code"]),
        )
        label = GROUP_LABELS.get(group, group)
        last_rank = rows[-1]["rank"]
        top = [r for r in rows if r["rank"] == rows[0]["rank"]]
        bottom = [r for r in rows if r["rank"] == last_rank]
        key = f"campaigns.{code}.{group}"
        s.paragraphs.append(
            [
                f"{name}（{label}）：参加考核",
                Fig(f"{key}.count", len(rows), str(len(rows))),
                "个，第一名",
                "、".join(f"{data.unit(r['unit_code'])}" for r in top),
                "（",
                Fig(f"{key}.top_score", top[0]["total_score"], trim(top[0]["total_score"], 2)),
                "分），末位",
                "、".join(data.unit(r["unit_code"]) for r in bottom),
                "（",
                Fig(
                    f"{key}.bottom_score",
                    bottom[0]["total_score"],
                    trim(bottom[0]["total_score"], 2),
                ),
                "分）。",
            ]
        )
        picked = (
            None
            if len(rows) <= RANKING_SHOWN_WHOLE
            else [i for i, r in enumerate(rows) if r["rank"] <= 10 or r["rank"] > last_rank - 5]
        )
        t = Table(
            f"campaign_{code}_{group}",
            f"{name}·{label}" + ("（前十名与后五名）" if picked is not None else ""),
            [
                Column("名次", "int"),
                Column("单位"),
                Column("得分", "num"),
                Column("满分", "num"),
                Column("上月名次", "int"),
                Column("整改问题数", "int"),
            ],
            picked=picked,
            annex=f"{name}·{label}排名"[:31],
        )
        if picked is not None:
            t.note = f"共{len(rows)}个单位参加考核，完整排名见本通报Excel附件“{t.annex}”工作表。"
        for r in rows:
            t.rows.append(
                [
                    r["rank"],
                    data.unit(r["unit_code"]),
                    r["total_score"],
                    r["max_score"],
                    r["previous_rank"],
                    r["problems_found"],
                ]
            )
        s.tables.append(t)
    lists = _lists(data, month_scores)
    lt = Table(
        "campaign_lists",
        "红黑榜",
        [
            Column("考核项目"),
            Column("类别"),
            Column("榜单"),
            Column("单位"),
            Column("得分", "num"),
            Column("名次", "int"),
        ],
        lists,
    )
    if lists:
        s.paragraphs.append(
            [
                "列入红榜：",
                "、".join(f"{r[3]}（{r[0]}·{r[1]}）" for r in lists if r[2] == "红榜"),
                "；列入黑榜：",
                "、".join(f"{r[3]}（{r[0]}·{r[1]}）" for r in lists if r[2] == "黑榜"),
                "。",
            ]
        )
    s.tables.append(lt)
    quarter = _quarter_last(data)
    if quarter:
        s.paragraphs.append(
            [
                "本季度考核排名末位：",
                "、".join(f"{r[1]}（{r[0]}）" for r in quarter),
                "，予以通报。",
            ]
        )
        s.tables.append(
            Table(
                "campaign_quarter_last",
                "季度考核末位",
                [Column("考核项目"), Column("单位"), Column("季度累计得分", "num")],
                quarter,
            )
        )
    _rewards(data, s)
    return s


def _rewards(data: BulletinData, s: Section) -> None:
    month_rows = [r for r in data.rewards if r["month"] == data.month]
    paid = sum(r["amount_wan"] for r in month_rows if r["amount_wan"] > 0)
    fined = -sum(r["amount_wan"] for r in month_rows if r["amount_wan"] < 0)
    ypaid = sum(r["amount_wan"] for r in data.rewards if r["amount_wan"] > 0)
    yfined = -sum(r["amount_wan"] for r in data.rewards if r["amount_wan"] < 0)
    s.paragraphs.append(
        [
            f"{data.month.month}月兑现奖励",
            Fig("rewards.month_paid", paid, wan(paid)),
            "、罚款",
            Fig("rewards.month_fined", fined, wan(fined)),
            f"；{ytd_label(data.month)}累计奖励",
            Fig("rewards.ytd_paid", ypaid, wan(ypaid)),
            "、罚款",
            Fig("rewards.ytd_fined", yfined, wan(yfined)),
            "。",
        ]
    )
    cash = [r for r in data.rewards if r["amount_wan"]]  # list rules carry no money
    units = sorted({r["unit_code"] for r in cash})
    t = Table(
        "rewards",
        "奖惩兑现（罚款记为负数）",
        [
            Column("单位"),
            Column("考核项目"),
            Column("本月(万元)", "wan"),
            Column(f"{ytd_label(data.month)}累计(万元)", "wan"),
        ],
    )
    lines = []
    for unit in units:
        for code in sorted({r["campaign_code"] for r in cash if r["unit_code"] == unit}):
            mine = [r for r in cash if r["unit_code"] == unit and r["campaign_code"] == code]
            month_sum = sum(r["amount_wan"] for r in mine if r["month"] == data.month)
            year_sum = sum(r["amount_wan"] for r in mine)
            name = data.campaigns.get(code, {}).get("campaign_name", code)
            lines.append([data.unit(unit), name, month_sum, year_sum])
    t.rows = sorted(lines, key=lambda r: (-abs(r[2]), -r[3], r[0]))
    this_month = sum(1 for r in t.rows if r[2])
    t.limit = this_month or 10
    t.annex = REWARDS_SHEET
    if t.limit < len(t.rows):
        t.title = (
            "本月奖惩兑现（罚款记为负数）" if this_month else "奖惩兑现（累计前十，罚款记为负数）"
        )
        t.note = (
            f"{ytd_label(data.month)}共{len(units)}个单位获得奖励或受到处罚，"
            f"全部明细见本通报Excel附件“{REWARDS_SHEET}”工作表。"
        )
    s.tables.append(t)
