"""The six sections of the monthly bulletin, built from the published marts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from ingest.forms import CATEGORIES, FORMS, LEVELS

from .data import BulletinData, Row
from .model import Column, Fig, Section, Table, fmt, is_missing, money, trim

SIZE_BANDS = (">=10亿", "1-10亿", "<1亿")
SIZE_BAND_LABELS = {">=10亿": "10亿元以上", "1-10亿": "1亿元至10亿元", "<1亿": "1亿元以下"}
GROUP_LABELS = {"town": "乡镇（街道）", "village": "行政村", "department": "区直部门"}
STATUS_LABELS = {
    "on_time": "按时报送",
    "late": "逾期报送",
    "rejected": "退回未重报",
    "missing": "未报送",
    "waived": "免报",
}
LIST_LABELS = {"red": "红榜", "black": "黑榜"}


def _pct(key: str, value: float | None) -> Fig:
    return Fig(key, value, "—" if is_missing(value) else f"{value:.1f}%")


def _pp_phrase(key: str, gap: float) -> list[Any]:
    """`超时间进度0.4个百分点` / `低于时间进度3.0个百分点` / `与时间进度持平`."""
    rounded = round(gap, 1)
    if rounded > 0:
        return ["超时间进度", Fig(key, gap, f"{rounded:.1f}"), "个百分点"]
    if rounded < 0:
        return ["低于时间进度", Fig(key, gap, f"{-rounded:.1f}"), "个百分点"]
    return ["与时间进度持平", Fig(key, gap, "")]


def ytd_label(month: dt.date) -> str:
    """`1-6月` (`1月` in January)."""
    return "1月" if month.month == 1 else f"1-{month.month}月"


# ------------------------------------------------------------------ 一、主要经济指标


def _previous_growth(data: BulletinData, code: str, cluster: str) -> float | None:
    """The growth rate of the indicator's latest earlier report in the same year."""
    earlier = [
        r
        for r in data.indicators
        if r["indicator_code"] == code
        and (r["cluster"] or "") == cluster
        and r["month"] < data.month
    ]
    if not earlier:
        return None
    return max(earlier, key=lambda r: r["month"])["yoy_growth_pct"]


def _value_and_unit(row: Row) -> tuple[float | None, str]:
    """Money indicators in 亿元 (stored 万元); others in their own unit."""
    if row["unit"] == "万元":
        v = row["value_ytd"]
        return (None if is_missing(v) else v / 10000.0), "亿元"
    return row["value_ytd"], row["unit"]


def economy(data: BulletinData) -> Section:
    """一、主要经济指标: year to date, growth, target completion, city rank, change."""
    s = Section("economy", "主要经济指标", "主要经济指标")
    order = {c["indicator_code"]: i for i, c in enumerate(data.catalog)}
    rows = sorted(
        (r for r in data.indicators if r["month"] == data.month and not r["cluster"]),
        key=lambda r: order.get(r["indicator_code"], 99),
    )
    table = Table(
        "economy",
        f"{ytd_label(data.month)}主要经济指标完成情况",
        [
            Column("指标"),
            Column("计量单位"),
            Column(f"{ytd_label(data.month)}累计", "num"),
            Column("同比增长(%)", "pct"),
            Column("较上期增速(百分点)", "pp"),
            Column("年度目标", "num"),
            Column("完成年度目标(%)", "pct"),
            Column("全市排名", "int"),
        ],
    )
    parts: list[Any] = [f"{ytd_label(data.month)}，"]
    for r in rows:
        code = r["indicator_code"]
        value, unit = _value_and_unit(r)
        target = r["annual_target"]
        if unit == "亿元" and not is_missing(target):
            target = target / 10000.0
        prev = _previous_growth(data, code, "")
        change = (
            None
            if is_missing(prev) or is_missing(r["yoy_growth_pct"])
            else (r["yoy_growth_pct"] - prev)
        )
        table.rows.append(
            [
                r["indicator_name"],
                unit,
                value,
                r["yoy_growth_pct"],
                change,
                target,
                r["target_completion_pct"],
                r["city_rank"],
            ]
        )
        phrase: list[Any] = [r["indicator_name"]]
        if not is_missing(r["value_ytd"]):
            shown = (
                money(r["value_ytd"])
                if r["unit"] == "万元"
                else (f"{trim(r['value_ytd'], 2)}{r['unit']}")
            )
            phrase.append(Fig(f"economy.{code}.value_ytd", r["value_ytd"], shown))
        if not is_missing(r["yoy_growth_pct"]):
            phrase += ["，同比增长", _pct(f"economy.{code}.growth", r["yoy_growth_pct"])]
        if not is_missing(r["city_rank"]):
            phrase += [
                "，增速居全市第",
                Fig(f"economy.{code}.rank", r["city_rank"], str(r["city_rank"])),
                "位",
            ]
        parts += phrase + ["；"]
    if rows:
        parts[-1] = "。"
        s.paragraphs.append(parts)
        firsts = [r["indicator_name"] for r in rows if r["city_rank"] == 1]
        if firsts:
            s.paragraphs.append(
                [
                    "增速居全市第一的指标：",
                    Fig.count("economy.first_count", len(firsts)),
                    "项（" + "、".join(firsts) + "）。",
                ]
            )
    else:
        s.paragraphs.append(["本月无主要经济指标数据。"])
    s.tables.append(table)
    clusters = sorted(
        (r for r in data.indicators if r["month"] == data.month and r["cluster"]),
        key=lambda r: (order.get(r["indicator_code"], 99), r["cluster"]),
    )
    if clusters:
        ct = Table(
            "economy_clusters",
            "分产业集群",
            [
                Column("指标"),
                Column("产业集群"),
                Column("计量单位"),
                Column(f"{ytd_label(data.month)}累计", "num"),
                Column("同比增长(%)", "pct"),
                Column("年度目标", "num"),
                Column("完成年度目标(%)", "pct"),
            ],
        )
        for r in clusters:
            value, unit = _value_and_unit(r)
            target = r["annual_target"]
            if unit == "亿元" and not is_missing(target):
                target = target / 10000.0
            ct.rows.append(
                [
                    r["indicator_name"],
                    data.cluster_names.get(r["cluster"], r["cluster"]),
                    unit,
                    value,
                    r["yoy_growth_pct"],
                    target,
                    r["target_completion_pct"],
                ]
            )
        s.tables.append(ct)
    return s


# ------------------------------------------------------------------ 二、重点项目


def _project_totals(rows: list[Row]) -> tuple[int, float, float, float, float | None]:
    """count, total investment, annual plan, invested year to date (万元), completion %."""
    total = sum(r["total_investment_wan"] or 0 for r in rows)
    plan = sum(r["annual_plan_wan"] or 0 for r in rows)
    ytd = sum(r["invested_ytd_wan"] or 0 for r in rows)
    return len(rows), total, plan, ytd, (ytd / plan * 100 if plan else None)


def _group_table(
    key: str, title: str, label: str, groups: list[tuple[str, list[Row]]], time_progress: float
) -> Table:
    t = Table(
        key,
        title,
        [
            Column(label),
            Column("项目个数", "int"),
            Column("总投资(亿元)", "yi"),
            Column("年度计划投资(亿元)", "yi"),
            Column("累计完成投资(亿元)", "yi"),
            Column("完成年度计划(%)", "pct"),
            Column("与时间进度差(百分点)", "pp"),
        ],
    )
    for name, rows in groups:
        if not rows:
            continue
        n, total, plan, ytd, pct = _project_totals(rows)
        t.rows.append(
            [name, n, total, plan, ytd, pct, None if pct is None else pct - time_progress]
        )
    return t


def projects(data: BulletinData) -> Section:
    """二、重点项目: counts and investment, completion against time progress, laggards, issues."""
    s = Section("projects", "重点项目建设", "重点项目")
    rows = data.projects
    time_progress = data.month.month / 12 * 100
    if rows and not is_missing(rows[0]["time_progress_pct"]):
        time_progress = rows[0]["time_progress_pct"]
    n, total, _plan, ytd, pct = _project_totals(rows)
    if not rows:
        s.paragraphs.append(["本月无重点项目数据。"])
        return s
    para: list[Any] = [
        "全区实施省、市、区三级重点项目",
        Fig.count("projects.count", n),
        "个，总投资",
        Fig("projects.total_wan", total, money(total)),
        f"，{ytd_label(data.month)}完成投资",
        Fig("projects.ytd_wan", ytd, money(ytd)),
        "，完成年度计划的",
        _pct("projects.completion", pct),
        "，",
    ]
    para += _pp_phrase("projects.gap", (pct or 0) - time_progress)
    para += ["（时间进度", _pct("projects.time_progress", time_progress), "）。"]
    s.paragraphs.append(para)
    by_level = [(lv, [r for r in rows if r["level"] == lv]) for lv in LEVELS]
    level_para: list[Any] = ["其中，"]
    for lv, lrows in by_level:
        if not lrows:
            continue
        ln, _, _, _, lpct = _project_totals(lrows)
        key = f"projects.level.{lv}"
        level_para += [
            lv,
            "项目",
            Fig(f"{key}.count", ln, str(ln)),
            "个，完成年度计划的",
            _pct(f"{key}.completion", lpct),
            "，",
        ]
        level_para += _pp_phrase(f"{key}.gap", (lpct or 0) - time_progress) + ["；"]
    level_para[-1] = "。"
    s.paragraphs.append(level_para)
    s.tables.append(
        _group_table("projects_by_level", "按项目级别", "项目级别", by_level, time_progress)
    )
    categories = list(CATEGORIES) + sorted({r["category"] for r in rows} - set(CATEGORIES))
    s.tables.append(
        _group_table(
            "projects_by_category",
            "按项目类别",
            "项目类别",
            [(c, [r for r in rows if r["category"] == c]) for c in categories],
            time_progress,
        )
    )
    lagging = sorted((r for r in rows if r["is_lagging"]), key=lambda r: r["progress_gap_pp"])
    s.paragraphs.append(
        [
            "进度滞后（低于时间进度10个百分点以上）的项目",
            Fig.count("projects.lagging", len(lagging)),
            "个，请责任单位加快推进：" if lagging else "个。",
        ]
        + (
            [
                "、".join(
                    f"{r['project_name']}（{data.unit(r['responsible_unit'])}）"
                    for r in lagging[:10]
                )
                + ("等。" if len(lagging) > 10 else "。")
            ]
            if lagging
            else []
        )
    )
    lt = Table(
        "projects_lagging",
        "进度滞后项目",
        [
            Column("项目编号"),
            Column("项目名称"),
            Column("项目级别"),
            Column("责任单位"),
            Column("年度计划投资(万元)", "wan"),
            Column("累计完成投资(万元)", "wan"),
            Column("完成年度计划(%)", "pct"),
            Column("与时间进度差(百分点)", "pp"),
        ],
    )
    for r in lagging:
        lt.rows.append(
            [
                r["project_code"],
                r["project_name"],
                r["level"],
                data.unit(r["responsible_unit"]),
                r["annual_plan_wan"],
                r["invested_ytd_wan"],
                r["plan_completion_pct"],
                r["progress_gap_pp"],
            ]
        )
    s.tables.append(lt)
    _issues(data, s)
    return s


def _issues(data: BulletinData, s: Section) -> None:
    issues = data.issues
    names = {r["project_code"]: r["project_name"] for r in data.projects}
    counts = defaultdict(int)
    for i in issues:
        counts[i["status"]] += 1
    overdue = [i for i in issues if i["is_overdue"]]
    s.paragraphs.append(
        [
            "项目推进问题台账共有问题",
            Fig.count("issues.count", len(issues)),
            "个，其中已解决",
            Fig.count("issues.resolved", counts["已解决"]),
            "个、解决中",
            Fig.count("issues.in_progress", counts["解决中"]),
            "个、未解决",
            Fig.count("issues.open", counts["未解决"]),
            "个；超过解决时限仍未解决的",
            Fig.count("issues.overdue", len(overdue)),
            "个。",
        ]
    )
    by_owner: dict[str, list[Row]] = defaultdict(list)
    for i in issues:
        by_owner[i["owner_unit"]].append(i)
    ot = Table(
        "issues_by_owner",
        "问题按责任部门",
        [
            Column("责任部门"),
            Column("问题数", "int"),
            Column("已解决", "int"),
            Column("未办结", "int"),
            Column("其中超期", "int"),
        ],
    )
    for owner, items in sorted(
        by_owner.items(),
        key=lambda kv: (
            -sum(bool(i["is_overdue"]) for i in kv[1]),
            -sum(i["status"] != "已解决" for i in kv[1]),
            kv[0],
        ),
    ):
        ot.rows.append(
            [
                data.unit(owner),
                len(items),
                sum(i["status"] == "已解决" for i in items),
                sum(i["status"] != "已解决" for i in items),
                sum(bool(i["is_overdue"]) for i in items),
            ]
        )
    s.tables.append(ot)
    it = Table(
        "issues_open",
        "未办结问题（超期在前）",
        [
            Column("问题编号"),
            Column("项目"),
            Column("责任部门"),
            Column("提出日期", "date"),
            Column("解决时限", "date"),
            Column("办理状态"),
            Column("是否超期"),
            Column("已历时(天)", "int"),
        ],
    )
    for i in sorted(
        (i for i in issues if i["status"] != "已解决"),
        key=lambda i: (not i["is_overdue"], i["due_on"] or dt.date.max, i["issue_code"]),
    ):
        it.rows.append(
            [
                i["issue_code"],
                names.get(i["project_code"], i["project_code"]),
                data.unit(i["owner_unit"]),
                i["raised_on"],
                i["due_on"],
                i["status"],
                "超期" if i["is_overdue"] else "",
                i["days_open"],
            ]
        )
    s.tables.append(it)


# ------------------------------------------------------------------ 三、招商引资签约


def signings(data: BulletinData) -> Section:
    """三、招商引资签约: this month and year to date, by size band."""
    s = Section("signings", "招商引资签约", "招商引资签约")
    month_rows = [r for r in data.signings if r["month"] == data.month]
    ytd_rows = data.signings
    total = sum(r["agreed_investment_wan"] or 0 for r in ytd_rows)
    mtotal = sum(r["agreed_investment_wan"] or 0 for r in month_rows)
    band_count = {b: sum(r["size_band"] == b for r in ytd_rows) for b in SIZE_BANDS}
    para: list[Any] = [
        f"{ytd_label(data.month)}，全区签约项目",
        Fig.count("signings.ytd_count", len(ytd_rows)),
        "个，协议总投资",
        Fig("signings.ytd_wan", total, money(total)),
        "，其中投资10亿元以上项目",
        Fig.count("signings.band.>=10亿", band_count[">=10亿"]),
        "个、1亿元至10亿元项目",
        Fig.count("signings.band.1-10亿", band_count["1-10亿"]),
        "个、1亿元以下项目",
        Fig.count("signings.band.<1亿", band_count["<1亿"]),
        f"个。{data.month.month}月签约项目",
        Fig.count("signings.month_count", len(month_rows)),
        "个，协议投资",
        Fig("signings.month_wan", mtotal, money(mtotal)),
        "。",
    ]
    s.paragraphs.append(para)
    bt = Table(
        "signings_by_band",
        "按投资规模",
        [
            Column("投资规模"),
            Column("本月个数", "int"),
            Column("本月协议投资(亿元)", "yi"),
            Column("累计个数", "int"),
            Column("累计协议投资(亿元)", "yi"),
        ],
    )
    for b in SIZE_BANDS:
        m = [r for r in month_rows if r["size_band"] == b]
        y = [r for r in ytd_rows if r["size_band"] == b]
        bt.rows.append(
            [
                SIZE_BAND_LABELS[b],
                len(m),
                sum(r["agreed_investment_wan"] for r in m),
                len(y),
                sum(r["agreed_investment_wan"] for r in y),
            ]
        )
    bt.rows.append(["合计", len(month_rows), mtotal, len(ytd_rows), total])
    s.tables.append(bt)
    lt = Table(
        "signings_month",
        f"{data.month.month}月签约项目",
        [
            Column("签约编号"),
            Column("项目名称"),
            Column("投资方"),
            Column("签约日期", "date"),
            Column("协议投资(亿元)", "yi"),
            Column("落地项目编号"),
        ],
    )
    for r in sorted(month_rows, key=lambda r: (r["signed_on"] or dt.date.min, r["signing_code"])):
        lt.rows.append(
            [
                r["signing_code"],
                r["project_name"],
                r["investor"],
                r["signed_on"],
                r["agreed_investment_wan"],
                r["project_code"] or "",
            ]
        )
    s.tables.append(lt)
    return s


# ------------------------------------------------------------------ 四、考核排名


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


def campaigns(data: BulletinData) -> Section:
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
        shown = (
            rows
            if len(rows) <= 20
            else (
                [r for r in rows if r["rank"] <= 10]
                + [r for r in rows if r["rank"] > last_rank - 5 and r["rank"] > 10]
            )
        )
        t = Table(
            f"campaign_{code}_{group}",
            f"{name}·{label}" + ("（前十名与后五名）" if len(shown) < len(rows) else ""),
            [
                Column("名次", "int"),
                Column("单位"),
                Column("得分", "num"),
                Column("满分", "num"),
                Column("上月名次", "int"),
                Column("整改问题数", "int"),
            ],
        )
        for r in shown:
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
            Fig("rewards.month_paid", paid, money(paid)),
            "、罚款",
            Fig("rewards.month_fined", fined, money(fined)),
            f"；{ytd_label(data.month)}累计奖励",
            Fig("rewards.ytd_paid", ypaid, money(ypaid)),
            "、罚款",
            Fig("rewards.ytd_fined", yfined, money(yfined)),
            "。",
        ]
    )
    cash = [r for r in data.rewards if r["amount_wan"]]  # list rules carry no money
    units = sorted({r["unit_code"] for r in cash})
    t = Table(
        "rewards",
        "奖惩兑现（万元，罚款为负）",
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
    t.rows = sorted(lines, key=lambda r: (-r[2], -r[3], r[0]))
    s.tables.append(t)


# ------------------------------------------------------------------ 五、报送情况


def submissions(data: BulletinData) -> Section:
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
    for unit, items in sorted(by_unit.items(), key=lambda kv: data.unit(kv[0])):
        t.rows.append(
            [data.unit(unit), len(items)]
            + [
                sum(r["status"] == k for r in items)
                for k in ("on_time", "late", "rejected", "missing", "waived")
            ]
        )
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
        form = FORMS.get(r["form_code"])
        d.rows.append(
            [
                data.unit(r["unit_code"]),
                form.title if form else r["form_code"],
                r["due_on"],
                STATUS_LABELS.get(r["status"], r["status"]),
                r["first_received_at"],
                r["errors"],
            ]
        )
    s.tables.append(d)
    return s


# ------------------------------------------------------------------ 六、数据质量


def _revised(value: Any) -> list[str]:
    """publication_log.revised_months as a list of `YYYY-MM` (list, text or dates)."""
    if is_missing(value):
        return []
    if isinstance(value, list | tuple):
        items = value
    else:
        items = str(value).replace(";", ",").replace("[", "").replace("]", "").split(",")
    out = []
    for item in items:
        if isinstance(item, dt.date):
            out.append(f"{item:%Y-%m}")
        elif str(item).strip(" '\""):
            out.append(str(item).strip(" '\"")[:7])
    return out


def quality(data: BulletinData) -> Section:
    """六、数据质量: the gate's warnings and the revisions this publication made."""
    s = Section("quality", "数据质量", "数据质量")
    published = [p for p in data.publications if p.get("published")]
    latest = max(published, key=lambda p: p["attempted_at"]) if published else None
    revised = _revised(latest.get("revised_months")) if latest else []
    warnings = data.gate_warnings
    logged = latest.get("warnings") if latest else None
    count = len(warnings) if data.gate_report else (logged or 0)
    s.paragraphs.append(
        [
            "本月数据通过质量校验后发布，提示性问题",
            Fig.count("quality.warnings", count),
            "项",
            "（不影响发布，请相关单位核实）。" if count else "。",
        ]
        + ([] if data.gate_report or not count else ["质量报告未找到，明细从略。"])
    )
    s.paragraphs.append(
        [
            "本次发布修订了以前月份数据：" + "、".join(revised) + "。"
            if revised
            else "本次发布未修订以前月份数据。"
        ]
    )
    t = Table(
        "quality_warnings",
        "提示性问题",
        [Column("编号"), Column("检查"), Column("说明"), Column("示例记录数", "int")],
    )
    for w in warnings:
        rows = w.get("examples", w.get("rows", w.get("count")))
        n = len(rows) if isinstance(rows, list) else rows
        t.rows.append(
            [
                str(w.get("code", w.get("id", ""))),
                str(w.get("check", w.get("name", w.get("title", "")))),
                str(w.get("message_zh", w.get("message", w.get("description", "")))),
                n if isinstance(n, int) and not isinstance(n, bool) else None,
            ]
        )
    s.tables.append(t)
    s.tables.append(
        Table("quality_revisions", "修订的月份", [Column("月份")], [[m] for m in revised])
    )
    return s


def build(data: BulletinData) -> list[Section]:
    """The six sections in order."""
    return [
        economy(data),
        projects(data),
        signings(data),
        campaigns(data),
        submissions(data),
        quality(data),
    ]


__all__ = ["build", "fmt", "ytd_label"]
