"""Signing in to the portal as a person would (the login form and its CSRF token), and the
test accounts."""

from __future__ import annotations

import re
from typing import Self

PASSWORD = "correct horse battery staple"
SECRET = "k3Jq9vZx2LmN8pR4tY6wA1sD5fG7hJ0b-portal-tests"
ACCOUNTS = {
    "lce": ("lce", "submitter"),
    "drc": ("drc", "submitter"),
    "office": ("ins", "office"),
    "analyst": ("drc", "analyst"),
}
"""name → (unit, role); every account's password is PASSWORD."""
TOKEN_RE = re.compile(r'name="csrftoken" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = TOKEN_RE.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    """Sign in through the login form; the response of the POST (not followed)."""
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrftoken": token, "name": name, "password": password, "next": "/"},
        follow_redirects=False,
    )


def page_token(client, path: str) -> str:
    """The CSRF token of a page the signed-in client can open."""
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    return csrf_of(r.text)


class LiveServer:
    """The app served by uvicorn on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, app):
        import socket
        import threading

        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Self:
        import time

        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
