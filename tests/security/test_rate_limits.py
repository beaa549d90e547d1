"""Log-in, sign-up, password reset and API calls are rate-limited: 429 with Retry-After."""
from __future__ import annotations

import pytest

from tests.conftest import _empty_tables, make_test_app


@pytest.fixture
def limited_app(database_url):
    app = make_test_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                        LOGIN_RATE_LIMIT="3/minute", SIGNUP_RATE_LIMIT="2/minute",
                        PASSWORD_RESET_RATE_LIMIT="2/minute", API_RATE_LIMIT="4/minute")
    yield app
    _empty_tables(app.extensions["db_engine"])
    app.extensions["db_engine"].dispose()


def _exhaust(client, path: str, allowed: int, **post):
    for _ in range(allowed):
        response = client.post(path, data=post) if post else client.get(path)
        assert response.status_code != 429
    return client.post(path, data=post) if post else client.get(path)


def test_login_is_limited_with_a_friendly_page(limited_app):
    response = _exhaust(limited_app.test_client(), "/login", 3, email="a@b.example", password="wrong pass")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "text/html" in response.content_type and "Slow down" in response.get_data(as_text=True)


def test_login_form_get_is_not_counted(limited_app):
    client = limited_app.test_client()
    for _ in range(6):
        assert client.get("/login").status_code == 200


@pytest.mark.parametrize(("path", "allowed", "data"), [
    ("/signup", 2, {"email": "x@y.example"}),
    ("/password/forgot", 2, {"email": "x@y.example"}),
])
def test_signup_and_password_reset_are_limited(limited_app, path, allowed, data):
    assert _exhaust(limited_app.test_client(), path, allowed, **data).status_code == 429


def test_api_is_limited_with_json(limited_app):
    response = _exhaust(limited_app.test_client(), "/api/v1/challenges", 4)
    assert response.status_code == 429
    assert response.is_json and response.get_json()["status"] == 429
    assert "Retry-After" in response.headers


def test_pages_outside_the_api_have_no_default_limit(limited_app):
    client = limited_app.test_client()
    for _ in range(8):
        assert client.get("/challenges").status_code == 200


def test_limits_are_off_in_the_default_test_config(client):
    for _ in range(15):
        assert client.post("/login", data={"email": "a@b.example", "password": "wrong pass"}).status_code == 422
