"""The portal's own records: `<home>/portal/portal.sqlite3` (stdlib sqlite3, WAL mode).

- `users`: accounts (name, unit, role, argon2 password hash, contact, disabled);
- `tokens`: API tokens, stored as SHA-256 hashes only (a token is 32 random bytes, so a fast
  hash is enough; the token itself is printed once);
- `sessions`: one row per login; the session cookie carries only the session's id, so a
  logout (or a disabled account) ends it for good;
- `audit`: every login (and failed one), logout, upload, download, waiver, skip and run,
  append-only (triggers refuse UPDATE and DELETE);
- `uploads`: every file received through the portal and whether the loader has loaded it;
- `runs`: the monthly runs started from the portal.

Each call opens its own short connection, so threads (the request pool, the loader, the run
monitor) and processes (`zonewh users`) share the file safely.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..config import CST

ROLES = ("submitter", "office", "analyst")

SCHEMA = """
create table if not exists users (
    id integer primary key,
    name text not null unique,
    unit_code text not null,
    role text not null check (role in ('submitter', 'office', 'analyst')),
    password_hash text not null,
    display_name text not null default '',
    email text not null default '',
    phone text not null default '',
    disabled integer not null default 0,
    created_at text not null
);
create table if not exists tokens (
    id integer primary key,
    user_id integer not null references users(id),
    token_hash text not null unique,
    created_at text not null,
    last_used_at text,
    revoked integer not null default 0
);
create table if not exists sessions (
    id text primary key,
    user_id integer not null references users(id),
    created_at text not null,
    last_seen_at text not null,
    ended_at text,
    address text not null default ''
);
create table if not exists audit (
    id integer primary key autoincrement,
    at text not null,
    actor text not null,
    role text not null default '',
    unit_code text not null default '',
    address text not null default '',
    action text not null,
    month text not null default '',
    subject text not null default '',
    outcome text not null default '',
    detail text not null default ''
);
create index if not exists audit_at on audit(at);
create trigger if not exists audit_no_update before update on audit
begin select raise(abort, 'the audit log is append-only'); end;
create trigger if not exists audit_no_delete before delete on audit
begin select raise(abort, 'the audit log is append-only'); end;
create table if not exists uploads (
    id integer primary key,
    month text not null,
    unit_code text not null,
    rel_path text not null,
    file_name text not null,
    original_name text not null,
    uploaded_by text not null,
    received_at text not null,
    size_bytes integer not null,
    sha256 text not null,
    checked_status text not null,
    loaded_at text,
    load_status text,
    version integer,
    submission_id text,
    attempts integer not null default 0,
    next_try_at text,
    last_error text
);
create index if not exists uploads_pending on uploads(loaded_at);
create table if not exists runs (
    id integer primary key,
    month text not null,
    mode text not null,
    started_by text not null,
    started_at text not null,
    pid integer,
    log_path text,
    stage_path text,
    airflow_run_id text,
    finished_at text,
    exit_code integer,
    outcome text,
    message text
);
"""


def now_text() -> str:
    """Now, Beijing time, ISO 8601 to the second."""
    return datetime.now(CST).isoformat(timespec="seconds")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Account:
    """A portal user."""

    id: int
    name: str
    unit_code: str
    role: str
    password_hash: str
    display_name: str
    email: str
    phone: str
    disabled: bool
    created_at: str

    @property
    def is_office(self) -> bool:
        return self.role == "office"

    def may_see_unit(self, unit_code: str) -> bool:
        """Office sees every unit; a submitter its own only; an analyst none."""
        return self.role == "office" or (self.role == "submitter" and unit_code == self.unit_code)


class PortalStore:
    """The portal's SQLite file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as con:
            con.execute("pragma journal_mode=wal")
            con.executescript(SCHEMA)

    @classmethod
    def of_home(cls, home: Path) -> PortalStore:
        return cls(Path(home) / "portal" / "portal.sqlite3")

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit mode (`with con:` for a transaction), closed after."""
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute("pragma foreign_keys=on")
        con.execute("pragma busy_timeout=30000")
        try:
            yield con
        finally:
            con.close()

    # ------------------------------------------------------------ users

    def add_user(
        self,
        name: str,
        unit_code: str,
        role: str,
        password_hash: str,
        display_name: str = "",
        email: str = "",
        phone: str = "",
    ) -> Account:
        """A new account; ValueError when the name is taken or the role unknown."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        with self.connect() as con:
            try:
                con.execute(
                    "insert into users (name, unit_code, role, password_hash, display_name, "
                    "email, phone, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [name, unit_code, role, password_hash, display_name, email, phone, now_text()],
                )
            except sqlite3.IntegrityError:
                raise ValueError(f"an account named {name!r} exists already") from None
        account = self.user(name)
        assert account is not None
        return account

    def user(self, name: str) -> Account | None:
        with self.connect() as con:
            row = con.execute("select * from users where name = ?", [name]).fetchone()
        return _account(row)

    def user_by_id(self, user_id: int) -> Account | None:
        with self.connect() as con:
            row = con.execute("select * from users where id = ?", [user_id]).fetchone()
        return _account(row)

    def users(self) -> list[Account]:
        with self.connect() as con:
            rows = con.execute("select * from users order by role, unit_code, name").fetchall()
        return [a for a in map(_account, rows) if a is not None]

    def set_password(self, name: str, password_hash: str) -> None:
        with self.connect() as con:
            con.execute("update users set password_hash = ? where name = ?", [password_hash, name])

    def disable(self, name: str) -> bool:
        """Disable an account, end its sessions and revoke its tokens; False when unknown."""
        with self.connect() as con:
            row = con.execute("select id from users where name = ?", [name]).fetchone()
            if row is None:
                return False
            con.execute("begin immediate")
            try:
                con.execute("update users set disabled = 1 where id = ?", [row["id"]])
                con.execute(
                    "update sessions set ended_at = ? where user_id = ? and ended_at is null",
                    [now_text(), row["id"]],
                )
                con.execute("update tokens set revoked = 1 where user_id = ?", [row["id"]])
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
        return True

    # ------------------------------------------------------------ tokens

    def new_token(self, user_id: int) -> str:
        """A new API token for the user (only its hash is kept); the token, to print once."""
        token = "zwh_" + secrets.token_urlsafe(32)
        with self.connect() as con:
            con.execute(
                "insert into tokens (user_id, token_hash, created_at) values (?, ?, ?)",
                [user_id, token_hash(token), now_text()],
            )
        return token

    def user_of_token(self, token: str) -> Account | None:
        """The enabled account of a valid, unrevoked token."""
        with self.connect() as con:
            row = con.execute(
                "select t.id as token_id, u.* from tokens t join users u on u.id = t.user_id "
                "where t.token_hash = ? and t.revoked = 0 and u.disabled = 0",
                [token_hash(token)],
            ).fetchone()
            if row is None:
                return None
            con.execute(
                "update tokens set last_used_at = ? where id = ?", [now_text(), row["token_id"]]
            )
        return _account(row)

    # ------------------------------------------------------------ sessions

    def new_session(self, user_id: int, address: str) -> str:
        sid = secrets.token_urlsafe(32)
        at = now_text()
        with self.connect() as con:
            con.execute(
                "insert into sessions (id, user_id, created_at, last_seen_at, address) "
                "values (?, ?, ?, ?, ?)",
                [sid, user_id, at, at, address],
            )
        return sid

    def session_user(
        self, sid: str, max_age_s: float, idle_s: float
    ) -> tuple[Account, dict[str, Any]] | None:
        """The account of a live session (not ended, not too old or idle, account enabled);
        touches it. None otherwise (an expired session is ended)."""
        with self.connect() as con:
            row = con.execute(
                "select s.created_at as s_created, s.last_seen_at as s_seen, s.ended_at, u.* "
                "from sessions s join users u on u.id = s.user_id where s.id = ?",
                [sid],
            ).fetchone()
            if row is None or row["ended_at"] is not None or row["disabled"]:
                return None
            now = datetime.now(CST)
            age = (now - datetime.fromisoformat(row["s_created"])).total_seconds()
            idle = (now - datetime.fromisoformat(row["s_seen"])).total_seconds()
            if age > max_age_s or idle > idle_s:
                con.execute("update sessions set ended_at = ? where id = ?", [now_text(), sid])
                return None
            if idle > 30:
                con.execute("update sessions set last_seen_at = ? where id = ?", [now_text(), sid])
        account = _account(row)
        assert account is not None
        return account, {"created_at": row["s_created"]}

    def end_session(self, sid: str) -> None:
        with self.connect() as con:
            con.execute(
                "update sessions set ended_at = ? where id = ? and ended_at is null",
                [now_text(), sid],
            )

    # ------------------------------------------------------------ audit

    def audit(
        self,
        action: str,
        actor: str,
        *,
        role: str = "",
        unit_code: str = "",
        address: str = "",
        month: str = "",
        subject: str = "",
        outcome: str = "",
        detail: str = "",
    ) -> None:
        """Append one event to the audit log."""
        with self.connect() as con:
            con.execute(
                "insert into audit (at, actor, role, unit_code, address, action, month, "
                "subject, outcome, detail) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    now_text(),
                    actor,
                    role,
                    unit_code,
                    address,
                    action,
                    month,
                    subject[:500],
                    outcome,
                    detail[:2000],
                ],
            )

    def audit_rows(
        self, limit: int = 200, before_id: int | None = None, action: str | None = None
    ) -> list[dict[str, Any]]:
        """The latest events, newest first (`before_id` pages back)."""
        sql, args = "select * from audit where 1 = 1", []
        if before_id is not None:
            sql += " and id < ?"
            args.append(before_id)
        if action:
            sql += " and action = ?"
            args.append(action)
        sql += " order by id desc limit ?"
        args.append(limit)
        with self.connect() as con:
            return [dict(r) for r in con.execute(sql, args).fetchall()]

    # ------------------------------------------------------------ uploads

    def add_upload(self, **values: Any) -> int:
        keys = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self.connect() as con:
            cur = con.execute(
                f"insert into uploads ({keys}) values ({marks})", list(values.values())
            )
            return int(cur.lastrowid or 0)

    def upload(self, upload_id: int) -> dict[str, Any] | None:
        with self.connect() as con:
            row = con.execute("select * from uploads where id = ?", [upload_id]).fetchone()
        return dict(row) if row else None

    def uploads_of(self, month: str, unit_code: str | None = None) -> list[dict[str, Any]]:
        sql, args = "select * from uploads where month = ?", [month]
        if unit_code is not None:
            sql += " and unit_code = ?"
            args.append(unit_code)
        with self.connect() as con:
            return [dict(r) for r in con.execute(sql + " order by id", args).fetchall()]

    def pending_uploads(self, due_by: str | None = None) -> list[dict[str, Any]]:
        """Uploads not loaded yet (whose next try is due by `due_by`), oldest first."""
        sql = "select * from uploads where loaded_at is null"
        args: list[Any] = []
        if due_by is not None:
            sql += " and (next_try_at is null or next_try_at <= ?)"
            args.append(due_by)
        with self.connect() as con:
            return [dict(r) for r in con.execute(sql + " order by id", args).fetchall()]

    def update_upload(self, upload_id: int, **values: Any) -> None:
        sets = ", ".join(f"{k} = ?" for k in values)
        with self.connect() as con:
            con.execute(f"update uploads set {sets} where id = ?", [*values.values(), upload_id])

    # ------------------------------------------------------------ runs

    def add_run(self, **values: Any) -> int:
        keys = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self.connect() as con:
            cur = con.execute(f"insert into runs ({keys}) values ({marks})", list(values.values()))
            return int(cur.lastrowid or 0)

    def run(self, run_id: int) -> dict[str, Any] | None:
        with self.connect() as con:
            row = con.execute("select * from runs where id = ?", [run_id]).fetchone()
        return dict(row) if row else None

    def runs_of(self, month: str) -> list[dict[str, Any]]:
        with self.connect() as con:
            rows = con.execute(
                "select * from runs where month = ? order by id desc", [month]
            ).fetchall()
        return [dict(r) for r in rows]

    def update_run(self, run_id: int, **values: Any) -> None:
        sets = ", ".join(f"{k} = ?" for k in values)
        with self.connect() as con:
            con.execute(f"update runs set {sets} where id = ?", [*values.values(), run_id])


def _account(row: sqlite3.Row | None) -> Account | None:
    if row is None:
        return None
    return Account(
        id=row["id"],
        name=row["name"],
        unit_code=row["unit_code"],
        role=row["role"],
        password_hash=row["password_hash"],
        display_name=row["display_name"],
        email=row["email"],
        phone=row["phone"],
        disabled=bool(row["disabled"]),
        created_at=row["created_at"],
    )
