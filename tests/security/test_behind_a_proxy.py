"""Behind a reverse proxy: TRUSTED_PROXIES hops of X-Forwarded-* are believed; log-in is limited per account too."""
from __future__ import annotations

import pytest
from flask import request

from app.config import ConfigError, security_settings
from app.db import new_session
from app.security.deploy_check import deployment_warnings
from tests.conftest import _empty_tables, make_test_app
from tests.factories import PASSWORD, Factory

LIMITS = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
          "LOGIN_RATE_LIMIT": "3/minute", "LOGIN_ACCOUNT_RATE_LIMIT": "4/minute"}


@pytest.fixture
def proxied_app(database_url):
    app = make_test_app(database_url, TRUSTED_PROXIES=1, **LIMITS)

    @app.route("/_test/client")
    def client_seen():
        return f"{request.remote_addr} {request.scheme}"

    yield app
    _empty_tables(app.extensions["db_engine"])
    app.extensions["db_engine"].dispose()


def _from(address: str) -> dict:
    return {"X-Forwarded-For": address, "X-Forwarded-Proto": "https"}


def _wrong_login(client, email: str, address: str):
    return client.post("/login", data={"email": email, "password": "wrong password"}, headers=_from(address))


def test_one_trusted_hop_gives_the_client_address_and_scheme_the_proxy_saw(proxied_app):
    client = proxied_app.test_client()
    seen = client.get("/_test/client", headers={"X-Forwarded-For": "198.51.100.9, 203.0.113.7",
                                                  "X-Forwarded-Proto": "https"})
    # The client may send its own X-Forwarded-For; only the address our proxy appended is believed.
    assert seen.get_data(as_text=True) == "203.0.113.7 https"


def test_without_trusted_proxies_forwarded_headers_are_ignored(app):
    @app.route("/_test/client")
    def client_seen():
        return f"{request.remote_addr} {request.scheme}"

    seen = app.test_client().get("/_test/client", headers=_from("203.0.113.7"))
    assert seen.get_data(as_text=True) == "127.0.0.1 http"


def test_failed_logins_from_one_address_do_not_lock_out_others_behind_the_same_proxy(proxied_app):
    client = proxied_app.test_client()
    for n in range(3):
        assert _wrong_login(client, f"nobody{n}@test.example", "203.0.113.66").status_code == 422
    assert _wrong_login(client, "nobody9@test.example", "203.0.113.66").status_code == 429
    assert _wrong_login(client, "nobody9@test.example", "198.51.100.20").status_code == 422


def test_one_account_tried_from_many_addresses_is_limited(proxied_app):
    client = proxied_app.test_client()
    for n in range(4):
        assert _wrong_login(client, "target@test.example", f"203.0.113.{n + 1}").status_code == 422
    # The same account, normalised (case, spaces), from a fifth address: refused.
    assert _wrong_login(client, "  Target@TEST.example", "203.0.113.99").status_code == 429
    assert _wrong_login(client, "someone.else@test.example", "203.0.113.99").status_code == 422


def test_successful_logins_do_not_use_up_the_budget(proxied_app):
    with proxied_app.app_context():
        session = new_session(proxied_app)
        user = Factory(session, proxied_app.extensions["service_settings"]).buyer()
        session.close()
    for _ in range(6):
        client = proxied_app.test_client()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                               headers=_from("203.0.113.5"))
        assert response.status_code == 302


def test_security_check_warns_when_https_is_served_without_a_trusted_proxy(app):
    config = {"BASE_URL": "https://civimatch.example", "TRUSTED_PROXIES": 0}
    assert len(deployment_warnings(config)) == 1 and "TRUSTED_PROXIES" in deployment_warnings(config)[0]
    assert deployment_warnings({**config, "TRUSTED_PROXIES": 1}) == []
    assert deployment_warnings({"BASE_URL": "http://localhost:8000", "TRUSTED_PROXIES": 0}) == []
    app.config.update(config)
    result = app.test_cli_runner().invoke(args=["security-check"])
    assert "security-check: warning: BASE_URL is https:// but TRUSTED_PROXIES is 0" in result.output


def test_trusted_proxies_must_be_a_number(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "yes")
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        security_settings()
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert security_settings()["TRUSTED_PROXIES"] == 2
