"""Password rules, answers that do not reveal accounts, reset links and e-mail confirmation."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlalchemy import select

from app.models import OutboxMessage, User
from app.services.accounts.passwords import password_problem
from tests.factories import PASSWORD


@pytest.mark.parametrize("password", ["password123", "iloveyou", "qwertyuiop", "Superman", "  sunshine  "])
def test_common_passwords_are_rejected(password):
    assert "too common" in password_problem(password)


@pytest.mark.parametrize(("password", "ok"), [("x" * 7, False), ("k7#vq!pz", True), ("é" * 256, True),
                                                ("y" * 257, False), ("all lowercase words here", True)])
def test_length_rules_only_no_composition_rules(password, ok):
    assert (password_problem(password) is None) is ok


def test_password_may_not_contain_name_or_email():
    assert "e-mail" in password_problem("my-annelise-pw", email="annelise@city.example")
    assert "name" in password_problem("hello Virtanen 2024", name="Virtanen")


def test_signup_refuses_a_common_password(client):
    response = client.post("/signup", data={
        "side": "buyer", "organisation_name": "Town", "kind": "city", "country": "FI", "name": "Mia",
        "email": "mia@town.example", "password": "baseball1"})
    assert response.status_code == 422
    assert "too common" in response.get_data(as_text=True)


def test_login_answer_is_the_same_for_unknown_email_and_wrong_password(client, make):
    make.buyer(email="ann@city.example")
    unknown = client.post("/login", data={"email": "nobody@city.example", "password": "whatever pass"})
    wrong = client.post("/login", data={"email": "ann@city.example", "password": "whatever pass"})
    assert unknown.status_code == wrong.status_code == 422
    assert unknown.get_data(as_text=True) == wrong.get_data(as_text=True).replace("ann@city.example",
                                                                                   "nobody@city.example")


def _reset_link(db) -> str:
    message = db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "password_reset")
                        .order_by(OutboxMessage.id.desc()))
    return re.search(r"https?://\S+/password/reset/\S+", message.text_body).group(0)


def test_reset_request_answer_does_not_reveal_registration(client, db, make):
    make.buyer(email="ann@city.example")
    known = client.post("/password/forgot", data={"email": "ann@city.example"})
    unknown = client.post("/password/forgot", data={"email": "nobody@city.example"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert db.scalar(select(OutboxMessage.to_address).where(OutboxMessage.kind == "password_reset")) == \
        "ann@city.example"


def test_reset_link_is_built_from_base_url_not_host_header(client, db, make):
    make.buyer(email="ann@city.example")
    client.post("/password/forgot", data={"email": "ann@city.example"}, headers={"Host": "127.0.0.1"})
    link = _reset_link(db)
    assert link.startswith("http://civimatch.test/password/reset/")
    html = db.scalar(select(OutboxMessage.html_body).where(OutboxMessage.kind == "password_reset"))
    assert "http://civimatch.test/password/reset/" in html


def test_reset_link_works_once_and_ends_all_sessions(app, client, db, make, login_as):
    user = make.buyer(email="ann@city.example")
    other_device = login_as(user)
    client.post("/password/forgot", data={"email": "ann@city.example"})
    path = _reset_link(db).replace("http://civimatch.test", "")
    assert client.get(path).status_code == 200
    assert client.post(path, data={"password": "a brand new passphrase"}).status_code == 302
    assert other_device.get("/dashboard").status_code == 302
    assert client.get(path).status_code == 404  # single use: bound to the old password hash
    assert client.post(path, data={"password": "another new passphrase"}).status_code == 404
    assert client.post("/login", data={"email": "ann@city.example", "password": "a brand new passphrase"}) \
        .status_code == 302


def test_reset_with_a_weak_password_keeps_the_form_and_the_link(client, db, make):
    make.buyer(email="ann@city.example")
    client.post("/password/forgot", data={"email": "ann@city.example"})
    path = _reset_link(db).replace("http://civimatch.test", "")
    response = client.post(path, data={"password": "short"})
    assert response.status_code == 422
    assert client.get(path).status_code == 200


def test_tampered_and_expired_reset_links_are_refused(app, client, db, make, settings):
    make.buyer(email="ann@city.example")
    client.post("/password/forgot", data={"email": "ann@city.example"})
    path = _reset_link(db).replace("http://civimatch.test", "")
    assert client.get(path[:-3] + "abc").status_code == 404
    app.extensions["service_settings"] = replace(settings, password_reset_max_age_s=-1)
    response = client.get(path)
    assert response.status_code == 404 and "expired" in response.get_data(as_text=True)


def test_signup_sends_confirmation_and_banner_shows_until_confirmed(client, db):
    client.post("/signup", data={
        "side": "innovator", "organisation_name": "Sensorly", "kind": "startup", "country": "FI", "name": "Mia",
        "email": "mia@sensorly.example", "password": PASSWORD})
    client.post("/login", data={"email": "mia@sensorly.example", "password": PASSWORD})
    assert "Please confirm your e-mail address" in client.get("/dashboard").get_data(as_text=True)
    message = db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "email_confirmation"))
    link = re.search(r"http://civimatch\.test(/email/confirm/\S+)", message.text_body).group(1)
    assert client.get(link).status_code == 302
    db.expire_all()
    assert db.scalar(select(User.email_confirmed_at).where(User.email == "mia@sensorly.example")) is not None
    client.post("/login", data={"email": "mia@sensorly.example", "password": PASSWORD})
    assert "Please confirm your e-mail address" not in client.get("/dashboard").get_data(as_text=True)
    assert client.get(link[:-2] + "xx").status_code == 404


def test_confirmation_can_be_resent(client, db, make, login_as):
    user = make.buyer()
    response = login_as(user).post("/email/confirm/resend")
    assert response.status_code == 302
    assert db.scalar(select(OutboxMessage.to_address).where(OutboxMessage.kind == "email_confirmation")) == user.email
