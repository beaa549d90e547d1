"""Signed, expiring links sent by e-mail (invitations, unsubscribe, password reset): make and read their tokens."""
from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenInvalid(Exception):
    """The token was tampered with, is for another purpose, or has expired."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def make_token(secret: str, purpose: str, payload: Any) -> str:
    return URLSafeTimedSerializer(secret, salt=f"civimatch:{purpose}").dumps(payload)


def read_token(secret: str, purpose: str, token: str, max_age_s: int) -> Any:
    serializer = URLSafeTimedSerializer(secret, salt=f"civimatch:{purpose}")
    try:
        return serializer.loads(token, max_age=max_age_s)
    except SignatureExpired as exc:
        raise TokenInvalid(expired=True) from exc
    except BadSignature as exc:
        raise TokenInvalid() from exc
