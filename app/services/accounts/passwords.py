"""Password hashing with argon2id."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the e-mail is unknown, so timing does not reveal registered addresses.
_DUMMY_HASH = _hasher.hash("civimatch-timing-equaliser")

MIN_LENGTH = 8
MAX_LENGTH = 256


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the hasher (the test suite uses cheap argon2id parameters; production never calls this)."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("civimatch-timing-equaliser")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common leaked passwords shipped offline with zxcvbn (loaded once, on first use)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


# (password, its hash) while reuse_hash_for() is active; see there.
_reused: ContextVar[tuple[str, str] | None] = ContextVar("reused_password_hash", default=None)


def hash_password(password: str) -> str:
    reused = _reused.get()
    if reused is not None and reused[0] == password:
        return reused[1]
    return _hasher.hash(password)


@contextmanager
def reuse_hash_for(public_password: str) -> Iterator[None]:
    """Within the block, hash ``public_password`` once and reuse that hash for every account given it.

    Only for a password that is published anyway (the demo logins): loading ~80 demo accounts would
    otherwise spend a deliberately slow argon2 hash on each. Every other password is hashed as usual.
    """
    token = _reused.set((public_password, _hasher.hash(public_password)))
    try:
        yield
    finally:
        _reused.reset(token)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, name: str = "", email: str = "") -> str | None:
    """Why a new password is not acceptable, or None; length rules only, no composition rules."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in common_passwords() or lowered.strip() in common_passwords():
        return "This password is too common: attackers try it first. Choose another."
    local_part = email.split("@")[0].lower()
    if local_part and len(local_part) >= 4 and local_part in lowered:
        return "The password must not contain your e-mail address."
    if name and len(name) >= 4 and name.lower() in lowered:
        return "The password must not contain your name."
    return None
