"""The committed Great Expectations context: suites load, and a bad DataFrame fails."""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import pytest

from zonewh import gate
from zonewh.config import EXPECTATIONS_DIR

CODE = re.compile(r"^[BW][1-9]$")


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


@pytest.fixture(scope="module")
def context():
    return gate.get_context()


def test_every_mart_has_a_committed_suite_and_checkpoint(context):
    for mart in gate.MARTS:
        assert (EXPECTATIONS_DIR / "expectations" / f"marts_{mart}.json").exists()
        assert (EXPECTATIONS_DIR / "checkpoints" / f"gate_{mart}.json").exists()
        suite = context.suites.get(f"marts_{mart}")
        assert len(suite.expectations) >= 3
        for expectation in suite.expectations:
            assert CODE.match(expectation.meta["code"]), expectation
        checkpoint = context.checkpoints.get(f"gate_{mart}")
        assert [vd.suite.name for vd in checkpoint.validation_definitions] == [f"marts_{mart}"]


def test_committed_suites_match_the_specs(context):
    for mart, expected in gate.expectation_specs().items():
        suite = context.suites.get(f"marts_{mart}")
        got = sorted((e.meta["code"], e.meta["name"]) for e in suite.expectations)
        want = sorted((s["meta"]["code"], s["meta"]["name"]) for s in expected)
        assert got == want, f"{mart}: run `python -m zonewh.gate` to rewrite the suites"


def test_creating_the_suites_twice_changes_nothing(context):
    before = _hashes()
    gate.ensure_suites(context)
    gate.ensure_suites(context)
    assert _hashes() == before


def _status_frame(statuses: list[str]) -> pd.DataFrame:
    n = len(statuses)
    return pd.DataFrame(
        {
            "month": pd.to_datetime(["2019-06-01"] * n),
            "unit_code": [f"u{i}" for i in range(n)],
            "form_code": ["econ_indicators"] * n,
            "due_on": pd.to_datetime(["2019-07-05"] * n),
            "first_received_at": [None] * n,
            "accepted_at": [None] * n,
            "versions": [1] * n,
            "status": statuses,
            "errors": [0] * n,
            "warnings": [0] * n,
        }
    )


def test_a_good_frame_passes_the_checkpoint(context):
    result = context.checkpoints.get("gate_submission_status").run(
        batch_parameters={"dataframe": _status_frame(["on_time", "late", "waived"])}
    )
    assert result.success is True


def test_a_missing_submission_fails_the_checkpoint(context):
    result = context.checkpoints.get("gate_submission_status").run(
        batch_parameters={"dataframe": _status_frame(["on_time", "missing"])}
    )
    assert result.success is False
    failed = [r for run in result.run_results.values() for r in run.results if not r.success]
    assert [r.expectation_config.meta["code"] for r in failed] == ["B1"]


def test_duplicate_keys_fail_the_checkpoint(context):
    frame = _status_frame(["on_time", "on_time"])
    frame["unit_code"] = "drc"
    result = context.checkpoints.get("gate_submission_status").run(
        batch_parameters={"dataframe": frame}
    )
    assert result.success is False
    failed = {
        r.expectation_config.type
        for run in result.run_results.values()
        for r in run.results
        if not r.success
    }
    assert failed == {"expect_compound_columns_to_be_unique"}
