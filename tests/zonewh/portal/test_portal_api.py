"""The JSON API: a return posted with a Bearer token gets the receipt of docs/FORMS.md, then
is loaded; 401 without a token, 403 for another unit, 400 for a bad month (both languages)."""

from __future__ import annotations

import jsonschema
import pytest

from zonewh.portal.storage import PortalStore

MONTH = "2019-02"
RECEIPT = {
    "type": "object",
    "required": [
        "file",
        "unit_code",
        "form_code",
        "month",
        "submitted_at",
        "version",
        "status",
        "problems",
        "loaded",
    ],
    "properties": {
        "status": {"enum": ["accepted", "accepted_with_warnings", "rejected"]},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "severity",
                    "sheet",
                    "row",
                    "column",
                    "value",
                    "message_zh",
                    "message_en",
                ],
            },
        },
    },
}


def token_of(home, name: str) -> dict[str, str]:
    store = PortalStore.of_home(home.home)
    return {"Authorization": f"Bearer {store.new_token(store.user(name).id)}"}


def test_post_a_return_get_its_receipt_then_it_is_loaded(
    client, portal_app, portal_home, demo_landing
):
    headers = token_of(portal_home, "lce")
    data = (demo_landing / MONTH / "lce" / "project_progress.xlsx").read_bytes()
    r = client.post(
        f"/api/v1/months/{MONTH}/submissions",
        headers=headers,
        files={"file": ("project_progress.xlsx", data)},
    )
    assert r.status_code == 200, r.text
    receipt = r.json()
    jsonschema.validate(receipt, RECEIPT)
    assert receipt["status"] == "accepted" and receipt["loaded"] is False
    assert receipt["unit_code"] == "lce" and receipt["file"] == f"{MONTH}/lce/project_progress.xlsx"
    assert portal_app.state.portal.loader.wait_idle(60)
    listed = client.get(f"/api/v1/months/{MONTH}/receipts", headers=headers).json()["receipts"]
    assert [(x["file"], x["version"], x["loaded"]) for x in listed] == [
        (f"{MONTH}/lce/project_progress.xlsx", 1, True)
    ]
    office = token_of(portal_home, "office")
    status = client.get(f"/api/v1/months/{MONTH}/status", headers=office).json()["status"]
    row = next(s for s in status if (s["unit_code"], s["form_code"]) == ("lce", "project_progress"))
    assert row["versions"] == 1 and row["status"] in ("on_time", "late")


def test_a_rejected_return_names_sheet_cell_column_and_value(client, portal_home):
    headers = token_of(portal_home, "lce")
    csv = "项目编号,本月完成投资(万元),1-本月累计完成投资(万元),项目状态\nP-NONE,abc,100,在建\n"
    r = client.post(
        f"/api/v1/months/{MONTH}/submissions",
        headers=headers,
        files={"file": ("project_progress.csv", csv.encode("utf-8"))},
    )
    receipt = r.json()
    assert receipt["status"] == "rejected"
    typed = next(p for p in receipt["problems"] if p["value"] == "abc")
    assert typed["row"] == 2 and typed["column"] == "本月完成投资(万元)" and typed["cell"] == "B2"
    assert typed["message_zh"] and typed["message_en"]


def test_office_submits_for_a_named_unit(client, portal_home, demo_landing):
    headers = token_of(portal_home, "office")
    data = (demo_landing / MONTH / "drc" / "econ_indicators.xlsx").read_bytes()
    no_unit = client.post(
        f"/api/v1/months/{MONTH}/submissions",
        headers=headers,
        files={"file": ("econ_indicators.xlsx", data)},
    )
    assert no_unit.status_code == 400
    r = client.post(
        f"/api/v1/months/{MONTH}/submissions",
        headers=headers,
        data={"unit": "drc"},
        files={"file": ("econ_indicators.xlsx", data)},
    )
    assert r.status_code == 200 and r.json()["unit_code"] == "drc"


def test_refusals(client, portal_home):
    files = {"file": ("project_progress.csv", b"x")}
    r = client.post(f"/api/v1/months/{MONTH}/submissions", files=files)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert (
        client.get(
            f"/api/v1/months/{MONTH}/receipts", headers={"Authorization": "Bearer zwh_not-a-token"}
        ).status_code
        == 401
    )
    headers = token_of(portal_home, "lce")
    other = client.post(
        f"/api/v1/months/{MONTH}/submissions", headers=headers, data={"unit": "drc"}, files=files
    )
    assert other.status_code == 403 and other.json()["detail"]["message_zh"]
    assert client.get(f"/api/v1/months/{MONTH}/status", headers=headers).status_code == 403
    for bad in ("2019-13", "2019-2", "latest"):
        r = client.get(f"/api/v1/months/{bad}/receipts", headers=headers)
        assert r.status_code == 400
        detail = r.json()["detail"]
        assert "YYYY-MM" in detail["message_en"] and "月份" in detail["message_zh"]
    analyst = token_of(portal_home, "analyst")
    assert (
        client.post(f"/api/v1/months/{MONTH}/submissions", headers=analyst, files=files).status_code
        == 403
    )


def test_a_revoked_token_stops_working(client, portal_home):
    headers = token_of(portal_home, "lce")
    assert client.get(f"/api/v1/months/{MONTH}/receipts", headers=headers).status_code == 200
    PortalStore.of_home(portal_home.home).disable("lce")
    assert client.get(f"/api/v1/months/{MONTH}/receipts", headers=headers).status_code == 401


@pytest.mark.parametrize("path", ["/healthz"])
def test_health_needs_no_account(client, path):
    assert client.get(path).json() == {"status": "ok"}
