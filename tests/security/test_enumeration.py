"""Sign-up and invitations answer byte for byte the same for a new and a taken address; only the mailbox differs."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.db import new_session
from app.models import Invitation, Organisation, OutboxMessage, User
from tests.conftest import _empty_tables, make_test_app
from tests.factories import PASSWORD, Factory

CSRF = re.compile(rb'(name="csrf_token" (?:type="hidden" )?value=")[^"]+"')
TAKEN, FRESH = "taken@city.example", "fresh@city.example"


def _token(client, path: str) -> str:
    return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).data).group(1).decode()


def _post(client, form_path: str, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": _token(client, form_path)})


def _answer(response, address: str) -> tuple:
    """What a visitor sees: status, where it sends them, the page (tokens and the typed address blanked)."""
    body = CSRF.sub(rb'\1-"', response.data).replace(address.encode(), b"ADDRESS")
    location = response.headers.get("Location")
    return response.status_code, location, sorted(response.headers.keys()), body


def _signup(email: str, password: str = PASSWORD) -> dict:
    return {"side": "buyer", "organisation_name": "Town of Porvoo", "kind": "city", "country": "FI",
            "name": "Mia Virtanen", "email": email, "password": password}


def _count(db, model) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def taken(csrf_app, db):
    return Factory(db, csrf_app.extensions["service_settings"]).innovator(email=TAKEN, name="Tara Taken")


def _sign_up_answers(csrf_app, data_for):
    answers = []
    for address in (FRESH, TAKEN):
        client = csrf_app.test_client()
        response = _post(client, "/signup", "/signup", data_for(address))
        followed = client.get(response.headers["Location"]) if response.status_code == 302 else response
        answers.append((_answer(response, address), _answer(followed, address)))
    return answers


def test_sign_up_answers_the_same_for_a_new_and_a_taken_address(csrf_app, db, taken):
    fresh, existing = _sign_up_answers(csrf_app, _signup)

    assert fresh == existing
    assert fresh[0][:2] == (302, "/signup/sent") and b"Check your e-mail" in fresh[1][3]


def test_a_refused_sign_up_also_answers_the_same(csrf_app, db, taken):
    fresh, existing = _sign_up_answers(csrf_app, lambda address: _signup(address, password="baseball1"))
    assert fresh == existing and fresh[0][0] == 422


def test_the_mailbox_learns_which_it_was(csrf_app, db, taken):
    _sign_up_answers(csrf_app, _signup)

    mails = {m.to_address: m for m in db.scalars(select(OutboxMessage))}
    assert mails[FRESH].kind == "email_confirmation" and "/email/confirm/" in mails[FRESH].text_body
    assert mails[TAKEN].kind == "account_exists"
    assert "already have an account" in mails[TAKEN].text_body
    assert "http://civimatch.test/login" in mails[TAKEN].text_body
    assert "http://civimatch.test/password/forgot" in mails[TAKEN].html_body
    fresh_user = db.scalar(select(User).where(User.email == FRESH))
    assert fresh_user.email_confirmed_at is None  # the account starts unconfirmed
    assert _count(db, User) == 2 and _count(db, Organisation) == 2  # nothing created for the taken address
    assert db.scalar(select(User.name).where(User.email == TAKEN)) == "Tara Taken"


def _invite_answers(csrf_app, inviter) -> list:
    answers = []
    for address in (FRESH, TAKEN):
        client = csrf_app.test_client()
        _post(client, "/login", "/login", {"email": inviter.email, "password": PASSWORD})
        response = _post(client, "/account", "/account/invite", {"email": address})
        answers.append((_answer(response, address), _answer(client.get(response.headers["Location"]), address)))
    return answers


def test_an_invitation_answers_the_same_whether_or_not_the_person_has_an_account(csrf_app, db, taken):
    inviter = Factory(db, csrf_app.extensions["service_settings"]).buyer(email="ann@city.example", name="Ann Inviter")

    fresh, existing = _invite_answers(csrf_app, inviter)

    assert fresh == existing
    assert fresh[0][:2] == (302, "/account") and b"Invitation sent to ADDRESS" in fresh[1][3]
    mails = {m.to_address: m for m in db.scalars(select(OutboxMessage))}
    assert "/invitations/" in mails[FRESH].text_body
    assert "/invitations/" not in mails[TAKEN].text_body and "already have an account" in mails[TAKEN].text_body
    assert "Ann Inviter" in mails[TAKEN].text_body
    assert [i.email for i in db.scalars(select(Invitation))] == [FRESH]


@pytest.fixture
def limited_app(database_url):
    app = make_test_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                        INVITE_RATE_LIMIT="2/minute")
    yield app
    _empty_tables(app.extensions["db_engine"])
    app.extensions["db_engine"].dispose()


def test_invitations_are_rate_limited_per_inviter(limited_app):
    with limited_app.app_context():
        session = new_session(limited_app)
        factory = Factory(session, limited_app.extensions["service_settings"])
        first, second = factory.buyer(), factory.buyer()
        session.close()
    clients = {}
    for user in (first, second):
        clients[user.id] = limited_app.test_client()
        clients[user.id].post("/login", data={"email": user.email, "password": PASSWORD})
    for n in range(2):
        assert clients[first.id].post("/account/invite", data={"email": f"c{n}@x.example"}).status_code == 302
    assert clients[first.id].post("/account/invite", data={"email": "c9@x.example"}).status_code == 429
    # Same address (one office), another inviter: not blocked.
    assert clients[second.id].post("/account/invite", data={"email": "d1@x.example"}).status_code == 302
