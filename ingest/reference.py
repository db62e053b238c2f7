"""The reference data: units, indicator catalog, clusters, calendar, campaigns and their rules.

The CSVs live in `dbt_project/seeds/` (dbt seeds the same files into schema `reference`).
`load_reference()` reads them into typed, immutable records with the lookups ingest needs.
Nothing is read at import time; loads are cached per folder and file modification times.
"""

from __future__ import annotations

import csv
import functools
import itertools
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

from .settings import DEFAULT_REFERENCE_DIR

UnitType = Literal["department", "town", "village"]

VILLAGE_SEPARATORS = ("/", "／")
"""`town/village`: how a village is named outside its code (full-width slash accepted too)."""


class ReferenceDataError(ValueError):
    """A reference CSV is missing, malformed or inconsistent (names file, row, column, value)."""


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Unit:
    """One version of an organisation unit (department, town or village)."""

    code: str
    name: str
    unit_type: UnitType
    parent_code: str | None
    valid_from: date
    valid_to: date | None
    """Last day this version is valid (inclusive); None = still valid."""
    name_en: str

    @property
    def group(self) -> UnitType:
        """The campaign peer group: town, village or department (= the unit type)."""
        return self.unit_type

    def is_valid_on(self, day: date) -> bool:
        """True when this version is in force on `day`."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Indicator:
    """One entry of the indicator catalog."""

    code: str
    name: str
    unit: str
    kind: Literal["flow", "stock"]
    growth_basis: Literal["comparable", "nominal", "none"]
    is_value_optional: bool
    frequency: Literal["monthly", "quarterly"]
    is_by_cluster: bool
    is_additive: bool

    def is_reported_in(self, month: date) -> bool:
        """Quarterly indicators are reported in March, June, September and December only."""
        return self.frequency == "monthly" or month.month % 3 == 0


@dataclass(frozen=True)
class Cluster:
    """An industrial cluster (产业集群)."""

    code: str
    name: str
    valid_from: date
    valid_to: date | None

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class CalendarEntry:
    """Who submits a form, in which months, and when it is due."""

    form_code: str
    submitter: Literal["drc", "ist", "plan_responsible", "campaign_lead"]
    months: str
    """`all`, or the calendar months it is due for, `|`-separated (`1` = January)."""
    due_day: int
    due_month_offset: int
    is_mandatory: bool
    allows_empty: bool

    def applies_to(self, month: date) -> bool:
        """True when the form is expected for report month `month`."""
        if self.months == "all":
            return True
        return str(month.month) in self.months.split("|")

    def due_on(self, month: date) -> date:
        """The due date for report month `month` (e.g. the 5th of the next month)."""
        index = month.year * 12 + month.month - 1 + self.due_month_offset
        return date(index // 12, index % 12 + 1, self.due_day)


@dataclass(frozen=True)
class Campaign:
    """An assessment campaign led by one office."""

    code: str
    name: str
    lead_unit: str
    start_month: date
    end_month: date | None
    unit_groups: tuple[str, ...]
    has_money: bool

    def is_running(self, month: date) -> bool:
        """True when the campaign assesses in report month `month`."""
        first = month.replace(day=1)
        return self.start_month <= first and (self.end_month is None or first <= self.end_month)


@dataclass(frozen=True)
class Criterion:
    """One scored criterion of a campaign for one unit group."""

    campaign_code: str
    unit_group: str
    criterion_code: str
    criterion_name: str
    max_score: float


@dataclass(frozen=True)
class RewardRule:
    """One row of a reward/penalty rule (a rule may have one row per rank)."""

    rule_code: str
    campaign_code: str
    unit_group: str
    period: Literal["monthly", "quarterly", "december"]
    basis: Literal["rank", "year_lowest_average", "year_average", "rank_first", "rank_last"]
    rank_from: int | None
    rank_to: int | None
    min_average: float | None
    """Inclusive lower bound of the year's average score."""
    max_average: float | None
    """Exclusive upper bound of the year's average score."""
    amount_wan: float
    requires_creation_list: bool
    disqualifies_awards: bool
    list_name: str | None
    """`red` (红榜), `black` (黑榜) or None."""
    reason_zh: str


@dataclass(frozen=True)
class CreationListEntry:
    """A village on a campaign's creation list (创建名单) for one year."""

    year: int
    campaign_code: str
    unit_code: str


@dataclass(frozen=True)
class Waiver:
    """An approved exemption from one mandatory submission."""

    month: date
    unit_code: str
    form_code: str
    reason: str
    approved_by: str


@dataclass(frozen=True)
class Setting:
    """A named parameter of the rules."""

    key: str
    value: str
    description: str


# ---------------------------------------------------------------- files

R = TypeVar("R")

FILES: dict[str, tuple[type, dict[str, str]]] = {
    "org_units.csv": (Unit, {"unit_code": "code", "unit_name": "name"}),
    "indicators.csv": (Indicator, {"indicator_code": "code", "indicator_name": "name"}),
    "clusters.csv": (Cluster, {"cluster_code": "code", "cluster_name": "name"}),
    "submission_calendar.csv": (CalendarEntry, {}),
    "campaigns.csv": (Campaign, {"campaign_code": "code", "campaign_name": "name"}),
    "campaign_criteria.csv": (Criterion, {}),
    "reward_rules.csv": (RewardRule, {}),
    "creation_list.csv": (CreationListEntry, {}),
    "waivers.csv": (Waiver, {}),
    "settings.csv": (Setting, {}),
}
"""Each reference file, the record it holds, and CSV column → record field renames."""


def _convert(text: str, hint: Any, where: str) -> Any:
    """Convert one CSV cell to the field's type (empty = None where the field allows it)."""
    text = text.strip()
    args = get_args(hint)
    optional = type(None) in args
    if optional:
        hint = next(a for a in args if a is not type(None))
        if text == "":
            return None
    try:
        if get_origin(hint) is Literal:
            if text not in get_args(hint):
                raise ValueError(f"expected one of {', '.join(get_args(hint))}")
            return text
        if hint is bool:
            if text not in ("true", "false"):
                raise ValueError("expected true or false")
            return text == "true"
        if hint is date:
            return date.fromisoformat(text)
        if hint is int:
            return int(text)
        if hint is float:
            return float(text)
        if get_origin(hint) is tuple:
            return tuple(part for part in text.split("|") if part)
        return text
    except ValueError as exc:
        raise ReferenceDataError(f"{where}: invalid value {text!r} ({exc})") from None


def _read(path: Path, record: type[R], renames: dict[str, str]) -> tuple[R, ...]:
    """Read one reference CSV into records, naming the file, row and column of any problem."""
    if not path.is_file():
        raise ReferenceDataError(f"{path}: reference file missing")
    hints = get_type_hints(record)
    columns = {
        next((c for c, n in renames.items() if n == f.name), f.name): f.name for f in fields(record)
    }
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in columns if c not in header]
        if missing:
            raise ReferenceDataError(f"{path}: missing column(s) {', '.join(missing)}")
        rows = []
        for row in reader:
            values = {}
            for column, name in columns.items():
                where = f"{path.name} row {reader.line_num} column {column}"
                values[name] = _convert(row[column] or "", hints[name], where)
            rows.append(record(**values))
    return tuple(rows)


# ---------------------------------------------------------------- the reference


@dataclass(frozen=True)
class Reference:
    """All reference data of one folder, with lookups."""

    directory: Path
    units: tuple[Unit, ...]
    indicators: tuple[Indicator, ...]
    clusters: tuple[Cluster, ...]
    calendar: tuple[CalendarEntry, ...]
    campaigns: tuple[Campaign, ...]
    all_criteria: tuple[Criterion, ...]
    all_reward_rules: tuple[RewardRule, ...]
    creation_entries: tuple[CreationListEntry, ...]
    all_waivers: tuple[Waiver, ...]
    settings: tuple[Setting, ...]
    _by_code: dict[str, tuple[Unit, ...]] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        by_code: dict[str, list[Unit]] = {}
        for unit in self.units:
            by_code.setdefault(unit.code, []).append(unit)
        object.__setattr__(
            self,
            "_by_code",
            {c: tuple(sorted(us, key=lambda u: u.valid_from)) for c, us in by_code.items()},
        )

    # units -------------------------------------------------------------

    def unit(self, code: str, on: date | None = None) -> Unit | None:
        """The unit with `code`: its version valid `on` that day, or its latest version."""
        versions = self._by_code.get(code, ())
        if on is None:
            return versions[-1] if versions else None
        return next((u for u in versions if u.is_valid_on(on)), None)

    def units_valid_on(self, day: date) -> list[Unit]:
        """Every unit version in force on `day`, in file order."""
        return [u for u in self.units if u.is_valid_on(day)]

    def towns(self, on: date) -> list[Unit]:
        """The towns/subdistricts valid on `on`."""
        return [u for u in self.units_valid_on(on) if u.unit_type == "town"]

    def villages(self, on: date) -> list[Unit]:
        """The villages valid on `on`."""
        return [u for u in self.units_valid_on(on) if u.unit_type == "village"]

    def departments(self, on: date) -> list[Unit]:
        """The departments valid on `on`."""
        return [u for u in self.units_valid_on(on) if u.unit_type == "department"]

    def resolve_unit(self, text: str, on: date) -> Unit | None:
        """A unit named by code, exact name (not villages) or `town/village`, valid on `on`.

        A bare village name never resolves: two villages may share a name (杨庄村).
        """
        text = text.strip()
        if not text:
            return None
        by_code = self.unit(text, on)
        if by_code is not None:
            return by_code
        for sep in VILLAGE_SEPARATORS:
            if sep in text:
                town_text, _, village_name = (part.strip() for part in text.partition(sep))
                town = self.resolve_unit(town_text, on)
                if town is None or town.unit_type != "town":
                    return None
                return next(
                    (
                        v
                        for v in self.villages(on)
                        if v.parent_code == town.code and v.name == village_name
                    ),
                    None,
                )
        matches = [
            u for u in self.units_valid_on(on) if u.name == text and u.unit_type != "village"
        ]
        return matches[0] if len(matches) == 1 else None

    def village_label(self, unit: Unit, on: date | None = None) -> str:
        """`town name/village name` for a village (`李万街道/杨庄村`); a unit's name otherwise."""
        if unit.unit_type != "village" or unit.parent_code is None:
            return unit.name
        town = self.unit(unit.parent_code, on or unit.valid_from)
        town = town or self.unit(unit.parent_code)
        return f"{town.name if town else unit.parent_code}/{unit.name}"

    # catalog -----------------------------------------------------------

    def indicator(self, code: str) -> Indicator | None:
        """The catalog entry for `code`."""
        return next((i for i in self.indicators if i.code == code), None)

    def cluster(self, code_or_name: str, on: date | None = None) -> Cluster | None:
        """A cluster by code or Chinese name (valid `on` that day when given)."""
        text = code_or_name.strip()
        for c in self.clusters:
            if text in (c.code, c.name) and (on is None or c.is_valid_on(on)):
                return c
        return None

    def calendar_entry(self, form_code: str) -> CalendarEntry | None:
        """The calendar row of a form."""
        return next((c for c in self.calendar if c.form_code == form_code), None)

    # campaigns ---------------------------------------------------------

    def campaign(self, code: str) -> Campaign | None:
        """The campaign with `code`."""
        return next((c for c in self.campaigns if c.code == code), None)

    def campaigns_running(self, month: date) -> list[Campaign]:
        """Campaigns that assess in report month `month`."""
        return [c for c in self.campaigns if c.is_running(month)]

    def criteria(self, campaign_code: str, unit_group: str) -> list[Criterion]:
        """The criteria of a campaign for one unit group, in file order."""
        return [
            c
            for c in self.all_criteria
            if c.campaign_code == campaign_code and c.unit_group == unit_group
        ]

    def reward_rules(self, campaign_code: str) -> list[RewardRule]:
        """The reward/penalty rule rows of a campaign, in file order."""
        return [r for r in self.all_reward_rules if r.campaign_code == campaign_code]

    def creation_list(self, year: int, campaign_code: str) -> set[str]:
        """Unit codes on a campaign's creation list for `year`."""
        return {
            e.unit_code
            for e in self.creation_entries
            if e.year == year and e.campaign_code == campaign_code
        }

    # operations --------------------------------------------------------

    def waivers(self, month: date) -> list[Waiver]:
        """Approved waivers for report month `month`."""
        first = month.replace(day=1)
        return [w for w in self.all_waivers if w.month == first]

    def setting(self, key: str) -> str:
        """The value of a setting; KeyError naming the file when it is not defined."""
        for s in self.settings:
            if s.key == key:
                return s.value
        raise KeyError(f"setting {key!r} not defined in {self.directory / 'settings.csv'}")


# ---------------------------------------------------------------- integrity


def integrity_problems(ref: Reference) -> list[str]:
    """Broken keys and foreign keys across the reference files (empty when consistent)."""
    problems: list[str] = []
    codes = {u.code for u in ref.units}
    campaigns = {c.code for c in ref.campaigns}
    seen: set[tuple[str, date]] = set()
    for u in ref.units:
        if (u.code, u.valid_from) in seen:
            problems.append(f"org_units.csv: duplicate key ({u.code}, {u.valid_from})")
        seen.add((u.code, u.valid_from))
        if u.valid_to is not None and u.valid_to < u.valid_from:
            problems.append(f"org_units.csv: {u.code} valid_to before valid_from")
        if u.unit_type == "village":
            parent = ref.unit(u.parent_code or "")
            if parent is None or parent.unit_type != "town":
                problems.append(f"org_units.csv: village {u.code} parent {u.parent_code!r} no town")
        elif u.parent_code and u.parent_code not in codes:
            problems.append(f"org_units.csv: {u.code} parent {u.parent_code!r} unknown")
    for code, versions in ref._by_code.items():
        for a, b in itertools.pairwise(versions):
            if a.valid_to is None or a.valid_to >= b.valid_from:
                problems.append(f"org_units.csv: versions of {code} overlap")
    for c in ref.campaigns:
        if c.lead_unit not in codes:
            problems.append(f"campaigns.csv: {c.code} lead_unit {c.lead_unit!r} unknown")
    for name, rows in (
        ("campaign_criteria.csv", ref.all_criteria),
        ("reward_rules.csv", ref.all_reward_rules),
        ("creation_list.csv", ref.creation_entries),
    ):
        for r in rows:
            if r.campaign_code not in campaigns:
                problems.append(f"{name}: campaign_code {r.campaign_code!r} unknown")
    for e in ref.creation_entries:
        unit = ref.unit(e.unit_code)
        if unit is None or unit.unit_type != "village":
            problems.append(f"creation_list.csv: {e.unit_code!r} is not a village")
    for w in ref.all_waivers:
        if w.unit_code not in codes:
            problems.append(f"waivers.csv: unit_code {w.unit_code!r} unknown")
        if ref.calendar_entry(w.form_code) is None:
            problems.append(f"waivers.csv: form_code {w.form_code!r} not in the calendar")
    return problems


# ---------------------------------------------------------------- loading


def _read_all(directory: Path) -> Reference:
    tables = {name: _read(directory / name, rec, ren) for name, (rec, ren) in FILES.items()}
    ref = Reference(
        directory=directory,
        units=tables["org_units.csv"],
        indicators=tables["indicators.csv"],
        clusters=tables["clusters.csv"],
        calendar=tables["submission_calendar.csv"],
        campaigns=tables["campaigns.csv"],
        all_criteria=tables["campaign_criteria.csv"],
        all_reward_rules=tables["reward_rules.csv"],
        creation_entries=tables["creation_list.csv"],
        all_waivers=tables["waivers.csv"],
        settings=tables["settings.csv"],
    )
    problems = integrity_problems(ref)
    if problems:
        raise ReferenceDataError(f"{directory}: " + "; ".join(problems))
    return ref


@functools.lru_cache(maxsize=8)
def _load_cached(directory: Path, stamp: tuple[int, ...]) -> Reference:
    return _read_all(directory)


def load_reference(directory: Path | None = None) -> Reference:
    """Load (and cache) the reference data of `directory` (default `DEFAULT_REFERENCE_DIR`,
    the repository's seeds).

    The cache is keyed by the resolved folder and its files' modification times, so an
    edited CSV is picked up by a long-running process.
    """
    folder = Path(directory or DEFAULT_REFERENCE_DIR).resolve()
    stamp = tuple(
        (folder / name).stat().st_mtime_ns if (folder / name).exists() else -1 for name in FILES
    )
    return _load_cached(folder, stamp)
