"""API test helpers: personal tokens made through the service, and bearer headers."""
from __future__ import annotations

import pytest

from app.services.accounts import api_tokens


class Tokens:
    def __init__(self, db) -> None:
        self.db = db

    def secret(self, user, name: str = "test script") -> str:
        return api_tokens.create_token(self.db, user.id, name).secret

    def headers(self, user) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret(user)}"}


@pytest.fixture
def tokens(db):
    return Tokens(db)
