"""Only members of the owning organisation change a challenge or solution; drafts stay inside the organisation."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.models import Challenge, Solution
from app.services.accounts import users as accounts
from app.services.marketplace import solutions
from tests.factories import PASSWORD

CHALLENGE_FORM = {
    "title": "Changed by someone", "summary": "Changed", "problem_statement": "Changed", "sector": "energy",
    "trl_expected": "5", "currency": "EUR", "country": "FI",
    "deadline": (date.today() + timedelta(days=365)).isoformat(),  # within the 10-year horizon
}
SOLUTION_FORM = {
    "title": "Changed by someone", "summary": "Changed", "description": "Changed", "sectors": ["energy"],
    "trl": "5", "pricing_model": "licence",
}


def _login(app, email: str):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def _outsiders(app, make) -> dict:
    """Clients for people outside the owning organisation: anonymous, another buyer, an innovator."""
    make.buyer(email="other-buyer@city.example")
    make.innovator(email="innovator@sme.example")
    return {"anonymous": app.test_client(), "other buyer": _login(app, "other-buyer@city.example"),
            "innovator": _login(app, "innovator@sme.example")}


def _refused(response) -> bool:
    if response.status_code == 302:  # anonymous: sent to the login page
        return "/login" in response.headers["Location"]
    return response.status_code in (403, 404)


def _reread(db, model, item_id):
    db.expire_all()
    return db.get(model, item_id)


def _second_member(db, settings, owner, email: str):
    invitation = accounts.invite_member(db, owner.id, email, settings=settings)
    return accounts.accept_invitation(db, invitation, "Second Member", PASSWORD)


@pytest.mark.parametrize("publish", [False, True], ids=["draft", "open"])
def test_outsiders_cannot_edit_publish_or_close_a_challenge(app, db, make, publish):
    owner = make.buyer()
    challenge = make.challenge(owner, publish=publish, title="Original title")
    before = (challenge.title, challenge.status, challenge.sector)

    for who, client in _outsiders(app, make).items():
        responses = [
            client.get(f"/challenges/{challenge.id}/edit"),
            client.post(f"/challenges/{challenge.id}/edit", data=CHALLENGE_FORM),
            client.post(f"/challenges/{challenge.id}/status", data={"status": "open"}),
            client.post(f"/challenges/{challenge.id}/status", data={"status": "closed"}),
        ]
        assert all(_refused(r) for r in responses), (who, [r.status_code for r in responses])
        if who != "anonymous":
            expected = 403 if publish else 404  # a draft does not exist for outsiders
            assert {r.status_code for r in responses} == {expected}, who
        row = _reread(db, Challenge, challenge.id)
        assert (row.title, row.status, row.sector) == before, who


@pytest.mark.parametrize("publish", [False, True], ids=["draft", "published"])
def test_outsiders_cannot_edit_publish_or_archive_a_solution(app, db, make, publish):
    owner = make.innovator()
    solution = make.solution(owner, publish=publish, title="Original title")
    before = (solution.title, solution.status, solution.sectors)

    make.innovator(email="rival@startup.example")
    clients = {**_outsiders(app, make), "rival innovator": _login(app, "rival@startup.example")}
    for who, client in clients.items():
        responses = [
            client.get(f"/solutions/{solution.id}/edit"),
            client.post(f"/solutions/{solution.id}/edit", data=SOLUTION_FORM),
            client.post(f"/solutions/{solution.id}/status", data={"status": "published"}),
            client.post(f"/solutions/{solution.id}/status", data={"status": "archived"}),
        ]
        assert all(_refused(r) for r in responses), (who, [r.status_code for r in responses])
        row = _reread(db, Solution, solution.id)
        assert (row.title, row.status, row.sectors) == before, who


def test_any_member_of_the_owning_buyer_can_edit_publish_and_close(app, db, make):
    owner = make.buyer(email="owner@city.example")
    _second_member(db, make.settings, owner, "colleague@city.example")
    challenge = make.challenge(owner, publish=False)
    colleague = _login(app, "colleague@city.example")

    assert colleague.get(f"/challenges/{challenge.id}/edit").status_code == 200
    assert colleague.post(f"/challenges/{challenge.id}/edit", data=CHALLENGE_FORM).status_code == 302
    assert _reread(db, Challenge, challenge.id).title == "Changed by someone"
    colleague.post(f"/challenges/{challenge.id}/status", data={"status": "open"})
    assert _reread(db, Challenge, challenge.id).status == "open"
    colleague.post(f"/challenges/{challenge.id}/status", data={"status": "closed"})
    row = _reread(db, Challenge, challenge.id)
    assert row.status == "closed" and row.closed_at is not None


def test_closed_challenge_can_no_longer_be_edited(app, db, make):
    owner = make.buyer(email="owner@city.example")
    challenge = make.challenge(owner)
    client = _login(app, "owner@city.example")
    client.post(f"/challenges/{challenge.id}/status", data={"status": "closed"})

    response = client.post(f"/challenges/{challenge.id}/edit", data=CHALLENGE_FORM)

    assert response.status_code == 409
    assert _reread(db, Challenge, challenge.id).title == "Cut bus-fleet emissions"


def test_invalid_status_change_is_refused_and_changes_nothing(app, db, make):
    owner = make.buyer(email="owner@city.example")
    challenge = make.challenge(owner, publish=False)
    client = _login(app, "owner@city.example")

    for status in ("closed", "draft", "bogus", ""):
        response = client.post(f"/challenges/{challenge.id}/status", data={"status": status})
        assert response.status_code in (302, 409), status
        assert _reread(db, Challenge, challenge.id).status == "draft"


def test_member_of_the_owning_innovator_can_edit_publish_and_archive(app, db, make):
    owner = make.innovator(email="owner@sme.example")
    _second_member(db, make.settings, owner, "colleague@sme.example")
    solution = make.solution(owner, publish=False)
    colleague = _login(app, "colleague@sme.example")

    assert colleague.post(f"/solutions/{solution.id}/edit", data=SOLUTION_FORM).status_code == 302
    colleague.post(f"/solutions/{solution.id}/status", data={"status": "published"})
    assert _reread(db, Solution, solution.id).status == "published"
    colleague.post(f"/solutions/{solution.id}/status", data={"status": "archived"})
    row = _reread(db, Solution, solution.id)
    assert (row.status, row.title, row.sectors) == ("archived", "Changed by someone", ["energy"])


def test_buyer_cannot_list_solutions_and_innovator_cannot_post_challenges(app, db, make):
    make.buyer(email="buyer@city.example")
    make.innovator(email="innovator@sme.example")
    buyer, innovator = _login(app, "buyer@city.example"), _login(app, "innovator@sme.example")

    assert buyer.post("/solutions/new", data=SOLUTION_FORM).status_code == 302
    assert innovator.post("/challenges/new", data=CHALLENGE_FORM).status_code == 302
    assert db.scalar(select(func.count()).select_from(Solution)) == 0
    assert db.scalar(select(func.count()).select_from(Challenge)) == 0


# --- drafts stay inside their organisation -------------------------------------------------------------------

def test_draft_challenge_is_invisible_outside_its_organisation(app, db, make):
    owner = make.buyer(email="owner@city.example", org_name="Draft City")
    draft = make.challenge(owner, publish=False, title="Unpublished leak programme", sector="water")
    make.challenge(owner, title="Published leak programme", sector="water")

    for who, client in _outsiders(app, make).items():
        assert client.get(f"/challenges/{draft.id}").status_code == 404, who
        for path in ("/challenges", "/challenges?q=leak", "/challenges?status=any&sector=water",
                     f"/organisations/{owner.organisation_id}", "/"):
            html = client.get(path).get_data(as_text=True)
            assert "Published leak programme" in html, (who, path)
            assert "Unpublished leak programme" not in html, (who, path)

    member = _login(app, "owner@city.example")
    assert member.get(f"/challenges/{draft.id}").status_code == 200
    assert "Unpublished leak programme" in member.get(f"/organisations/{owner.organisation_id}").get_data(
        as_text=True)
    assert "Unpublished leak programme" in member.get("/dashboard").get_data(as_text=True)
    assert "Unpublished leak programme" not in member.get("/challenges?q=leak").get_data(as_text=True)


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_unpublished_solution_is_invisible_outside_its_organisation(app, db, make, status):
    owner = make.innovator(email="owner@sme.example")
    hidden = make.solution(owner, publish=status == "archived", title="Hidden sensor kit")
    if status == "archived":
        solutions.archive_solution(db, owner.id, hidden.id)
    make.solution(owner, title="Visible sensor kit")

    for who, client in _outsiders(app, make).items():
        assert client.get(f"/solutions/{hidden.id}").status_code == 404, who
        for path in ("/solutions", "/solutions?q=sensor", f"/organisations/{owner.organisation_id}"):
            html = client.get(path).get_data(as_text=True)
            assert "Visible sensor kit" in html, (who, path)
            assert "Hidden sensor kit" not in html, (who, path)

    member = _login(app, "owner@sme.example")
    assert member.get(f"/solutions/{hidden.id}").status_code == 200
