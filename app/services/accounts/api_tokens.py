"""Personal API tokens: create (shown once), list, revoke, and authenticate a bearer token.

A token is ``cm_`` + ``secrets.token_urlsafe(32)`` (256 bits of randomness). Only its SHA-256 is
stored: a fast hash is enough because the secret is random, not a password a person chose.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import ApiToken, User
from app.services.errors import Conflict, NotFound, ValidationFailed

TOKEN_PREFIX = "cm_"  # noqa: S105 (a label, not a secret)
VISIBLE_CHARS = 8  # characters after the prefix that the account page shows
MAX_ACTIVE_TOKENS = 20
MAX_NAME_LENGTH = 100
MAX_TOKEN_LENGTH = 200  # longer headers are refused before hashing
# How long a new token may live, in days (None: until revoked); the form offers these.
VALIDITY_CHOICES: tuple[int | None, ...] = (30, 90, 365, None)
DEFAULT_VALIDITY_DAYS = 90
# last_used_at is written at most this often, so reading the API does not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    """A freshly created token: ``secret`` exists only here and is never stored."""

    token: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(session: Session, actor_id: int, name: str,
                 valid_days: int | None = DEFAULT_VALIDITY_DAYS) -> NewToken:
    """Create a token for the actor, valid ``valid_days`` (None: until revoked); the returned
    secret must be shown once and then forgotten."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed({"name": "Give the token a name, e.g. the script that will use it."})
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed({"name": f"Keep the name under {MAX_NAME_LENGTH} characters."})
    if valid_days not in VALIDITY_CHOICES:
        raise ValidationFailed({"valid_days": "Choose how long the token stays valid: 30, 90 or 365 days, or never."})
    if session.get(User, actor_id) is None:
        raise NotFound("No such user.")
    unexpired = ApiToken.expires_at.is_(None) | (ApiToken.expires_at > utcnow())
    active = session.scalar(select(func.count()).select_from(ApiToken).where(
        ApiToken.user_id == actor_id, ApiToken.revoked_at.is_(None), unexpired)) or 0
    if active >= MAX_ACTIVE_TOKENS:
        raise Conflict(f"You already have {MAX_ACTIVE_TOKENS} active tokens; revoke one first.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = None if valid_days is None else utcnow() + timedelta(days=valid_days)
    token = ApiToken(user_id=actor_id, name=name, prefix=secret[:len(TOKEN_PREFIX) + VISIBLE_CHARS],
                     token_hash=hash_token(secret), expires_at=expires_at)
    session.add(token)
    session.commit()
    return NewToken(token=token, secret=secret)


def list_tokens(session: Session, actor_id: int) -> list[ApiToken]:
    """The actor's tokens, active first, newest first."""
    statement = select(ApiToken).where(ApiToken.user_id == actor_id)
    return list(session.scalars(statement.order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def get_token(session: Session, actor_id: int, token_id: int) -> ApiToken:
    """One of the actor's tokens (with its user); someone else's token is NotFound."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != actor_id:
        raise NotFound("No such token.")
    return token


def revoke_token(session: Session, actor_id: int, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens; someone else's token is NotFound. Revoking twice is harmless."""
    token = get_token(session, actor_id, token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.commit()
    return token


def authenticate(session: Session, secret: str) -> tuple[User, ApiToken] | None:
    """The user and token for a bearer secret, or None when it is unknown, revoked, expired or malformed."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > MAX_TOKEN_LENGTH:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or not token.is_active or not _may_act(token.user):
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        session.commit()
    return token.user, token


def _may_act(user: User) -> bool:
    # A suspended account (moderation) loses API access along with its web sessions.
    return getattr(user, "suspended_at", None) is None
