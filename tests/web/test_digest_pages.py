"""Digest pages: settings form, one-click unsubscribe, Save button, admin outbox and preview."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.mail.digest_email import unsubscribe_token
from app.mail.outbox import enqueue
from app.models import DigestPreference, OutboxMessage, SavedChallenge
from app.services.accounts import users as accounts
from app.services.digests import preferences as digest_preferences
from tests.conftest import TEST_SECRET
from tests.digest_helpers import clear_matches, store_match
from tests.factories import PASSWORD


def _csrf(page) -> str:
    return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1).decode()


def _login(client, email):
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data)
    data = {"email": email, "password": PASSWORD}
    if token:
        data["csrf_token"] = token.group(1).decode()
    assert client.post("/login", data=data).status_code == 302


def test_settings_form_saves_with_csrf_and_keeps_input_on_errors(csrf_app, db, make):
    user = make.innovator(email="mikko@volt.example")
    client = csrf_app.test_client()
    _login(client, "mikko@volt.example")
    page = client.get("/account/digests")
    assert page.status_code == 200 and b"Digest settings" in page.data
    form = {"frequency": "daily", "weekday": "2", "hour": "7", "time_zone": "Mars/Olympus", "min_score": "0.4",
            "sectors": ["water", "energy"]}
    assert client.post("/account/digests", data=form).status_code == 400  # no CSRF token: refused
    bad = client.post("/account/digests", data={**form, "csrf_token": _csrf(page)})
    assert bad.status_code == 422
    # the time zone is a picker of the IANA list now: a forged value is refused, the other choices are kept
    assert b"Give a time zone such as" in bad.data and b'<option selected value="daily">' in bad.data
    assert b'<option value="Europe/Helsinki">' in bad.data
    assert digest_preferences.preferences_for(db, user.id).frequency == "weekly"
    good = client.post("/account/digests", data={**form, "time_zone": "Europe/Helsinki", "csrf_token": _csrf(bad)})
    assert good.status_code == 302
    saved = digest_preferences.preferences_for(db, user.id)
    assert (saved.frequency, saved.hour, saved.time_zone, saved.min_score) == ("daily", 7, "Europe/Helsinki", 0.4)
    assert sorted(saved.sectors) == ["energy", "water"]


def test_account_page_links_to_digest_settings(client, make, auth):
    make.buyer(email="anna@city.example")
    auth.login("anna@city.example")
    assert b'href="/account/digests"' in client.get("/account").data


def test_unsubscribe_link_shows_confirmation_and_post_without_csrf_unsubscribes(csrf_app, db, make):
    user = make.innovator()
    client = csrf_app.test_client()
    token = unsubscribe_token(TEST_SECRET, user.id)
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and user.email.encode() in page.data
    assert digest_preferences.preferences_for(db, user.id).frequency == "weekly"  # a GET changes nothing
    done = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})  # RFC 8058, no cookie
    assert done.status_code == 200 and b"unsubscribed" in done.data
    db.expire_all()
    assert digest_preferences.preferences_for(db, user.id).frequency == "off"


def test_tampered_or_expired_unsubscribe_link_gets_a_clear_page_and_no_change(app, db, make, client):
    user = make.innovator()
    token = unsubscribe_token(TEST_SECRET, user.id)
    for bad in (token[:-3] + "abc", unsubscribe_token("another-secret-key-of-enough-length", user.id)):
        assert client.get(f"/unsubscribe/{bad}").status_code == 400
        response = client.post(f"/unsubscribe/{bad}")
        assert response.status_code == 400 and b"not valid" in response.data
    app.config["UNSUBSCRIBE_MAX_AGE_S"] = -1
    response = client.post(f"/unsubscribe/{token}")
    assert response.status_code == 400 and b"expired" in response.data
    assert db.scalar(select(DigestPreference)) is None


def test_innovator_saves_and_unsaves_a_challenge(client, db, make, auth):
    challenge = make.challenge()
    user = make.innovator(email="saver@volt.example")
    auth.login("saver@volt.example")
    page = client.get(f"/challenges/{challenge.id}")
    assert b"remind me before the deadline" in page.data
    assert client.post(f"/challenges/{challenge.id}/save").status_code == 302
    assert client.post(f"/challenges/{challenge.id}/save").status_code == 302  # twice is harmless
    assert db.scalars(select(SavedChallenge.user_id)).all() == [user.id]
    assert b"Saved" in client.get(f"/challenges/{challenge.id}").data
    client.post(f"/challenges/{challenge.id}/save", data={"action": "unsave"})
    assert db.scalars(select(SavedChallenge)).all() == []


def test_saving_a_draft_of_someone_else_is_not_found(client, make, auth):
    draft = make.challenge(publish=False)
    make.innovator(email="nosy@volt.example")
    auth.login("nosy@volt.example")
    assert client.post(f"/challenges/{draft.id}/save").status_code == 404


def _admin(db):
    return accounts.create_admin(db, "root@civimatch.example", "Root", "a long admin password 42")


def test_admin_previews_the_next_digest_of_a_user(client, db, make):
    buyer = make.buyer()
    innovator = make.innovator(name="Mikko Maker")
    challenge = make.challenge(buyer, title="Electrify the bus depot")
    solution = make.solution(innovator)
    clear_matches(db)
    store_match(db, challenge, solution, 0.77, ["shares: depot charging"])
    _admin(db)
    client.post("/login", data={"email": "root@civimatch.example", "password": "a long admin password 42"})
    page = client.get(f"/admin/digests/preview/{innovator.id}")
    assert page.status_code == 200 and b"Electrify the bus depot" in page.data and b"Strong match" in page.data
    html = client.get(f"/admin/digests/preview/{innovator.id}/email.html")
    assert html.status_code == 200 and b"shares: depot charging" in html.data
    assert db.scalars(select(OutboxMessage)).all() == []  # a preview sends and stores nothing


def test_non_admins_cannot_open_admin_pages(client, make, auth):
    innovator = make.innovator(email="plain@volt.example")
    auth.login("plain@volt.example")
    for path in ("/admin/outbox", f"/admin/digests/preview/{innovator.id}"):
        assert client.get(path).status_code == 403
    assert client.post("/admin/outbox/retry-failed").status_code == 403
    auth.logout()
    assert client.get("/admin/outbox").status_code == 302  # to the login page


def test_admin_outbox_lists_failed_and_queued_and_retries(csrf_app, db):
    client = csrf_app.test_client()
    _admin(db)
    failed = enqueue(db, kind="digest", to_address="a@example.org", subject="Broken one", text_body="x")
    enqueue(db, kind="invitation", to_address="b@example.org", subject="Waiting one", text_body="y")
    failed.status, failed.attempts, failed.last_error = "failed", 6, "451 Try later"
    db.commit()
    page = client.get("/login")
    client.post("/login", data={"email": "root@civimatch.example", "password": "a long admin password 42",
                                "csrf_token": _csrf(page)})
    outbox = client.get("/admin/outbox")
    assert b"Broken one" in outbox.data and b"Waiting one" in outbox.data and b"451 Try later" in outbox.data
    assert client.post(f"/admin/outbox/{failed.id}/retry").status_code == 400  # CSRF required
    client.post(f"/admin/outbox/{failed.id}/retry", data={"csrf_token": _csrf(outbox)})
    db.expire_all()
    row = db.get(OutboxMessage, failed.id)
    assert (row.status, row.attempts) == ("queued", 0)
