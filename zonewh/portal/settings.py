"""The portal's settings, from the environment (read when called, never at import time).

`ZONEWH_SECRET_KEY` signs the session and CSRF cookies: the portal refuses to start when it
is missing, short (< 32 characters) or an obvious value, unless started with `--dev`, which
makes a random key for that process and says loudly that it is a development server.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

MIN_SECRET_LENGTH = 32
OBVIOUS_WORDS = (
    "secret",
    "password",
    "passwd",
    "changeme",
    "change-me",
    "change_me",
    "example",
    "default",
    "placeholder",
    "zonewh",
    "qwerty",
    "123456",
    "abcdef",
    "xxxxxx",
)
"""A key containing one of these (case-insensitive) is refused as an obvious value (words of
six letters or more: a random key holds one by chance about once in a billion)."""
DEFAULT_MAX_UPLOAD_MB = 20.0
DEFAULT_REMIND_DAYS = 4
DEFAULT_SESSION_HOURS = 12.0
DEFAULT_IDLE_MINUTES = 120.0


class SecretKeyError(ValueError):
    """The secret key is missing or weak: what is wrong and what to do (English)."""


def check_secret_key(key: str | None) -> str:
    """The key when it is strong enough; SecretKeyError saying why not."""
    hint = (
        'generate one with: python3 -c "import secrets; print(secrets.token_urlsafe(48))" '
        "and set ZONEWH_SECRET_KEY (or start with --dev for a development server)"
    )
    if key is None or not key.strip():
        raise SecretKeyError(f"ZONEWH_SECRET_KEY is not set: {hint}")
    if len(key) < MIN_SECRET_LENGTH:
        raise SecretKeyError(
            f"ZONEWH_SECRET_KEY is too short ({len(key)} characters, at least "
            f"{MIN_SECRET_LENGTH}): {hint}"
        )
    lowered = key.lower()
    if any(word in lowered for word in OBVIOUS_WORDS):
        raise SecretKeyError(f"ZONEWH_SECRET_KEY is an obvious or placeholder value: {hint}")
    if len(set(key)) < 10 or re.fullmatch(r"(.{1,8}?)\1+", key):
        raise SecretKeyError(f"ZONEWH_SECRET_KEY repeats too few characters to be secret: {hint}")
    return key


@dataclass(frozen=True)
class Smtp:
    """Where reminder e-mails go out (`ZONEWH_SMTP_*`)."""

    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "zonewh@localhost"
    starttls: bool = False
    ssl: bool = False


@dataclass(frozen=True)
class Airflow:
    """Airflow's REST API, when the office's runs go through the monthly DAG."""

    url: str
    username: str | None = None
    password: str | None = None
    token: str | None = None


@dataclass(frozen=True)
class PortalSettings:
    """Everything the portal reads from its environment."""

    secret_key: str
    dev: bool = False
    https: bool = False
    """Served over https (directly or behind a TLS proxy): cookies are `Secure`."""
    max_upload_bytes: int = int(DEFAULT_MAX_UPLOAD_MB * 1024 * 1024)
    remind_days: int = DEFAULT_REMIND_DAYS
    """The banner shows in the last this many days up to the due day."""
    session_hours: float = DEFAULT_SESSION_HOURS
    idle_minutes: float = DEFAULT_IDLE_MINUTES
    login_limit_account: str = "5/15 minutes"
    login_limit_address: str = "20/15 minutes"
    smtp: Smtp | None = None
    airflow: Airflow | None = None
    portal_url: str | None = None
    loader_poll_s: float = 2.0
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, dev: bool = False, https: bool = False
    ) -> PortalSettings:
        """The settings of the environment; SecretKeyError when the key is weak (not `dev`),
        ValueError naming a variable that is not a number."""
        env = os.environ if environ is None else environ
        key = env.get("ZONEWH_SECRET_KEY")
        if dev:
            try:
                key = check_secret_key(key)
            except SecretKeyError:
                key = secrets.token_urlsafe(48)
        else:
            key = check_secret_key(key)
        return cls(
            secret_key=key,
            dev=dev,
            https=https or _flag(env.get("ZONEWH_PORTAL_HTTPS")),
            max_upload_bytes=int(
                _number(env, "ZONEWH_PORTAL_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024
            ),
            remind_days=int(_number(env, "ZONEWH_REMIND_DAYS", DEFAULT_REMIND_DAYS)),
            session_hours=_number(env, "ZONEWH_SESSION_HOURS", DEFAULT_SESSION_HOURS),
            idle_minutes=_number(env, "ZONEWH_SESSION_IDLE_MINUTES", DEFAULT_IDLE_MINUTES),
            smtp=smtp_from_env(env),
            airflow=airflow_from_env(env),
            portal_url=(env.get("ZONEWH_PORTAL_URL") or "").strip() or None,
        )


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    text = (env.get(name) or "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ValueError(f"{name} must be a positive number, got {text!r}")
    return value


def smtp_from_env(environ: Mapping[str, str] | None = None) -> Smtp | None:
    """The SMTP server of `ZONEWH_SMTP_HOST` (and `_PORT`, `_USER`, `_PASSWORD`, `_FROM`,
    `_STARTTLS`, `_SSL`); None when no host is set."""
    env = os.environ if environ is None else environ
    host = (env.get("ZONEWH_SMTP_HOST") or "").strip()
    if not host:
        return None
    ssl = _flag(env.get("ZONEWH_SMTP_SSL"))
    return Smtp(
        host=host,
        port=int(_number(env, "ZONEWH_SMTP_PORT", 465 if ssl else 25)),
        user=(env.get("ZONEWH_SMTP_USER") or "").strip() or None,
        password=env.get("ZONEWH_SMTP_PASSWORD") or None,
        sender=(env.get("ZONEWH_SMTP_FROM") or "").strip() or "zonewh@localhost",
        starttls=_flag(env.get("ZONEWH_SMTP_STARTTLS")),
        ssl=ssl,
    )


def airflow_from_env(environ: Mapping[str, str] | None = None) -> Airflow | None:
    """Airflow's API at `ZONEWH_AIRFLOW_URL` with `ZONEWH_AIRFLOW_USERNAME` and
    `ZONEWH_AIRFLOW_PASSWORD` (or a ready `ZONEWH_AIRFLOW_TOKEN`); None unless the URL and
    credentials are set."""
    env = os.environ if environ is None else environ
    url = (env.get("ZONEWH_AIRFLOW_URL") or "").strip().rstrip("/")
    user = (env.get("ZONEWH_AIRFLOW_USERNAME") or "").strip() or None
    password = env.get("ZONEWH_AIRFLOW_PASSWORD") or None
    token = (env.get("ZONEWH_AIRFLOW_TOKEN") or "").strip() or None
    if not url or not (token or (user and password)):
        return None
    return Airflow(url=url, username=user, password=password, token=token)
