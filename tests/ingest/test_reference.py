"""The reference CSVs and their loader: content, lookups, integrity and error reporting."""

from __future__ import annotations

import csv
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from ingest.reference import (
    FILES,
    Reference,
    ReferenceDataError,
    integrity_problems,
    load_reference,
)
from ingest.settings import DEFAULT_REFERENCE_DIR as REFERENCE_DIR

NOV_2014 = date(2014, 11, 1)
JUN_2019 = date(2019, 6, 1)

DOMAIN_DEPARTMENTS = ["drc", "fin", "ist", "lce", "soc", "hfp", "fio", "agr", "scc", "ins"]
DOMAIN_TOWNS = {
    "sjz": "苏家作乡",
    "ngz": "宁郭镇",
    "ymz": "阳庙镇",
    "wcj": "文昌街道",
    "lwj": "李万街道",
    "wyj": "文苑街道",
}
DOMAIN_VILLAGES = {
    "sjz": [
        "苏家作村",
        "北石涧村",
        "南石涧村",
        "吉庄村",
        "东官庄村",
        "西官庄村",
        "东齐村",
        "司家寨村",
        "寨卜昌村",
    ],
    "ngz": ["宁郭村", "封庄村"],
    "ymz": ["杨庄村"],
    "wcj": ["马庄村"],
    "lwj": ["宝丰寨村", "泰屯村", "南张村", "大北张村", "北李万村", "秦屯村", "杨庄村"],
    "wyj": ["史平陵村", "和屯村"],
}

DESIGN_HEADERS = {
    "org_units.csv": "unit_code,unit_name,unit_type,parent_code,valid_from,valid_to,name_en",
    "indicators.csv": "indicator_code,indicator_name,unit,kind,growth_basis,is_value_optional,"
    "frequency,is_by_cluster,is_additive",
    "clusters.csv": "cluster_code,cluster_name,valid_from,valid_to",
    "submission_calendar.csv": "form_code,submitter,months,due_day,due_month_offset,"
    "is_mandatory,allows_empty",
    "campaigns.csv": "campaign_code,campaign_name,lead_unit,start_month,end_month,unit_groups,"
    "has_money",
    "campaign_criteria.csv": "campaign_code,unit_group,criterion_code,criterion_name,max_score",
    "reward_rules.csv": "rule_code,campaign_code,unit_group,period,basis,rank_from,rank_to,"
    "min_average,max_average,amount_wan,requires_creation_list,disqualifies_awards,list_name,"
    "reason_zh",
    "creation_list.csv": "year,campaign_code,unit_code",
    "waivers.csv": "month,unit_code,form_code,reason,approved_by",
    "settings.csv": "key,value,description",
}


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference()


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of the seed folder to break on purpose."""
    target = tmp_path / "seeds"
    shutil.copytree(REFERENCE_DIR, target)
    return target


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


# ---------------------------------------------------------------- files and counts


def test_every_file_has_the_design_header() -> None:
    assert set(DESIGN_HEADERS) == set(FILES)
    for name, header in DESIGN_HEADERS.items():
        first = (REFERENCE_DIR / name).read_text(encoding="utf-8").splitlines()[0]
        assert first == header, name


def test_unit_counts(ref: Reference) -> None:
    assert len(ref.towns(NOV_2014)) == 6
    assert len(ref.villages(NOV_2014)) >= 104
    assert len(ref.departments(NOV_2014)) >= 16
    assert len(ref.departments(JUN_2019)) >= 16


def test_village_codes_are_town_code_and_three_digits(ref: Reference) -> None:
    for village in ref.villages(NOV_2014):
        assert village.code[:3] == village.parent_code
        assert len(village.code) == 6 and village.code[3:].isdigit()
        assert village.group == "village"


def test_village_names_unique_within_town(ref: Reference) -> None:
    pairs = [(v.parent_code, v.name) for v in ref.villages(NOV_2014)]
    assert len(pairs) == len(set(pairs))


def test_domain_codes_present(ref: Reference) -> None:
    for code in DOMAIN_DEPARTMENTS:
        unit = ref.unit(code, NOV_2014)
        assert unit is not None and unit.unit_type == "department", code
    for code, name in DOMAIN_TOWNS.items():
        unit = ref.unit(code, NOV_2014)
        assert unit is not None and unit.name == name and unit.group == "town"


@pytest.mark.parametrize("town", sorted(DOMAIN_VILLAGES))
def test_named_villages_under_their_town(ref: Reference, town: str) -> None:
    names = {v.name for v in ref.villages(NOV_2014) if v.parent_code == town}
    assert set(DOMAIN_VILLAGES[town]) <= names


def test_every_unit_has_an_english_name(ref: Reference) -> None:
    assert all(u.name_en and u.name_en.isascii() for u in ref.units)


# ---------------------------------------------------------------- resolving units


def test_two_yangzhuang_villages(ref: Reference) -> None:
    in_ymz = ref.resolve_unit("阳庙镇/杨庄村", NOV_2014)
    in_lwj = ref.resolve_unit("李万街道/杨庄村", NOV_2014)
    assert in_ymz is not None and in_lwj is not None
    assert in_ymz.code != in_lwj.code
    assert (in_ymz.parent_code, in_lwj.parent_code) == ("ymz", "lwj")
    assert ref.village_label(in_lwj) == "李万街道/杨庄村"
    assert ref.village_label(in_ymz) == "阳庙镇/杨庄村"


@pytest.mark.parametrize("text", ["杨庄村", "苏家作村", "司家寨村", " 和屯村 "])
def test_bare_village_name_never_resolves(ref: Reference, text: str) -> None:
    assert ref.resolve_unit(text, NOV_2014) is None


def test_resolve_by_code_name_and_town_forms(ref: Reference) -> None:
    assert ref.resolve_unit("drc", NOV_2014).code == "drc"
    assert ref.resolve_unit(" 区招商局 ", NOV_2014).code == "ist"
    assert ref.resolve_unit("李万街道", NOV_2014).code == "lwj"
    village = ref.resolve_unit("李万街道/杨庄村", NOV_2014)
    assert ref.resolve_unit("lwj/杨庄村", NOV_2014) == village
    assert ref.resolve_unit("李万街道／杨庄村", NOV_2014) == village
    assert ref.resolve_unit(village.code, NOV_2014) == village


@pytest.mark.parametrize(
    "text",
    ["", "xyz", "文昌街道/杨庄村", "区发展改革局/杨庄村", "李万街道/", "/杨庄村", "区招商"],
)
def test_unknown_or_wrong_names_do_not_resolve(ref: Reference, text: str) -> None:
    assert ref.resolve_unit(text, NOV_2014) is None


def test_lce_name_depends_on_the_date(ref: Reference) -> None:
    assert ref.unit("lce", NOV_2014).name == "高新国土资源分局"
    assert ref.unit("lce", JUN_2019).name == "区国土建设环保局"
    assert ref.unit("lce").name == "区国土建设环保局"
    assert ref.resolve_unit("高新国土资源分局", NOV_2014).code == "lce"
    assert ref.resolve_unit("高新国土资源分局", JUN_2019) is None
    assert ref.resolve_unit("区国土建设环保局", NOV_2014) is None
    assert ref.resolve_unit("区国土建设环保局", JUN_2019).code == "lce"
    assert ref.resolve_unit("lce", date(2015, 12, 31)).name == "高新国土资源分局"
    assert ref.resolve_unit("lce", date(2016, 1, 1)).name == "区国土建设环保局"
    assert sum(u.code == "lce" for u in ref.units_valid_on(NOV_2014)) == 1


def test_units_before_the_zone_existed(ref: Reference) -> None:
    assert ref.units_valid_on(date(2009, 12, 31)) == []
    assert ref.unit("drc", date(2009, 12, 31)) is None


# ---------------------------------------------------------------- catalog and calendar


def test_indicator_catalog(ref: Reference) -> None:
    assert len(ref.indicators) == 12
    optional = {i.code for i in ref.indicators if i.is_value_optional}
    assert optional == {"va_industry", "fai", "va_high_tech"}
    by_cluster = {i.code for i in ref.indicators if i.is_by_cluster}
    assert by_cluster == {"industry_output", "enterprises_above", "new_enterprises_above"}
    assert all(ref.indicator(code).is_additive for code in by_cluster)
    gdp = ref.indicator("gdp")
    assert (gdp.frequency, gdp.growth_basis, gdp.kind) == ("quarterly", "comparable", "flow")
    assert gdp.is_reported_in(date(2019, 6, 1)) and not gdp.is_reported_in(date(2019, 5, 1))
    assert ref.indicator("enterprises_above").kind == "stock"
    assert ref.indicator("retail").growth_basis == "nominal"
    assert ref.indicator("nope") is None


def test_clusters_by_code_or_name(ref: Reference) -> None:
    assert ref.cluster("先进装备制造").code == "equipment"
    assert ref.cluster("food", NOV_2014).name == "食品"
    assert ref.cluster("biomed", NOV_2014) is None
    assert ref.cluster("生物医药", JUN_2019).code == "biomed"
    assert ref.cluster("生物医药").code == "biomed"
    assert ref.cluster("纺织") is None
    assert len([c for c in ref.clusters if c.is_valid_on(NOV_2014)]) == 4


def test_calendar(ref: Reference) -> None:
    forms = {c.form_code: c for c in ref.calendar}
    assert len(forms) == 7
    assert all(c.is_mandatory and c.due_day == 5 for c in ref.calendar)
    assert {f for f, c in forms.items() if c.allows_empty} == {
        "investment_signings",
        "project_issues",
    }
    plan = forms["key_project_plan"]
    assert plan.applies_to(date(2019, 1, 1)) and not plan.applies_to(date(2019, 2, 1))
    assert plan.due_on(date(2019, 1, 1)) == date(2019, 2, 5)
    assert forms["econ_indicators"].due_on(date(2014, 12, 1)) == date(2015, 1, 5)
    assert forms["campaign_scores"].submitter == "campaign_lead"
    assert ref.calendar_entry("project_progress").submitter == "plan_responsible"


def test_settings(ref: Reference) -> None:
    assert ref.setting("city_district_count") == "11"
    assert float(ref.setting("lagging_threshold_pp")) == -10
    assert float(ref.setting("growth_tolerance_pp")) == 0.1
    assert float(ref.setting("ytd_tolerance_wan")) == 1
    assert float(ref.setting("cluster_sum_tolerance_pct")) == 0.5
    with pytest.raises(KeyError, match="settings.csv"):
        ref.setting("no_such_setting")


# ---------------------------------------------------------------- campaigns and rules


def test_campaigns_running(ref: Reference) -> None:
    running = lambda month: {c.code for c in ref.campaigns_running(month)}
    assert running(date(2014, 7, 1)) == set()
    assert running(date(2014, 8, 1)) == {"mlxc"}
    assert running(date(2014, 9, 15)) == {"mlxc", "zdgz"}
    assert running(date(2019, 1, 1)) == {"mlxc", "zdgz", "scsc"}
    mlxc = ref.campaign("mlxc")
    assert (mlxc.lead_unit, mlxc.unit_groups, mlxc.has_money) == ("agr", ("town", "village"), True)
    assert ref.campaign("scsc").unit_groups == ("town", "department")


@pytest.mark.parametrize("campaign", ["mlxc", "scsc", "zdgz"])
def test_criteria_maxima_sum_to_100_per_group(ref: Reference, campaign: str) -> None:
    for group in ref.campaign(campaign).unit_groups:
        criteria = ref.criteria(campaign, group)
        assert criteria, (campaign, group)
        assert sum(c.max_score for c in criteria) == 100


def test_mlxc_criteria(ref: Reference) -> None:
    maxima = {c.criterion_code: c.max_score for c in ref.criteria("mlxc", "village")}
    assert maxima == {"hjws": 40, "jcss": 20, "bjzd": 20, "crcm": 20}
    assert ref.criteria("mlxc", "department") == []


def test_mlxc_monthly_rewards_reproduce_the_seed_total(ref: Reference) -> None:
    """Two assessed months (2014-08, 2014-09) pay 26 万元 in all (seed 000)."""
    monthly = [r for r in ref.reward_rules("mlxc") if r.period == "monthly"]
    per_month = sum((r.rank_to - r.rank_from + 1) * r.amount_wan for r in monthly)
    assert per_month * 2 == pytest.approx(26)
    town = {r.rank_from: r.amount_wan for r in monthly if r.unit_group == "town"}
    assert town == {1: 4, 2: 3, 3: 2}


def test_mlxc_year_end_rules(ref: Reference) -> None:
    rules = {r.rule_code: r for r in ref.reward_rules("mlxc") if r.period == "december"}
    last = rules["mlxc_town_year_last"]
    assert (last.amount_wan, last.disqualifies_awards, last.basis) == (
        -10,
        True,
        "year_lowest_average",
    )
    demo, standard = rules["mlxc_village_demo"], rules["mlxc_village_standard"]
    assert (demo.min_average, demo.max_average, demo.amount_wan) == (90, None, 5)
    assert (standard.min_average, standard.max_average, standard.amount_wan) == (80, 90, 2)
    assert demo.requires_creation_list and standard.requires_creation_list


def test_list_rules(ref: Reference) -> None:
    scsc = ref.reward_rules("scsc")
    lists = {(r.unit_group, r.basis, r.list_name) for r in scsc}
    assert lists == {
        ("town", "rank_first", "red"),
        ("town", "rank_last", "black"),
        ("department", "rank_first", "red"),
        ("department", "rank_last", "black"),
    }
    assert all(r.amount_wan == 0 for r in scsc)
    (zdgz,) = ref.reward_rules("zdgz")
    assert (zdgz.period, zdgz.basis, zdgz.amount_wan) == ("quarterly", "rank_last", 0)


def test_reward_rule_key_is_unique(ref: Reference) -> None:
    keys = [(r.rule_code, r.rank_from) for r in ref.all_reward_rules]
    assert len(keys) == len(set(keys))


def test_creation_lists(ref: Reference) -> None:
    for year in (2014, 2019):
        listed = ref.creation_list(year, "mlxc")
        assert len(listed) == 18
        assert all(ref.unit(code).unit_type == "village" for code in listed)
    assert ref.resolve_unit("阳庙镇/杨庄村", NOV_2014).code in ref.creation_list(2014, "mlxc")
    assert ref.creation_list(2015, "mlxc") == set()


def test_no_waivers_shipped(ref: Reference) -> None:
    assert ref.waivers(NOV_2014) == []


# ---------------------------------------------------------------- integrity


def test_shipped_reference_is_consistent(ref: Reference) -> None:
    assert integrity_problems(ref) == []


def test_every_foreign_key_resolves(ref: Reference) -> None:
    codes = {u.code for u in ref.units}
    campaigns = {c.code for c in ref.campaigns}
    for unit in ref.units:
        if unit.parent_code:
            assert ref.unit(unit.parent_code).unit_type == "town"
    assert {c.lead_unit for c in ref.campaigns} <= codes
    for rows in (ref.all_criteria, ref.all_reward_rules, ref.creation_entries):
        assert {r.campaign_code for r in rows} <= campaigns
    assert {e.unit_code for e in ref.creation_entries} <= codes
    for rule in ref.all_reward_rules:
        assert rule.unit_group in ref.campaign(rule.campaign_code).unit_groups
    for criterion in ref.all_criteria:
        assert criterion.unit_group in ref.campaign(criterion.campaign_code).unit_groups


def test_broken_foreign_key_is_reported(seeds_copy: Path) -> None:
    _append(seeds_copy / "org_units.csv", "xyz001,新村,village,xyz,2010-01-01,,Xin Village")
    with pytest.raises(ReferenceDataError, match="xyz001"):
        load_reference(seeds_copy)


def test_overlapping_versions_are_reported(seeds_copy: Path) -> None:
    _append(seeds_copy / "org_units.csv", "drc,区经济发展局,department,,2015-01-01,,Economy")
    with pytest.raises(ReferenceDataError, match="versions of drc overlap"):
        load_reference(seeds_copy)


def test_bad_value_names_file_row_and_column(seeds_copy: Path) -> None:
    path = seeds_copy / "indicators.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[3][5] = "yes"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    with pytest.raises(ReferenceDataError) as caught:
        load_reference(seeds_copy)
    message = str(caught.value)
    assert "indicators.csv row 4 column is_value_optional" in message
    assert "'yes'" in message


def test_missing_file_and_column_are_reported(seeds_copy: Path) -> None:
    (seeds_copy / "clusters.csv").write_text("cluster_code,cluster_name,valid_from\n")
    with pytest.raises(ReferenceDataError, match="clusters.csv: missing column"):
        load_reference(seeds_copy)
    (seeds_copy / "clusters.csv").unlink()
    with pytest.raises(ReferenceDataError, match="clusters.csv: reference file missing"):
        load_reference(seeds_copy)


def test_waiver_rows_load(seeds_copy: Path) -> None:
    _append(seeds_copy / "waivers.csv", "2014-11-01,hfp,project_issues,项目已竣工，无问题台账,ins")
    ref = load_reference(seeds_copy)
    (waiver,) = ref.waivers(date(2014, 11, 1))
    assert (waiver.unit_code, waiver.form_code, waiver.approved_by) == (
        "hfp",
        "project_issues",
        "ins",
    )
    assert ref.waivers(date(2014, 12, 1)) == []


def test_waiver_for_unknown_form_is_reported(seeds_copy: Path) -> None:
    _append(seeds_copy / "waivers.csv", "2014-11-01,hfp,no_such_form,原因,ins")
    with pytest.raises(ReferenceDataError, match="no_such_form"):
        load_reference(seeds_copy)


# ---------------------------------------------------------------- caching


def test_cached_per_folder_and_reloaded_after_an_edit(seeds_copy: Path) -> None:
    first = load_reference(seeds_copy)
    assert load_reference(seeds_copy) is first
    assert load_reference(seeds_copy / ".") is first
    path = seeds_copy / "settings.csv"
    _append(path, "extra_setting,42,an added setting")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = load_reference(seeds_copy)
    assert second is not first
    assert second.setting("extra_setting") == "42"
    assert load_reference() is load_reference(REFERENCE_DIR)
