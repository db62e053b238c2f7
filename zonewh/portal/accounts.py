"""Portal accounts from the command line (`zonewh users`) and the demo's accounts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from ..config import Paths
from .auth import hash_password
from .storage import ROLES, Account, PortalStore

OFFICE_UNIT = "ins"
"""The supervision office (督查室): the unit of office accounts unless told otherwise."""
ANALYST_UNIT = "drc"


def check_unit(unit_code: str, role: str) -> str:
    """The unit code when it is a unit of the reference data; ValueError otherwise."""
    from ingest.reference import load_reference

    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if load_reference().unit(unit_code) is None:
        raise ValueError(f"unknown unit {unit_code!r}: give a unit code of org_units.csv")
    return unit_code


def add(
    p: Paths,
    name: str,
    unit_code: str,
    role: str,
    password: str,
    display_name: str = "",
    email: str = "",
    phone: str = "",
) -> Account:
    """A new account; ValueError for a taken name, an unknown unit or role, a short password."""
    name = name.strip()
    if not name or len(name) > 60 or any(c.isspace() for c in name):
        raise ValueError("an account name is 1 to 60 characters without spaces")
    check_unit(unit_code, role)
    store = PortalStore.of_home(p.home)
    account = store.add_user(
        name, unit_code, role, hash_password(password), display_name, email, phone
    )
    store.audit("user_added", "cli", role=role, unit_code=unit_code, subject=name)
    return account


def new_password() -> str:
    return secrets.token_urlsafe(12)


@dataclass
class DemoAccount:
    name: str
    role: str
    unit_code: str
    password: str | None
    """None when the account existed already (its password is left as it was)."""


def demo_accounts(p: Paths, months: list[str]) -> list[DemoAccount]:
    """An office account, an analyst, and a submitter for each unit that owes forms in any of
    `months` (named by its unit code), each with a random password; existing ones are kept."""
    from ingest.calendar import expected_submissions
    from ingest.reference import load_reference
    from ingest.store import open_store

    ref = load_reference()
    units: set[str] = set()
    with open_store(p, read_only=True) as con:
        for m in months:
            units |= {u for u, _, _ in expected_submissions(m, con, ref)}
    wanted = [("office", "office", OFFICE_UNIT), ("analyst", "analyst", ANALYST_UNIT)]
    wanted += [(u, "submitter", u) for u in sorted(units)]
    store = PortalStore.of_home(p.home)
    out = []
    for name, role, unit in wanted:
        if store.user(name) is not None:
            out.append(DemoAccount(name, role, unit, None))
            continue
        password = new_password()
        unit_obj = ref.unit(unit)
        shown = {"office": "督查室", "analyst": "数据分析"}.get(role)
        add(
            p,
            name,
            unit,
            role,
            password,
            display_name=shown or (unit_obj.name if unit_obj else name),
        )
        out.append(DemoAccount(name, role, unit, password))
    return out
