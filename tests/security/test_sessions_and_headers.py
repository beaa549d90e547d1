"""Cookies, session time-outs, trusted hosts and security headers."""
from __future__ import annotations

import re
import time

import pytest

from app.config import ROOT, from_environment
from app.security.sessions import LOGIN_AT, SEEN_AT
from tests.conftest import make_test_app
from tests.security.conftest import login


def _set_cookie(response) -> str:
    return next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))


def test_session_cookie_is_httponly_and_samesite_lax_not_secure_on_http(client, make):
    user = make.buyer()
    cookie = _set_cookie(client.post("/login", data={"email": user.email, "password": "correct horse battery"}))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_behind_https(database_url, monkeypatch):
    monkeypatch.setenv("BASE_URL", "https://civimatch.test")
    secure = {k: v for k, v in from_environment().items() if k.endswith("_SECURE")}
    assert secure == {"SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True}
    app = make_test_app(database_url, BASE_URL="https://civimatch.test", WTF_CSRF_ENABLED=True, **secure)
    response = app.test_client().get("/login", base_url="https://civimatch.test")
    assert "Secure" in _set_cookie(response)
    app.extensions["db_engine"].dispose()


def _age_session(client, **shift_s):
    with client.session_transaction() as session:
        for key, seconds in shift_s.items():
            session[key] = int(time.time()) - seconds


@pytest.mark.parametrize(("key", "setting"), [(SEEN_AT, "SESSION_IDLE_TIMEOUT_S"),
                                              (LOGIN_AT, "SESSION_ABSOLUTE_TIMEOUT_S")])
def test_idle_and_absolute_timeouts_end_the_login(app, make, key, setting):
    client = login(app.test_client(), make.buyer().email)
    _age_session(client, **{key: app.config[setting] - 5})
    assert client.get("/dashboard").status_code == 200
    _age_session(client, **{key: app.config[setting] + 5})
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_activity_keeps_an_idle_session_alive(app, make):
    client = login(app.test_client(), make.buyer().email)
    _age_session(client, **{SEEN_AT: app.config["SESSION_IDLE_TIMEOUT_S"] - 5})
    client.get("/dashboard")
    with client.session_transaction() as session:
        assert time.time() - session[SEEN_AT] < 5


def test_logout_ends_the_session_server_side(app, make):
    client = login(app.test_client(), make.buyer().email)
    with client.session_transaction() as session:
        stolen = dict(session)
    client.post("/logout")
    replay = app.test_client()
    with replay.session_transaction() as session:
        session.update(stolen)
    assert replay.get("/dashboard").status_code == 302


def test_unknown_host_is_refused_and_known_hosts_work(client):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    for host in ("civimatch.test", "localhost", "127.0.0.1:8000"):
        assert client.get("/", headers={"Host": host}).status_code == 200


def test_security_headers_on_pages_errors_and_static(client):
    for path in ("/", "/no-such-page", "/static/css/site.css", "/login"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers


def test_hsts_when_served_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    proxied = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in proxied.headers


def test_page_templates_have_no_inline_scripts_styles_or_handlers():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "email" in path.parts:
            continue  # e-mails are not served under our CSP; mail clients need inline styles
        # JSON data blocks (<script type="application/json">) are never executed, so CSP allows them.
        text = path.read_text()
        inline_script = re.search(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", text)
        if inline_script or re.search(r"\sstyle\s*=", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
