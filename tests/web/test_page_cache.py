"""The page cache: anonymous public pages are served from it and revalidate with 304; signed-in pages never are;
a closed, hidden or edited item leaves every cached public page at once."""
from __future__ import annotations

import uuid

import pytest

from app.services.accounts import users as accounts
from app.services.marketplace import challenges
from app.services.moderation import actions
from tests.conftest import make_test_app
from tests.factories import PASSWORD

PUBLIC_PAGES = ("/", "/challenges", "/solutions")


def _login(app, email: str):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def test_second_anonymous_visit_is_a_hit_and_a_revisit_is_a_304(app, client, make):
    make.challenge(title="Smart water meters for the old town")
    first = client.get("/challenges")
    second = client.get("/challenges")

    assert (first.headers["X-Page-Cache"], second.headers["X-Page-Cache"]) == ("miss", "hit")
    assert second.data == first.data and b"Smart water meters" in second.data
    assert second.headers["ETag"] == first.headers["ETag"] and second.headers["Last-Modified"]
    revisit = client.get("/challenges", headers={"If-None-Match": second.headers["ETag"]})
    assert revisit.status_code == 304 and revisit.data == b""


def test_query_strings_are_cached_apart(app, client, make):
    make.challenge(title="Flood sensors", sector="water")
    make.challenge(title="Bus depot charging", sector="mobility")
    client.get("/challenges?sector=water")

    other = client.get("/challenges?sector=mobility")
    assert other.headers["X-Page-Cache"] == "miss"
    assert b"Bus depot charging" in other.data and b"Flood sensors" not in other.data


def test_signed_in_users_see_only_their_own_data_never_a_cached_page(app, make):
    buyer = make.buyer(email="buyer@city.example")
    innovator = make.innovator(email="innovator@sme.example")
    make.challenge(buyer, title="Buyer-only draft about street lights", publish=False)
    make.solution(innovator, title="Innovator-only draft about leak sensors", publish=False)
    anonymous = app.test_client()
    for path in PUBLIC_PAGES:
        anonymous.get(path)  # fill the cache first
    clients = {"buyer": _login(app, "buyer@city.example"), "innovator": _login(app, "innovator@sme.example")}

    own = {"buyer": b"Buyer-only draft", "innovator": b"Innovator-only draft"}
    for who, client in clients.items():
        dashboard = client.get("/dashboard")
        other = own["innovator" if who == "buyer" else "buyer"]
        assert own[who] in dashboard.data and other not in dashboard.data
        for path in PUBLIC_PAGES:
            page = client.get(path)
            assert "X-Page-Cache" not in page.headers and b"Log out" in page.data
    assert all(b"Log out" not in anonymous.get(path).data for path in PUBLIC_PAGES)


def test_a_closed_challenge_leaves_the_cached_lists_at_once(app, client, make, db, settings):
    buyer = make.buyer()
    challenge = make.challenge(buyer, title="Noise maps for the harbour")
    assert b"Noise maps" in client.get("/challenges").data
    assert client.get("/challenges").headers["X-Page-Cache"] == "hit"

    challenges.change_status(db, buyer.id, challenge.id, "closed", settings=settings)

    page = client.get("/challenges")
    assert page.headers["X-Page-Cache"] == "miss" and b"Noise maps" not in page.data


@pytest.mark.parametrize("kind", ["challenge", "solution"])
def test_a_hidden_item_leaves_every_cached_public_page_at_once(app, client, make, db, kind):
    item = make.challenge(title="Hideable item title") if kind == "challenge" else \
        make.solution(title="Hideable item title")
    detail = f"/{kind}s/{item.id}"
    for path in ("/", f"/{kind}s", detail):
        client.get(path)
    assert b"Hideable item title" in client.get(detail).data
    admin = accounts.create_admin(db, "root@civimatch.example", "Root", "a long admin password 42")

    actions.hide_item(db, admin.id, kind, item.id, "Spam")

    assert client.get(detail).status_code == 404
    assert all(b"Hideable item title" not in client.get(path).data for path in ("/", f"/{kind}s"))


def test_an_edit_reaches_the_cached_detail_page(app, client, make, db):
    buyer = make.buyer()
    challenge = make.challenge(buyer, title="Old title for the page")
    client.get(f"/challenges/{challenge.id}")
    data = challenges.ChallengeData(
        title="New title for the page", summary=challenge.summary, problem_statement=challenge.problem_statement,
        sector=challenge.sector, trl_expected=challenge.trl_expected, deadline=challenge.deadline,
        country=challenge.country, tags=list(challenge.tags))
    challenges.update_challenge(db, buyer.id, challenge.id, data)

    assert b"New title for the page" in client.get(f"/challenges/{challenge.id}").data


def test_pages_with_a_flash_waiting_are_not_served_from_the_cache(app, client, make):
    make.challenge()
    client.get("/challenges")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this visitor only")]

    page = client.get("/challenges")
    assert "X-Page-Cache" not in page.headers and b"A message for this visitor only" in page.data


def test_redis_store_is_shared_between_app_instances(database_url, make):
    url = "redis://127.0.0.1:6379/0"  # the suite's Redis (docs/testing); REDIS_URL is set on purpose here
    first, second = (make_test_app(database_url, REDIS_URL=url) for _ in range(2))
    make.challenge(title=f"Shared cache {uuid.uuid4().hex[:8]}")
    try:
        assert first.test_client().get("/challenges").headers["X-Page-Cache"] == "miss"
        assert second.test_client().get("/challenges").headers["X-Page-Cache"] == "hit"
    finally:  # the entries expire on their own (TTL); their keys name this run's database, so none collide
        for instance in (first, second):
            instance.extensions["db_engine"].dispose()
