"""Signing in and staying signed in safely: argon2 hashes, rate-limited logins, sessions that
a logout or a disabled account ends (a copied cookie too), tampered cookies refused, a CSRF
token on every form post, secure headers, and no start without a strong secret key."""

from __future__ import annotations

import sqlite3

import pytest
from portal_client import PASSWORD, csrf_of, page_token, sign_in

from zonewh.portal.settings import PortalSettings, SecretKeyError, check_secret_key
from zonewh.portal.storage import PortalStore

MONTH = "2019-01"


def test_passwords_are_argon2_hashes(portal_home):
    account = PortalStore.of_home(portal_home.home).user("lce")
    assert account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash


def test_a_right_and_a_wrong_password_and_the_audit_log(client, portal_home):
    wrong = sign_in(client, "lce", "not the password")
    assert wrong.status_code == 401 and "账号或密码不正确" in wrong.text
    right = sign_in(client, "lce")
    assert right.status_code == 303
    home = client.get("/", follow_redirects=False)
    assert home.headers["location"].startswith("/units/lce/months/")
    events = PortalStore.of_home(portal_home.home).audit_rows()
    assert [(e["action"], e["actor"]) for e in events[:2]] == [
        ("login", "lce"),
        ("login_failed", "lce"),
    ]
    assert events[0]["address"]


def test_logins_are_rate_limited_per_account_and_per_address(client):
    for _ in range(5):
        assert sign_in(client, "drc", "wrong password!").status_code == 401
    limited = sign_in(client, "drc")  # even the right password, for a while
    assert limited.status_code == 429 and "登录尝试过多" in limited.text
    assert sign_in(client, "lce").status_code == 303  # another account from this address
    for n in range(20):
        sign_in(client, f"nobody{n}", "wrong password!")
    assert sign_in(client, "office").status_code == 429  # the address has used up its tries


def test_logout_ends_the_session_for_every_copy_of_the_cookie(client):
    from fastapi.testclient import TestClient

    assert sign_in(client, "lce").status_code == 303
    cookie = client.cookies.get("zonewh_session")
    assert client.get(f"/units/lce/months/{MONTH}").status_code == 200
    token = page_token(client, f"/units/lce/months/{MONTH}")
    assert (
        client.post("/logout", data={"csrftoken": token}, follow_redirects=False).status_code == 303
    )
    with TestClient(client.app, base_url="http://127.0.0.1") as other:
        other.cookies.set("zonewh_session", cookie)
        replay = other.get(f"/units/lce/months/{MONTH}", follow_redirects=False)
        assert replay.status_code == 303 and replay.headers["location"].startswith("/login")


def test_a_disabled_account_is_signed_out(client, portal_home):
    assert sign_in(client, "lce").status_code == 303
    PortalStore.of_home(portal_home.home).disable("lce")
    r = client.get(f"/units/lce/months/{MONTH}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert sign_in(client, "lce").status_code == 401


def test_a_tampered_cookie_is_refused(client):
    import base64
    import json

    assert sign_in(client, "lce").status_code == 303
    cookie = client.cookies.get("zonewh_session")
    payload, stamp, signature = cookie.split(".")
    data = json.loads(base64.b64decode(payload + "=="))
    forged = base64.b64encode(json.dumps({**data, "sid": "x" + data["sid"][1:]}).encode())
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    for value in (f"{forged.decode()}.{stamp}.{signature}", f"{payload}.{stamp}.{flipped}"):
        client.cookies.clear()
        client.cookies.set("zonewh_session", value)
        r = client.get(f"/units/lce/months/{MONTH}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_the_session_cookie_is_httponly_and_samesite(client):
    r = sign_in(client, "lce")
    cookie = r.headers["set-cookie"]
    assert "zonewh_session=" in cookie and "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower() and "secure" not in cookie.lower()


def test_https_makes_cookies_secure(portal_home):
    from fastapi.testclient import TestClient
    from portal_client import SECRET

    from zonewh.portal import create_app

    app = create_app(PortalSettings(secret_key=SECRET, https=True), portal_home)
    with TestClient(app, base_url="https://127.0.0.1") as c:
        r = c.get("/login")
        assert "secure" in r.headers["set-cookie"].lower()
        assert r.headers["strict-transport-security"]


@pytest.mark.parametrize("token", [None, "", "wrong-token-" + "x" * 30])
def test_form_posts_without_the_right_token_are_refused(client, portal_home, token):
    assert sign_in(client, "office").status_code == 303
    data = {"reason": "停产", "approved_by": "王主任", "unit": "lce", "form_code": "project_issues"}
    if token is not None:
        data["csrftoken"] = token
    r = client.post(f"/office/months/{MONTH}/waivers", data=data, follow_redirects=False)
    assert r.status_code == 403 and "安全校验未通过" in r.text
    r = client.post(f"/office/months/{MONTH}/skip", data=data, follow_redirects=False)
    assert r.status_code == 403
    from zonewh.publish.log import skips

    assert skips(portal_home) == []


def test_a_login_post_needs_its_token(client):
    r = client.post("/login", data={"name": "lce", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"name": "lce", "password": PASSWORD, "csrftoken": token + "x"},
        follow_redirects=False,
    )
    assert r.status_code == 403


def test_an_upload_without_a_session_is_refused_before_its_body_is_read(client):
    def body():
        yield b"--b\r\n"
        raise AssertionError("the body was read")

    r = client.post(
        f"/units/lce/months/{MONTH}/uploads",
        content=body(),
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert r.status_code == 403


def test_secure_headers(client):
    for path in ("/login", "/static/portal.css", "/healthz"):
        h = client.get(path).headers
        csp = h["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert h["x-frame-options"] == "DENY"
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "same-origin"
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert "<script" not in client.get("/login").text


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        "short-key",
        "changeme-changeme-changeme-changeme",
        "a" * 40,
        "abcabcabcabcabcabcabcabcabcabcabcabc",
        "my-super-secret-key-for-the-portal-123",
    ],
)
def test_weak_secret_keys_are_refused(key):
    with pytest.raises(SecretKeyError):
        check_secret_key(key)
    env = {} if key is None else {"ZONEWH_SECRET_KEY": key}
    with pytest.raises(SecretKeyError):
        PortalSettings.from_env(env)
    dev = PortalSettings.from_env(env, dev=True)  # a development server makes its own
    assert len(dev.secret_key) >= 32 and dev.dev


def test_a_random_key_is_accepted():
    import secrets

    for _ in range(200):
        key = secrets.token_urlsafe(48)
        assert check_secret_key(key) == key


def test_serve_refuses_to_start_without_a_key(monkeypatch, portal_home):
    from typer.testing import CliRunner

    from zonewh.cli import app

    monkeypatch.delenv("ZONEWH_SECRET_KEY", raising=False)
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert "ZONEWH_SECRET_KEY" in result.output
    monkeypatch.setenv("ZONEWH_SECRET_KEY", "password-password-password-password")
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 2 and "obvious" in result.output


def test_the_audit_log_is_append_only(portal_home):
    store = PortalStore.of_home(portal_home.home)
    store.audit("login", "lce")
    with store.connect() as con:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("update audit set actor = 'someone'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("delete from audit")
