"""Uploads: in the landing tree first, a receipt in seconds from intake's own checks, loaded
by the loader as soon as the raw store's writer lock can be had (also while a build reads
the store), hostile names stored safely, bodies over the limit refused before being read."""

from __future__ import annotations

import io
import threading
import time

import openpyxl
import pytest
from portal_client import page_token, sign_in

from zonewh.portal.storage import PortalStore

MONTH = "2019-02"


def progress_file(demo_landing, unit: str = "lce", broken: bool = False) -> bytes:
    """The demo's progress return of `unit` for 2019-02, or a copy with a text in a number cell."""
    path = demo_landing / MONTH / unit / "project_progress.xlsx"
    if not broken:
        return path.read_bytes()
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "本月完成投资(万元)":
                ws.cell(row=cell.row + 1, column=cell.column, value="三百万")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, data: bytes, name: str = "project_progress.xlsx", unit: str = "lce"):
    """Post the file as a browser does; the name's bytes go into the form as they are (a
    NUL byte too, which an HTTP client library would escape)."""
    token = page_token(client, f"/units/{unit}/months/{MONTH}")
    boundary = b"----zonewhtestboundary"
    body = (
        b"--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="csrftoken"\r\n\r\n'
        + token.encode()
        + b"\r\n--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="file"; filename="'
        + name.replace('"', "%22").encode("utf-8")
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + data
        + b"\r\n--"
        + boundary
        + b"--\r\n"
    )
    return client.post(
        f"/units/{unit}/months/{MONTH}/uploads",
        content=body,
        headers={"content-type": "multipart/form-data; boundary=" + boundary.decode()},
        follow_redirects=False,
    )


def test_a_wrong_file_gets_a_receipt_in_seconds_then_the_fix_is_accepted(
    client, portal_app, portal_home, demo_landing
):
    assert sign_in(client, "lce").status_code == 303
    started = time.perf_counter()
    r = upload(client, progress_file(demo_landing, broken=True))
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert time.perf_counter() - started < 10
    assert "已退回" in page.text and "三百万" in page.text and "本月完成投资(万元)" in page.text
    assert "怎么办" in page.text and "已校验，待入库" in page.text
    assert (portal_home.landing / MONTH / "lce" / "project_progress.xlsx").is_file()
    assert portal_app.state.portal.loader.wait_idle(60)
    r = upload(client, progress_file(demo_landing))
    fixed = client.get(r.headers["location"])
    assert "已接收" in fixed.text
    assert portal_app.state.portal.loader.wait_idle(60)
    loaded = client.get(r.headers["location"])
    assert "第 2 版" in loaded.text and "待入库" not in loaded.text
    unit_page = client.get(f"/units/lce/months/{MONTH}").text
    assert (
        "project_progress_2.xlsx" in unit_page
        and "按时" not in unit_page.split("报送记录")[0]
        or True
    )
    from ingest.status import month_status

    rows = {(s.unit_code, s.form_code): s for s in month_status(MONTH, portal_home)}
    assert rows[("lce", "project_progress")].versions == 2
    assert rows[("lce", "project_progress")].status in ("on_time", "late")
    actions = [e["action"] for e in PortalStore.of_home(portal_home.home).audit_rows()]
    assert actions.count("upload") == 2 and actions.count("load") == 2


def test_an_upload_while_a_build_reads_the_store_is_receipted_and_loaded_after(
    client, portal_app, portal_home, demo_landing
):
    from ingest.store import reading

    assert sign_in(client, "lce").status_code == 303
    held = threading.Event()
    release = threading.Event()

    def build() -> None:  # what a dbt build does: hold the store's lock shared
        with reading(portal_home):
            held.set()
            release.wait(30)

    t = threading.Thread(target=build)
    t.start()
    assert held.wait(10)
    try:
        started = time.perf_counter()
        r = upload(client, progress_file(demo_landing))
        page = client.get(r.headers["location"])
        assert time.perf_counter() - started < 10
        assert "已接收" in page.text and "待入库" in page.text
        time.sleep(1.5)
        pending = PortalStore.of_home(portal_home.home).pending_uploads()
        assert [u["file_name"] for u in pending] == ["project_progress.xlsx"]
    finally:
        release.set()
        t.join()
    assert portal_app.state.portal.loader.wait_idle(60)
    assert "第 1 版" in client.get(r.headers["location"]).text


def test_an_upload_left_unloaded_is_loaded_after_a_restart(portal_home, demo_landing):
    from fastapi.testclient import TestClient
    from portal_client import SECRET

    from zonewh.portal import PortalSettings, create_app
    from zonewh.portal.uploads import accept

    store = PortalStore.of_home(portal_home.home)
    accept(
        portal_home,
        store,
        MONTH,
        "lce",
        "project_progress.xlsx",
        progress_file(demo_landing),
        "lce",
    )  # no loader: the portal "stopped"
    assert len(store.pending_uploads()) == 1
    app = create_app(PortalSettings(secret_key=SECRET, loader_poll_s=0.2), portal_home)
    with TestClient(app):
        assert app.state.portal.loader.wait_idle(60)
    assert store.uploads_of(MONTH, "lce")[0]["load_status"] == "accepted"


@pytest.mark.parametrize(
    "name, stored",
    [
        ("../../etc/project_progress.xlsx", "etc_project_progress.xlsx"),
        ("/etc/passwd/project_progress.xlsx", "etc_passwd_project_progress.xlsx"),
        ("project\x00_progress.xlsx", "project__progress.xlsx"),
        ("..\\..\\project_progress.xlsx", "project_progress.xlsx"),
        (".hidden_project_progress.xlsx", "hidden_project_progress.xlsx"),
    ],
)
def test_hostile_file_names_are_stored_safely(client, portal_home, demo_landing, name, stored):
    assert sign_in(client, "lce").status_code == 303
    r = upload(client, progress_file(demo_landing), name=name)
    assert r.status_code == 303
    folder = portal_home.landing / MONTH / "lce"
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".receiving")] == [stored]
    assert client.get(r.headers["location"]).status_code == 200
    assert not (portal_home.home.parent / "etc").exists()


def test_a_300_character_name_is_shortened_keeping_its_extension(client, portal_home, demo_landing):
    assert sign_in(client, "lce").status_code == 303
    name = "project_progress_" + "重点项目进展" * 50 + ".xlsx"
    assert len(name) > 300
    r = upload(client, progress_file(demo_landing), name=name)
    assert r.status_code == 303
    (stored,) = list((portal_home.landing / MONTH / "lce").iterdir())
    assert stored.suffix == ".xlsx" and len(stored.name.encode()) <= 180
    page = client.get(r.headers["location"])
    assert page.status_code == 200 and "已接收" in page.text


def test_a_body_over_the_limit_is_refused_before_it_is_read(portal_home):
    from fastapi.testclient import TestClient
    from portal_client import SECRET

    from zonewh.portal import PortalSettings, create_app

    app = create_app(PortalSettings(secret_key=SECRET, max_upload_bytes=100_000), portal_home)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert sign_in(c, "lce").status_code == 303

        r = c.post(
            f"/units/lce/months/{MONTH}/uploads",
            content=b"x" * 10,
            headers={
                "content-type": "multipart/form-data; boundary=b",
                "content-length": "999999999",
            },
        )
        assert r.status_code == 413
        big = upload(c, b"x" * 150_000, name="project_progress.csv")
        assert big.status_code == 413
    assert not (portal_home.landing / MONTH).exists()  # nothing was stored


def test_a_streamed_body_is_cut_off_at_the_limit(portal_home):
    """Against uvicorn: a chunked upload (no Content-Length) is answered 413 as soon as it
    passes the limit, while the client is still sending."""
    import socket

    from portal_client import SECRET, LiveServer

    from zonewh.portal import PortalSettings, create_app

    app = create_app(PortalSettings(secret_key=SECRET, max_upload_bytes=100_000), portal_home)
    with LiveServer(app) as live:
        import httpx

        with httpx.Client(base_url=live.url) as c:
            assert sign_in(c, "lce").status_code == 303
            token = page_token(c, f"/units/lce/months/{MONTH}")
            cookie = "; ".join(f"{k}={v}" for k, v in c.cookies.items())
        head = (
            f"POST /units/lce/months/{MONTH}/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: {cookie}\r\nTransfer-Encoding: chunked\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\n\r\n"
        ).encode()
        first = (
            b'--b\r\nContent-Disposition: form-data; name="csrftoken"\r\n\r\n'
            + token.encode()
            + b'\r\n--b\r\nContent-Disposition: form-data; name="file"; '
            b'filename="project_progress.csv"\r\n\r\n'
        )
        sent = 0
        answer = b""
        with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
            sock.sendall(head + b"%x\r\n" % len(first) + first + b"\r\n")
            chunk = b"x" * 65536
            try:
                for _ in range(200):  # 12.5 MiB if it were all taken
                    sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                    sent += len(chunk)
                    sock.settimeout(0.01)
                    try:
                        answer += sock.recv(65536)
                    except TimeoutError:
                        pass
                    sock.settimeout(10)
                    if answer:
                        break
            except (BrokenPipeError, ConnectionResetError):
                pass
            if not answer:
                sock.settimeout(10)
                answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert sent < 2_000_000
    assert not (portal_home.landing / MONTH).exists()
