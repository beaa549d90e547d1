"""Token lifecycle: created on the account page, shown once, stored as a hash, revoked -> 401."""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import select, text

from app.models import ApiToken
from app.services.accounts import api_tokens

SECRET_PATTERN = re.compile(r"cm_[A-Za-z0-9_-]{40,}")


def _create_on_account_page(client, name="portal sync"):
    response = client.post("/account/api-tokens", data={"name": name})
    assert response.status_code == 200
    found = SECRET_PATTERN.findall(response.get_data(as_text=True))
    return response, found[0]


def test_account_page_creates_a_token_shown_once(client, auth, make, db):
    user = make.buyer(email="it@city.example")
    auth.login("it@city.example")
    response, secret = _create_on_account_page(client)
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).get_json()["user"]["id"] == user.id
    account = client.get("/account").get_data(as_text=True)
    assert "portal sync" in account and secret[:11] in account
    assert secret not in account  # never shown again


def test_only_a_sha256_hash_is_stored(client, auth, make, db):
    make.buyer(email="it@city.example")
    auth.login("it@city.example")
    _, secret = _create_on_account_page(client)
    row = db.scalar(select(ApiToken))
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert row.prefix == secret[:11]
    columns = db.execute(text("SELECT * FROM api_tokens")).one()
    assert all(secret not in str(value) for value in columns)


def test_token_name_is_required_and_form_keeps_errors(client, auth, make):
    make.buyer(email="it@city.example")
    auth.login("it@city.example")
    response = client.post("/account/api-tokens", data={"name": ""})
    assert response.status_code == 422
    assert "Give the token a name" in response.get_data(as_text=True)


def test_revoked_on_account_page_then_401(client, auth, make, db, tokens):
    user = make.buyer(email="it@city.example")
    secret = tokens.secret(user)
    token_id = db.scalar(select(ApiToken.id))
    auth.login("it@city.example")
    assert client.post(f"/account/api-tokens/{token_id}/revoke").status_code == 302
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_token"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_through_the_api_then_401(client, make, db, tokens):
    user = make.innovator()
    secret = tokens.secret(user)
    headers = {"Authorization": f"Bearer {secret}"}
    token_id = client.get("/api/v1/me", headers=headers).get_json()["token"]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_cannot_revoke_someone_elses_token(client, make, tokens, db):
    owner, other = make.buyer(), make.buyer()
    owner_secret = tokens.secret(owner)
    owner_token_id = db.scalar(select(ApiToken.id).where(ApiToken.user_id == owner.id))
    response = client.delete(f"/api/v1/tokens/{owner_token_id}", headers=tokens.headers(other))
    assert response.status_code == 404
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {owner_secret}"}).status_code == 200


def test_someone_elses_token_cannot_be_revoked_on_the_account_page(client, auth, make, db, tokens):
    owner = make.buyer()
    tokens.secret(owner)
    make.buyer(email="intruder@city.example")
    auth.login("intruder@city.example")
    token_id = db.scalar(select(ApiToken.id))
    assert client.post(f"/account/api-tokens/{token_id}/revoke").status_code == 404
    db.expire_all()
    assert db.get(ApiToken, token_id).revoked_at is None


def test_token_list_never_contains_secrets(client, make, tokens):
    user = make.buyer()
    secret = tokens.secret(user)
    body = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {secret}"}).get_data(as_text=True)
    assert secret not in body and secret[:11] in body


def test_bad_authorization_headers_are_401(client):
    for header in ("Bearer", "Bearer cm_unknown", "Basic dXNlcjpwYXNz", "Token abc", "Bearer " + "x" * 5000):
        response = client.get("/api/v1/challenges", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.is_json


def test_missing_token_on_a_write_is_401(client):
    response = client.post("/api/v1/challenges", json={"title": "x"})
    assert response.status_code == 401
    assert response.get_json()["code"] == "authentication_required"


def test_session_cookie_alone_never_authenticates_the_api(client, auth, make):
    make.buyer(email="it@city.example")
    auth.login("it@city.example")
    assert client.get("/dashboard").status_code == 200  # the cookie works on the web
    assert client.get("/api/v1/me").status_code == 401
    assert client.post("/api/v1/challenges", json={}).status_code == 401


def test_api_is_csrf_exempt_with_a_token(csrf_app):
    from app.db import new_session
    from tests.factories import Factory

    with csrf_app.app_context():
        db = new_session(csrf_app)
        user = Factory(db, csrf_app.extensions["service_settings"]).buyer()
        secret = api_tokens.create_token(db, user.id, "ci").secret
        db.close()
    response = csrf_app.test_client().post("/api/v1/solutions", json={}, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 400  # schema error, not a CSRF refusal
    assert response.get_json()["field"] == "title"


def test_suspended_users_token_stops_working(client, make, db, tokens):
    from app.services.accounts import users as accounts
    from app.services.moderation import actions as moderation

    user = make.buyer()
    headers = tokens.headers(user)
    admin = accounts.create_admin(db, "root@platform.example", "Ada", "velvet kettle orbit 42")
    moderation.suspend_user(db, admin.id, user.id, "Spam")
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_active_token_limit_is_a_conflict(db, make):
    user = make.buyer()
    for n in range(api_tokens.MAX_ACTIVE_TOKENS):
        api_tokens.create_token(db, user.id, f"t{n}")
    try:
        api_tokens.create_token(db, user.id, "one too many")
    except api_tokens.Conflict:
        pass
    else:
        raise AssertionError("expected Conflict")


def test_last_used_is_recorded(client, make, db, tokens):
    user = make.buyer()
    headers = tokens.headers(user)
    client.get("/api/v1/me", headers=headers)
    db.expire_all()
    assert db.scalar(select(ApiToken)).last_used_at is not None


def test_account_page_sets_the_chosen_expiry(client, auth, make, db):
    from datetime import timedelta

    from app.db import utcnow

    make.buyer(email="it@city.example")
    auth.login("it@city.example")
    for choice in ("30", "never"):
        response = client.post("/account/api-tokens", data={"name": f"sync {choice}", "valid_days": choice})
        assert response.status_code == 200 and SECRET_PATTERN.search(response.get_data(as_text=True))
    default = client.post("/account/api-tokens", data={"name": "no choice"})
    assert default.status_code == 200
    rows = {row.name: row for row in db.scalars(select(ApiToken))}
    assert abs(rows["sync 30"].expires_at - (utcnow() + timedelta(days=30))) < timedelta(minutes=1)
    assert rows["sync never"].expires_at is None
    assert abs(rows["no choice"].expires_at - (utcnow() + timedelta(days=90))) < timedelta(minutes=1)
    bad = client.post("/account/api-tokens", data={"name": "typed name", "valid_days": "9999"})
    assert bad.status_code == 422 and "typed name" in bad.get_data(as_text=True)
    assert db.scalar(select(ApiToken).where(ApiToken.name == "typed name")) is None


def test_an_expired_token_is_401_and_shown_as_expired(client, auth, make, db):
    from datetime import timedelta

    from app.db import utcnow

    user = make.buyer(email="it@city.example")
    created = api_tokens.create_token(db, user.id, "old script", valid_days=30)
    headers = {"Authorization": f"Bearer {created.secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    created.token.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    auth.login("it@city.example")
    assert "expired" in client.get("/account").get_data(as_text=True)
    # an expired token no longer counts towards the limit of active tokens
    for n in range(api_tokens.MAX_ACTIVE_TOKENS):
        api_tokens.create_token(db, user.id, f"t{n}")


def test_token_validity_must_be_one_of_the_choices(db, make):
    user = make.buyer()
    for wrong in (0, 7, -30, 100000):
        try:
            api_tokens.create_token(db, user.id, "script", valid_days=wrong)
        except api_tokens.ValidationFailed as error:
            assert "valid_days" in error.errors
        else:
            raise AssertionError(f"{wrong} days accepted")
