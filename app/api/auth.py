"""Bearer-token authentication for the API. Session cookies are never consulted here."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, request

from app.api.errors import ApiError
from app.db import get_session
from app.services.accounts import api_tokens

CHALLENGE_HEADER = {"WWW-Authenticate": 'Bearer realm="CiviMatch API"'}


@dataclass(frozen=True)
class Caller:
    """Who is calling: the token's user, their organisation and side."""

    user_id: int
    organisation_id: int | None
    organisation_side: str | None
    token_id: int


def load_caller() -> Caller | None:
    """The caller named by ``Authorization: Bearer <token>``; None without the header; 401 if it is bad."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "invalid_token", "Send the token as 'Authorization: Bearer <token>'.",
                       headers=CHALLENGE_HEADER)
    found = api_tokens.authenticate(get_session(), secret.strip())
    if found is None:
        raise ApiError(401, "invalid_token", "The API token is unknown or has been revoked.", headers=CHALLENGE_HEADER)
    user, token = found
    side = user.organisation.side if user.organisation else None
    return Caller(user_id=user.id, organisation_id=user.organisation_id, organisation_side=side, token_id=token.id)


def current_caller() -> Caller | None:
    return g.get("api_caller")


def require_caller() -> Caller:
    caller = current_caller()
    if caller is None:
        raise ApiError(401, "authentication_required", "This call needs an API token: create one on your account page.",
                       headers=CHALLENGE_HEADER)
    return caller


def viewer_org_id() -> int | None:
    caller = current_caller()
    return caller.organisation_id if caller else None
