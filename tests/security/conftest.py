"""Fixtures for security and moderation tests: an admin, and logging in as anyone."""
from __future__ import annotations

import pytest

from app.services.accounts import users as accounts
from tests.factories import PASSWORD

ADMIN_EMAIL = "admin@civimatch.test"


@pytest.fixture
def admin(db):
    return accounts.create_admin(db, ADMIN_EMAIL, "Platform Admin", PASSWORD)


def login(client, email: str, password: str = PASSWORD):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.status_code
    return client


@pytest.fixture
def login_as(app):
    """login_as(user) -> a fresh test client signed in as that user."""
    return lambda user: login(app.test_client(), user.email)
