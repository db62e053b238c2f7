"""Who may see what: a submitter of unit A is refused (403) on every page and API call about
unit B, and on every page of the office and of the analysts. The app's routes are enumerated,
so a new route fails this test until it is listed here with how it is reached."""

from __future__ import annotations

import io

import pytest
from fastapi.routing import APIRoute
from portal_client import page_token, sign_in

from zonewh.portal.storage import PortalStore

MONTH = "2019-01"
OTHER = "drc"
"""Unit B: the signed-in submitter is lce."""
PUBLIC = {("GET", "/healthz"), ("GET", "/login"), ("POST", "/login")}
ANY_ACCOUNT = {("GET", "/"), ("POST", "/logout")}
PARAMS = {
    "unit": OTHER,
    "month": MONTH,
    "form_code": "project_progress",
    "name": "bulletin.html",
    "kind": "file",
}
QUERIES = {
    "/units/{unit}/months/{month}/receipts": "?file=project_progress.xlsx",
    "/api/v1/months/{month}/receipts": f"?unit={OTHER}",
}


def routes(app) -> set[tuple[str, str]]:
    out = set()
    for route in app.routes:
        if isinstance(route, APIRoute):
            out |= {(m, route.path) for m in route.methods}
    return out


def fill(path: str) -> str:
    for key, value in PARAMS.items():
        path = path.replace("{" + key + "}", value)
    assert "{" not in path, f"no test value for a parameter of {path}"
    return path


def test_every_route_is_classified(portal_app):
    mounts = {r.path for r in portal_app.routes if not isinstance(r, APIRoute)}
    assert mounts == {"/static"}
    for method, path in routes(portal_app) - PUBLIC - ANY_ACCOUNT:
        assert path.startswith(
            ("/units/{unit}/", "/office/", "/published", "/bulletins", "/api/")
        ), f"{method} {path}: say in this test who may use it"


def test_a_submitter_is_refused_everything_about_another_unit(client, portal_app, portal_home):
    assert sign_in(client, "lce").status_code == 303
    token = page_token(client, f"/units/lce/months/{MONTH}")
    api_token = PortalStore.of_home(portal_home.home).new_token(
        PortalStore.of_home(portal_home.home).user("lce").id
    )
    bearer = {"Authorization": f"Bearer {api_token}"}
    checked = []
    for method, path in sorted(routes(portal_app) - PUBLIC - ANY_ACCOUNT):
        url = fill(path) + QUERIES.get(path, "")
        if path.startswith("/api/"):
            if method == "POST":
                r = client.post(
                    url,
                    headers=bearer,
                    data={"unit": OTHER},
                    files={"file": ("project_progress.csv", io.BytesIO(b"a,b\n"))},
                )
            else:
                r = client.get(url, headers=bearer)
        elif method == "POST":
            r = client.post(
                url,
                data={
                    "csrftoken": token,
                    "unit": OTHER,
                    "form_code": "project_progress",
                    "reason": "x",
                    "approved_by": "x",
                },
                files={"file": ("project_progress.csv", io.BytesIO(b"a,b\n"))}
                if path.endswith("/uploads")
                else None,
                follow_redirects=False,
            )
        else:
            r = client.get(url, follow_redirects=False)
        assert r.status_code == 403, (method, url, r.status_code, r.text[:300])
        assert "安全校验" not in r.text  # refused as another unit's data, not for CSRF
        checked.append((method, path))
    assert len(checked) >= 20
    assert not (portal_home.landing / MONTH / OTHER / "project_progress_2.csv").exists()
    assert not list((portal_home.landing / MONTH / OTHER).glob("*.csv"))
    # and the same account reaches its own unit
    assert client.get(f"/units/lce/months/{MONTH}").status_code == 200
    own = client.get(f"/api/v1/months/{MONTH}/receipts", headers=bearer)
    assert own.status_code == 200
    assert {r["unit_code"] for r in own.json()["receipts"]} == {"lce"}


@pytest.mark.parametrize("name", ["office", "analyst"])
def test_other_roles_reach_their_pages(client, name):
    assert sign_in(client, name).status_code == 303
    assert client.get("/published").status_code == 200
    assert client.get("/bulletins").status_code == 200
    office_page = client.get(f"/office/months/{MONTH}")
    assert office_page.status_code == (200 if name == "office" else 403)
    unit_page = client.get(f"/units/lce/months/{MONTH}")
    assert unit_page.status_code == (200 if name == "office" else 403)


def test_pages_need_a_session_and_the_api_a_token(client, portal_app):
    for method, path in sorted(routes(portal_app) - PUBLIC):
        url = fill(path) + QUERIES.get(path, "")
        r = client.request(method, url, follow_redirects=False)
        if path.startswith("/api/"):
            assert r.status_code == 401, (method, url)
            assert r.json()["detail"]["message_zh"]
        elif method == "GET":
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), url
        else:
            assert r.status_code in (401, 403), (method, url, r.status_code)


def test_a_session_cookie_does_not_open_the_api(client):
    assert sign_in(client, "office").status_code == 303
    r = client.get(f"/api/v1/months/{MONTH}/status")
    assert r.status_code == 401
