"""Every state-changing form outside the token-authenticated API refuses a POST without a CSRF token."""
from __future__ import annotations

from tests.security.routes import rules, sample_path

# Documented exemptions (docs/security.md): RFC 8058 one-click unsubscribe is posted by mail clients,
# which cannot hold a CSRF token; the signed token in its URL is the proof instead.
CSRF_EXEMPT = {"digests.unsubscribe_post"}


def test_every_non_api_post_without_token_is_refused(csrf_app):
    anonymous = csrf_app.test_client()
    checked = []
    for rule in rules(csrf_app, "POST"):
        if rule.rule.startswith("/api/") or rule.endpoint in CSRF_EXEMPT:
            continue
        response = anonymous.post(sample_path(rule), data={"status": "open", "reason": "x"})
        assert response.status_code == 400, (rule.rule, response.status_code)
        checked.append(rule.endpoint)
    assert {"auth.login", "auth.logout", "admin.suspend", "challenges.change_status"} <= set(checked)


def test_signed_in_posts_without_token_are_refused_too(csrf_app, make):
    user = make.buyer()
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                       "csrf_token": token}).status_code == 302
    assert client.post("/logout").status_code == 400
    assert client.get("/dashboard").status_code == 200  # the refused logout changed nothing


def test_exemptions_are_real_routes(csrf_app):
    endpoints = {r.endpoint for r in rules(csrf_app, "POST")}
    assert CSRF_EXEMPT <= endpoints
