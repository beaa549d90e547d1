"""Accounts over HTTP: sign-up, log-in/out, sessions that really end, safe `next`, invitations, admin CLI, config."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from app import create_app
from app.config import ROOT, ConfigError, from_environment
from app.models import Invitation, Organisation, OutboxMessage, User
from tests.factories import PASSWORD


def _signup_form(side: str = "buyer", kind: str = "city", email: str = "mia@espoo.example", **overrides) -> dict:
    form = {"side": side, "organisation_name": "City of Espoo", "kind": kind, "country": "FI", "city": "Espoo",
            "size": "1000+", "website": "https://www.espoo.fi", "description": "Second-largest city in Finland.",
            "name": "Mia Virtanen", "email": email, "password": PASSWORD}
    form.update(overrides)
    return form


def _count(db, model) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def _is_logged_in(client) -> bool:
    response = client.get("/dashboard")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


# --- sign-up ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("side", "kind"), [("buyer", "city"), ("buyer", "agency"), ("innovator", "startup"),
                                            ("innovator", "research_body")])
def test_sign_up_either_side_creates_an_unconfirmed_account_that_can_log_in(client, db, side, kind):
    response = client.post("/signup", data=_signup_form(side, kind))

    # Not signed in at once: a taken address must get the very same answer (tests/security/test_enumeration.py).
    assert response.status_code == 302 and response.headers["Location"].endswith("/signup/sent")
    assert "Check your e-mail" in client.get("/signup/sent").get_data(as_text=True)
    assert not _is_logged_in(client)
    user = db.scalars(select(User)).one()
    assert (user.organisation.side, user.organisation.kind, user.organisation.website) == (
        side, kind, "https://www.espoo.fi")
    assert user.email_confirmed_at is None
    assert client.post("/login", data={"email": "mia@espoo.example", "password": PASSWORD}).status_code == 302
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Mia Virtanen" in page
    assert ("Post a challenge" in page) == (side == "buyer")


@pytest.mark.parametrize(("side", "kind"), [("buyer", "startup"), ("innovator", "city")])
def test_sign_up_with_kind_not_fitting_side_re_renders(client, db, side, kind):
    response = client.post("/signup", data=_signup_form(side, kind))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "does not fit the side" in html
    assert 'value="mia@espoo.example"' in html and 'value="City of Espoo"' in html
    assert _count(db, Organisation) == 0 and _count(db, User) == 0
    assert not _is_logged_in(client)


# --- log-in, log-out and sessions that really end ----------------------------------------------------------------

def test_login_with_wrong_password_is_refused(client, make):
    make.buyer(email="ann@city.example")

    response = client.post("/login", data={"email": "ann@city.example", "password": "not the password"})

    assert response.status_code == 422
    assert "E-mail or password is not correct." in response.get_data(as_text=True)
    assert not _is_logged_in(client)


def test_login_then_logout(client, make, auth):
    make.buyer(email="ann@city.example")

    response = auth.login("ANN@city.example")
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert _is_logged_in(client)

    response = auth.logout()
    assert response.status_code == 302
    assert not _is_logged_in(client)


def _session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _client_with_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_cookie_captured_before_logout_no_longer_works(app, client, make, auth):
    make.buyer(email="ann@city.example")
    auth.login("ann@city.example")
    captured = _session_cookie(client)
    assert _is_logged_in(_client_with_cookie(app, captured))  # the replay itself works while logged in

    auth.logout()

    replayed = _client_with_cookie(app, captured)
    response = replayed.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert replayed.get("/account").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app, make):
    make.buyer(email="ann@city.example")
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        device.post("/login", data={"email": "ann@city.example", "password": PASSWORD})
    phone_cookie = _session_cookie(phone)
    assert _is_logged_in(laptop) and _is_logged_in(phone)

    response = laptop.post("/account/password", data={"current_password": PASSWORD,
                                                      "new_password": "a completely new secret"})

    assert response.status_code == 302
    assert _is_logged_in(laptop)
    assert not _is_logged_in(phone)
    assert not _is_logged_in(_client_with_cookie(app, phone_cookie))
    assert phone.post("/login", data={"email": "ann@city.example", "password": PASSWORD}).status_code == 422


def test_password_change_with_wrong_current_password_changes_nothing(client, db, make, auth):
    user = make.buyer(email="ann@city.example")
    old_hash = user.password_hash
    auth.login("ann@city.example")

    response = client.post("/account/password", data={"current_password": "wrong one",
                                                      "new_password": "a completely new secret"})

    assert response.status_code == 422
    assert "current password is not correct" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, user.id).password_hash == old_hash
    assert _is_logged_in(client)


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/x", "/\\evil", "\\\\evil.example",
                                    "http:/evil.example", "javascript:alert(1)", " //evil.example"])
def test_next_refuses_other_sites(client, make, target):
    make.buyer(email="ann@city.example")

    response = client.post("/login", data={"email": "ann@city.example", "password": PASSWORD, "next": target})

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_next_goes_to_a_page_of_this_site(client, make):
    make.buyer(email="ann@city.example")

    login_page = client.get("/login?next=/challenges%3Fq%3Dwater").get_data(as_text=True)
    assert 'value="/challenges?q=water"' in login_page
    response = client.post("/login", data={"email": "ann@city.example", "password": PASSWORD,
                                           "next": "/challenges?q=water"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/challenges?q=water"


def test_login_required_page_sends_to_login_with_next(client):
    response = client.get("/challenges/new")

    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_stored_password_is_argon2id(client, db):
    client.post("/signup", data=_signup_form())

    stored = db.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


# --- invitations -------------------------------------------------------------------------------------------------

def _invite(client, db, email: str = "colleague@espoo.example") -> str:
    """Invite through /account and return the path of the e-mailed link."""
    response = client.post("/account/invite", data={"email": email})
    assert response.status_code == 302
    message = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).one()
    assert message.to_address == email and message.status == "queued"
    link = next(word for word in message.text_body.split() if "/invitations/" in word)
    assert link.startswith("http://civimatch.test/invitations/")  # built from BASE_URL, not the Host header
    return link.removeprefix("http://civimatch.test")


def test_invited_colleague_joins_the_same_organisation(app, client, db, make, auth):
    inviter = make.buyer(email="ann@city.example")
    auth.login("ann@city.example")
    path = _invite(client, db)
    auth.logout()

    page = client.get(path)
    assert page.status_code == 200 and "colleague@espoo.example" in page.get_data(as_text=True)
    response = client.post(path, data={"name": "Colleague", "password": "a brand new secret"})

    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    member = db.scalars(select(User).where(User.email == "colleague@espoo.example")).one()
    assert member.organisation_id == inviter.organisation_id
    assert _count(db, Organisation) == 1
    assert _is_logged_in(client)


def test_reused_invitation_link_shows_clear_page_and_creates_nothing(app, client, db, make, auth):
    make.buyer(email="ann@city.example")
    auth.login("ann@city.example")
    path = _invite(client, db)
    client.post(path, data={"name": "Colleague", "password": "a brand new secret"})
    users = _count(db, User)

    fresh = app.test_client()
    for response in (fresh.get(path), fresh.post(path, data={"name": "Intruder", "password": "another secret 1"})):
        assert response.status_code == 404
        assert "already been used" in response.get_data(as_text=True)
    assert _count(db, User) == users


def test_tampered_invitation_link_shows_clear_page_and_creates_nothing(client, db, make, auth):
    make.buyer(email="ann@city.example")
    auth.login("ann@city.example")
    path = _invite(client, db)
    auth.logout()
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")

    for response in (client.get(tampered), client.post(tampered, data={"name": "X", "password": "long enough 1"})):
        assert response.status_code == 404
        assert "This invitation link is not valid." in response.get_data(as_text=True)
    assert _count(db, User) == 1
    assert db.scalars(select(Invitation)).one().accepted_at is None


def test_expired_invitation_link_shows_clear_page_and_creates_nothing(app, client, db, make, auth, monkeypatch):
    make.buyer(email="ann@city.example")
    auth.login("ann@city.example")
    path = _invite(client, db)
    auth.logout()
    import itsdangerous.timed

    later = itsdangerous.timed.time.time() + app.config["INVITATION_MAX_AGE_S"] + 60
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)

    response = client.post(path, data={"name": "Late", "password": "long enough 1"})

    assert response.status_code == 404
    assert "This invitation link has expired." in response.get_data(as_text=True)
    assert _count(db, User) == 1


# --- platform admin from the command line -----------------------------------------------------------------------

def test_create_admin_command_with_password_option(runner, db):
    result = runner.invoke(args=["users", "create-admin", "--email", "root@civimatch.example",
                                 "--password", "kept in a vault 42"])

    assert result.exit_code == 0, result.output
    admin = db.scalars(select(User)).one()
    assert admin.is_admin and admin.organisation_id is None
    assert admin.password_hash.startswith("$argon2id$")


def test_create_admin_command_reads_password_from_environment(runner, db):
    result = runner.invoke(args=["users", "create-admin", "--email", "root@civimatch.example"],
                           env={"CIVIMATCH_ADMIN_PASSWORD": "kept in a vault 42"})

    assert result.exit_code == 0, result.output
    assert db.scalars(select(User)).one().is_admin


def test_create_admin_command_refuses_duplicate_email_in_one_line(runner, db, make):
    make.buyer(email="root@civimatch.example")

    result = runner.invoke(args=["users", "create-admin", "--email", "Root@civimatch.example",
                                 "--password", "kept in a vault 42"])

    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert lines == ["Error: An account with this e-mail address already exists."]
    assert _count(db, User) == 1


# --- settings ---------------------------------------------------------------------------------------------------

def test_missing_secret_key_outside_development_raises_config_error(monkeypatch):
    monkeypatch.setenv("CIVIMATCH_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)

    with pytest.raises(ConfigError, match="SECRET_KEY"):
        from_environment()
    with pytest.raises(ConfigError):
        create_app()

    monkeypatch.setenv("SECRET_KEY", "a-real-secret-from-the-environment")
    assert from_environment()["SECRET_KEY"] == "a-real-secret-from-the-environment"


def test_development_runs_without_secret_key(monkeypatch):
    monkeypatch.setenv("CIVIMATCH_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)

    assert from_environment()["SECRET_KEY"]


@pytest.mark.parametrize("command", [
    [sys.executable, "-c", "import wsgi"],
    [sys.executable, "-m", "flask", "--app", "wsgi", "users", "create-admin", "--email", "x@example.org",
     "--password", "kept in a vault 42"],
])
def test_entry_points_stop_with_one_line_without_secret_key(command, tmp_path):
    env = {**os.environ, "CIVIMATCH_ENV": "production", "SECRET_KEY": "",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite'}"}

    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "CiviMatch cannot start: SECRET_KEY is not set: refusing to start outside development (set SECRET_KEY)."]
    assert "Traceback" not in result.stdout + result.stderr
