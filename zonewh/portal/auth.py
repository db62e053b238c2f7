"""Who is asking: passwords (argon2id, `argon2-cffi`), login rate limits (`limits`, a moving
window per account and per address), sessions and API tokens.

A session cookie (Starlette's `SessionMiddleware`: signed, HttpOnly, SameSite=Lax, Secure
over https) carries only the id of a row in `sessions`; the row decides, so a logout or a
disabled account ends the session even for a copy of the cookie. API calls carry a Bearer
token; only its hash is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from .storage import Account, PortalStore

_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def hash_password(password: str) -> str:
    """An argon2id hash of `password`; ValueError when it is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class LoginLimiter:
    """Failed logins counted in a moving window, per account name and per client address."""

    def __init__(self, per_account: str, per_address: str):
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.per_account = parse(per_account)
        self.per_address = parse(per_address)

    def allowed(self, name: str, address: str) -> bool:
        """False while the account or the address has used up its failed attempts."""
        return self.limiter.test(self.per_account, "account", name.lower()) and self.limiter.test(
            self.per_address, "address", address
        )

    def failed(self, name: str, address: str) -> None:
        self.limiter.hit(self.per_account, "account", name.lower())
        self.limiter.hit(self.per_address, "address", address)

    def succeeded(self, name: str) -> None:
        self.limiter.clear(self.per_account, "account", name.lower())


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    reason: str
    """ok | limited | wrong | disabled"""


def authenticate(
    store: PortalStore, limiter: LoginLimiter, name: str, password: str, address: str
) -> LoginResult:
    """Check a name and password, within the rate limits; every outcome is audited by the
    caller."""
    name = name.strip()
    if not limiter.allowed(name, address):
        return LoginResult(None, "limited")
    account = store.user(name) if name else None
    ok = verify_password(account.password_hash if account else _DUMMY_HASH, password)
    if not ok or account is None:
        limiter.failed(name, address)
        return LoginResult(None, "wrong")
    if account.disabled:
        limiter.failed(name, address)
        return LoginResult(None, "disabled")
    limiter.succeeded(name)
    return LoginResult(account, "ok")
