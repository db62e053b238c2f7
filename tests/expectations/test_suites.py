"""The committed Great Expectations context: the suites are exactly their declarations in
zonewh.gate.suites (type, arguments, check code), they judge only what Great Expectations is
the tool for (B10), and a bad DataFrame fails."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from zonewh.config import EXPECTATIONS_DIR
from zonewh.gate import suites
from zonewh.gate.checks import BY_CODE


def _hashes() -> dict[str, str]:
    committed = ("expectations", "checkpoints", "validation_definitions")
    return {
        str(p.relative_to(EXPECTATIONS_DIR)): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in committed
        for p in sorted((EXPECTATIONS_DIR / folder).glob("*.json"))
    } | {
        "great_expectations.yml": hashlib.sha256(
            (EXPECTATIONS_DIR / "great_expectations.yml").read_bytes()
        ).hexdigest()
    }


def _numbers_as_floats(value):
    """GE stores 11 as 11.0: compare numbers by value."""
    if isinstance(value, dict):
        return {k: _numbers_as_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_as_floats(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    return suites.get_context(state=tmp_path_factory.mktemp("gx"))


def test_every_mart_has_a_committed_suite_and_checkpoint(context):
    for mart in suites.MARTS:
        assert (EXPECTATIONS_DIR / "expectations" / f"marts_{mart}.json").exists()
        assert (EXPECTATIONS_DIR / "checkpoints" / f"gate_{mart}.json").exists()
        checkpoint = context.checkpoints.get(f"gate_{mart}")
        assert [vd.suite.name for vd in checkpoint.validation_definitions] == [f"marts_{mart}"]


def test_the_committed_suites_are_exactly_their_declarations():
    """Type, arguments and meta of every expectation: a threshold changed in the JSON (or in
    the declarations, or in the reference data they read) without the other fails here."""
    for mart, declared in suites.expectation_specs().items():
        data = json.loads((EXPECTATIONS_DIR / "expectations" / f"marts_{mart}.json").read_text())
        got = sorted(
            json.dumps(
                _numbers_as_floats([e["type"], e["kwargs"], e["meta"]]),
                sort_keys=True,
                ensure_ascii=False,
            )
            for e in data["expectations"]
        )
        want = sorted(
            json.dumps(
                _numbers_as_floats([_snake(s["type"]), s["kwargs"], s["meta"]]),
                sort_keys=True,
                ensure_ascii=False,
            )
            for s in declared
        )
        assert got == want, f"{mart}: run `python -m zonewh.gate.suites` to rewrite the suites"


def test_suites_judge_only_the_checks_declared_for_great_expectations():
    for declared in suites.expectation_specs().values():
        for s in declared:
            assert BY_CODE[s["meta"]["code"]].tool == "great_expectations", s


def test_the_reward_range_follows_the_reward_rules():
    [amount] = [
        s
        for s in suites.expectation_specs()["campaign_rewards"]
        if s["kwargs"].get("column") == "amount_wan" and "min_value" in s["kwargs"]
    ]
    assert amount["kwargs"]["min_value"] == -10 and amount["kwargs"]["max_value"] == 5


def test_creating_the_suites_twice_changes_nothing(context):
    before = _hashes()
    suites.ensure_suites(context)
    suites.ensure_suites(context)
    assert _hashes() == before


def _status_frame(statuses: list[str]) -> pd.DataFrame:
    n = len(statuses)
    return pd.DataFrame(
        {
            "month": pd.to_datetime(["2019-06-01"] * n),
            "unit_code": [f"u{i}" for i in range(n)],
            "form_code": ["econ_indicators"] * n,
            "status": statuses,
        }
    )


def test_a_good_frame_passes_the_checkpoint(context):
    result = context.checkpoints.get("gate_submission_status").run(
        batch_parameters={"dataframe": _status_frame(["on_time", "late", "missing"])}
    )
    assert result.success is True  # a missing return is B1's (dbt), not the suites'


def test_an_unknown_status_and_an_empty_month_fail_the_checkpoint(context):
    for frame in (_status_frame(["on_time", "lost"]), _status_frame([])):
        result = context.checkpoints.get("gate_submission_status").run(
            batch_parameters={"dataframe": frame}
        )
        assert result.success is False
        failed = [r for run in result.run_results.values() for r in run.results if not r.success]
        assert {r.expectation_config.meta["code"] for r in failed} == {"B10"}
