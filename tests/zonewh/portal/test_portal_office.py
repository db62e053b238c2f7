"""The office's desk: the month's matrix and who to chase, waivers recorded and revoked as
data (`raw.waivers`), a skipped month, the gate's reports, the run (refused while another
holds the home; through Airflow's REST API when configured), the scorecard, the audit log;
and the analysts' downloads."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

from portal_client import SECRET, page_token, sign_in

from zonewh.portal.storage import PortalStore

MONTH = "2019-02"


def office_post(client, path: str, data: dict, page: str):
    return client.post(
        path, data={**data, "csrftoken": page_token(client, page)}, follow_redirects=False
    )


def test_the_matrix_names_who_to_chase_with_contacts(client):
    assert sign_in(client, "office").status_code == 303
    page = client.get(f"/office/months/{MONTH}").text
    assert "区国土建设环保局（lce）" in page and "重点项目建设进展月报（project_progress）" in page
    chase = page.split("需要催报")[1]
    assert "lce 测试" in chase and "lce@example.org" in chase and "未报" in chase
    assert "2019年3月5日" in chase


def test_a_waiver_is_recorded_as_data_then_revoked(client, portal_home):
    from ingest.status import month_status
    from ingest.store import open_store

    assert sign_in(client, "office").status_code == 303
    waivers = f"/office/months/{MONTH}/waivers"
    r = office_post(
        client,
        waivers,
        {
            "unit": "lce",
            "form_code": "project_issues",
            "reason": "本月无在建项目",
            "approved_by": "王主任",
        },
        waivers,
    )
    assert r.status_code == 303
    with open_store(portal_home, read_only=True) as con:
        rows = con.execute(
            "select unit_code, form_code, reason, approved_by, recorded_by, revoked "
            "from raw.waivers"
        ).fetchall()
    assert rows == [("lce", "project_issues", "本月无在建项目", "王主任", "office 测试", False)]
    status = {(s.unit_code, s.form_code): s.status for s in month_status(MONTH, portal_home)}
    assert status[("lce", "project_issues")] == "waived"
    assert "已免报" in client.get(f"/office/months/{MONTH}").text
    r = office_post(
        client,
        f"{waivers}/revoke",
        {
            "unit": "lce",
            "form_code": "project_issues",
            "reason": "有在建项目",
            "approved_by": "王主任",
        },
        waivers,
    )
    assert r.status_code == 303
    status = {(s.unit_code, s.form_code): s.status for s in month_status(MONTH, portal_home)}
    assert status[("lce", "project_issues")] == "missing"
    bad = office_post(
        client,
        waivers,
        {"unit": "lce", "form_code": "no_such_form", "reason": "x", "approved_by": "y"},
        waivers,
    )
    assert bad.status_code == 400 and "未能登记" in bad.text
    actions = [e["action"] for e in PortalStore.of_home(portal_home.home).audit_rows()]
    assert "waiver" in actions and "waiver_revoked" in actions


def test_a_skip_is_recorded(client, portal_home):
    from zonewh.publish.log import skipped_months, skips

    assert sign_in(client, "office").status_code == 303
    page = f"/office/months/{MONTH}"
    r = office_post(client, f"{page}/skip", {"reason": "机构调整，本月不发布"}, page)
    assert r.status_code == 303
    assert MONTH in skipped_months(portal_home)
    assert skips(portal_home)[0]["recorded_by"] == "office 测试"
    assert "机构调整，本月不发布" in client.get(page).text


def test_gate_reports_are_listed_and_served(client, portal_home):
    from gate_marts import gate_build, make_warehouse

    from zonewh import gate

    make_warehouse(portal_home.warehouse, ["2019-01", MONTH])
    missing = [
        {
            "month": f"{MONTH}-01",
            "unit_code": "lce",
            "form_code": "project_progress",
            "status": "missing",
        }
    ]
    verdict = gate.check(
        MONTH, portal_home, build=gate_build(portal_home.warehouse, MONTH, {"B1": missing})
    )
    assert sign_in(client, "office").status_code == 303
    listing = client.get(f"/office/months/{MONTH}/gate").text
    assert "未通过" in listing and "B1" in listing
    r = client.get(f"/office/months/{MONTH}/gate/{verdict.attempt_id}.html")
    assert r.status_code == 200 and "必报报表齐全" in r.text
    assert "script-src 'none'" in r.headers["content-security-policy"]
    assert (
        client.get(f"/office/months/{MONTH}/gate/{verdict.attempt_id}.json").json()["month"]
        == MONTH
    )
    for bad in ("..%2F..%2Fportal%2Fportal.sqlite3", "x.txt", "nothing.html"):
        assert client.get(f"/office/months/{MONTH}/gate/{bad}").status_code == 404


def test_a_run_is_refused_while_another_holds_the_home(client, portal_home):
    from zonewh.locks import Holder, run_lease

    assert sign_in(client, "office").status_code == 303
    page = f"/office/months/{MONTH}/run"
    token = page_token(client, page)
    with run_lease(portal_home, Holder("cli", "zonewh run --month 2019-01", "2019-01")):
        assert "运行锁持有者" in client.get(page).text
        r = client.post(page, data={"csrftoken": token}, follow_redirects=False)
    assert r.status_code == 409 and "zonewh run --month 2019-01" in r.text
    audit = PortalStore.of_home(portal_home.home).audit_rows(action="run_start")
    assert audit[0]["outcome"] == "refused"


class _Airflow(BaseHTTPRequestHandler):
    """Airflow's REST API as the portal uses it: a JWT, a DAG run, its state and tasks."""

    seen: ClassVar[list] = []

    def log_message(self, *args) -> None:
        pass

    def _json(self, body: dict, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append(("POST", self.path, body, self.headers.get("Authorization")))
        if self.path == "/auth/token":
            if body == {"username": "portal", "password": "pw-airflow"}:
                return self._json({"access_token": "jwt-1"}, 201)
            return self._json({"detail": "bad"}, 401)
        if self.headers.get("Authorization") != "Bearer jwt-1":
            return self._json({"detail": "unauthorized"}, 401)
        self._json({"dag_run_id": "manual__1", "state": "queued"})

    def do_GET(self) -> None:
        self.seen.append(("GET", self.path, None, self.headers.get("Authorization")))
        if self.path.endswith("/taskInstances"):
            return self._json(
                {
                    "task_instances": [
                        {"task_id": "ingest", "state": "success"},
                        {"task_id": "gate", "state": "running"},
                    ]
                }
            )
        self._json({"dag_run_id": "manual__1", "state": "running"})


def test_a_run_through_airflows_rest_api(portal_home, monkeypatch):
    from fastapi.testclient import TestClient

    from zonewh.portal import PortalSettings, create_app

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Airflow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {
            "ZONEWH_SECRET_KEY": SECRET,
            "ZONEWH_AIRFLOW_URL": f"http://127.0.0.1:{server.server_port}",
            "ZONEWH_AIRFLOW_USERNAME": "portal",
            "ZONEWH_AIRFLOW_PASSWORD": "pw-airflow",
        }
        app = create_app(PortalSettings.from_env(env), portal_home)
        with TestClient(app, base_url="http://127.0.0.1") as client:
            assert sign_in(client, "office").status_code == 303
            page = f"/office/months/{MONTH}/run"
            r = client.post(
                page, data={"csrftoken": page_token(client, page)}, follow_redirects=False
            )
            assert r.status_code == 303
            shown = client.get(page).text
    finally:
        server.shutdown()
    posts = [s for s in _Airflow.seen if s[0] == "POST"]
    assert posts[0][1] == "/auth/token"
    assert posts[1][1] == "/api/v2/dags/zone_monthly_publication/dagRuns"
    assert posts[1][2] == {"logical_date": None, "conf": {"month": MONTH}}
    assert "manual__1" in shown and "数据质量检查" in shown and "运行中" in shown


def test_the_scorecard_counts_first_time_acceptance_and_resubmissions(
    client, portal_app, portal_home, demo_landing
):
    from zonewh.portal.desk import scorecard

    store = PortalStore.of_home(portal_home.home)
    from zonewh.portal.uploads import accept

    good = (demo_landing / MONTH / "lce" / "project_progress.xlsx").read_bytes()
    accept(
        portal_home,
        store,
        MONTH,
        "lce",
        "project_progress.csv",
        b"\xff\xfe\x00garbage",
        "lce",
        portal_app.state.portal.loader,
    )
    accept(
        portal_home,
        store,
        MONTH,
        "lce",
        "project_progress.xlsx",
        good,
        "lce",
        portal_app.state.portal.loader,
    )
    assert portal_app.state.portal.loader.wait_idle(60)
    span, scores = scorecard(portal_home, MONTH)
    assert span[-1] == MONTH and len(span) == 12
    lce = next(s for s in scores if s.unit_code == "lce")
    # 2019-01: progress and issues accepted first time; 2019-02: progress rejected, then fixed
    assert (lce.returns, lce.first_time_accepted, lce.files, lce.resubmissions) == (3, 2, 4, 1)
    assert lce.errors_per_file == lce.errors / 4 and lce.errors >= 1
    assert sign_in(client, "office").status_code == 303
    page = client.get(f"/office/scorecard?end={MONTH}").text
    assert "区国土建设环保局（lce）" in page and "66.7%" in page


def test_the_audit_log_page(client):
    assert sign_in(client, "lce", "wrong password!").status_code == 401
    assert sign_in(client, "office").status_code == 303
    page = client.get("/office/audit").text
    assert "login_failed" in page and "<td>lce</td>" in page
    only = client.get("/office/audit?action=login").text
    assert "login_failed" not in only.split("<tbody>")[1]


def test_analysts_download_published_files_and_bulletins(client, portal_home):
    portal_home.published_dir.mkdir(parents=True, exist_ok=True)
    (portal_home.published_dir / "zone.duckdb").write_bytes(b"duckdb bytes")
    bulletin = portal_home.reports / "2019-01"
    bulletin.mkdir(parents=True)
    (bulletin / "bulletin.html").write_text("<html><body>月度通报</body></html>", "utf-8")
    (bulletin / "secret.txt").write_text("no", "utf-8")
    assert sign_in(client, "analyst").status_code == 303
    assert "zone.duckdb" in client.get("/published").text
    r = client.get("/published/files/file/zone.duckdb")
    assert r.status_code == 200 and r.content == b"duckdb bytes"
    assert client.get("/published/files/file/..%2Fportal%2Fportal.sqlite3").status_code == 404
    listing = client.get("/bulletins").text
    assert "2019年1月" in listing and "/bulletins/2019-01/bulletin.html" in listing
    r = client.get("/bulletins/2019-01/bulletin.html")
    assert r.status_code == 200 and "月度通报" in r.text
    assert "script-src 'none'" in r.headers["content-security-policy"]
    assert client.get("/bulletins/2019-01/secret.txt").status_code == 404
    downloads = PortalStore.of_home(portal_home.home).audit_rows(action="download")
    assert {d["subject"] for d in downloads} == {"published file zone.duckdb", "bulletin.html"}
