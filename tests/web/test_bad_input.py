"""Bad input never crashes and never loses data: forms re-render with field errors and keep what was typed.

Also: user text is escaped on output, and every form refuses a POST without its CSRF token.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.db import utcnow
from app.models import Challenge, Invitation, Organisation, OutboxMessage, Solution, User
from app.services.accounts import users as accounts
from tests.factories import PASSWORD

FUTURE = (utcnow() + timedelta(days=60)).date().isoformat()
CHALLENGE = {
    "title": "Typed title: smart street lighting", "summary": "Typed summary about dimming lamps",
    "problem_statement": "Typed problem: 40,000 lamps burn all night.", "desired_outcomes": "Typed outcomes",
    "sector": "energy", "tags": "lighting, typed-tag", "trl_expected": "6", "budget_min": "1000",
    "budget_max": "9000", "currency": "EUR", "location": "Typed location Lyon", "country": "FR", "deadline": FUTURE,
}
SOLUTION = {
    "title": "Typed solution title", "summary": "Typed solution summary", "description": "Typed description text",
    "sectors": ["energy"], "tags": "typed-tag", "trl": "7", "deployed_in": "Typed deployed Oslo",
    "pricing_model": "subscription", "website": "https://typed.example",
}
SIGNUP = {"side": "buyer", "organisation_name": "Typed Org Name", "kind": "city", "country": "FI",
          "city": "Typed City", "website": "https://typed.example", "description": "Typed org description",
          "name": "Typed Person", "email": "typed@city.example", "password": PASSWORD}
SCRIPT = '<script>alert("x")</script>'


def _count(db, model) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def _assert_rerendered(response, *typed: str, error: str | None = None) -> str:
    """The form came back (not a redirect, not a 500) with field errors and the typed values in it."""
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 422), response.status_code
    assert 'class="errors"' in html or "flash-danger" in html
    for value in typed:
        assert str(escape(value)) in html, f"typed value lost: {value[:60]!r}"
    if error:
        assert error in html
    return html


def _login(app, email: str):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def buyer_client(app, make):
    make.buyer(email="buyer@city.example", country="FR")
    return _login(app, "buyer@city.example")


@pytest.fixture
def innovator_client(app, make):
    make.innovator(email="innovator@sme.example")
    return _login(app, "innovator@sme.example")


# --- challenges ------------------------------------------------------------------------------------------------

CHALLENGE_CASES = {
    "over-long title": ({"title": "T" * 201}, "T" * 201, "200 characters"),
    "over-long problem statement": ({"problem_statement": "P" * 10001}, "P" * 10001, "10000 characters"),
    "budget not a number": ({"budget_min": "abc"}, "abc", "Not a valid integer"),
    "budget with decimals": ({"budget_max": "12.5"}, "12.5", "Not a valid integer"),
    "negative budget": ({"budget_min": "-5"}, "-5", None),
    "absurd budget": ({"budget_max": "9" * 30}, "9" * 30, None),
    "budget min above max": ({"budget_min": "9000", "budget_max": "1000"}, "9000",
                             "The minimum budget is above the maximum."),
    "TRL 12": ({"trl_expected": "12"}, "Typed title: smart street lighting", "Not a valid choice"),
    "TRL abc": ({"trl_expected": "abc"}, "Typed title: smart street lighting", "Not a valid choice"),
    "deadline in the past": ({"deadline": "2020-01-31"}, "2020-01-31", "The deadline must be in the future."),
    "deadline not a date": ({"deadline": "31/31/2031"}, "31/31/2031", None),
    "unknown sector": ({"sector": "space-mining"}, "Typed problem: 40,000 lamps burn all night.", "Not a valid choice"),
    "unknown country": ({"country": "XX"}, "Typed location Lyon", "Not a valid choice"),
    "unknown currency": ({"currency": "BTC"}, "Typed summary about dimming lamps", "Not a valid choice"),
    "too many tags": ({"tags": ", ".join(f"tag{n}" for n in range(13))}, "tag12", "at most 12 tags"),
    "over-long tag": ({"tags": "x" * 41}, "x" * 41, "under 40 characters"),
    "blank title": ({"title": "   "}, "Typed summary about dimming lamps", None),
}


@pytest.mark.parametrize("case", list(CHALLENGE_CASES))
def test_new_challenge_bad_input_re_renders_and_keeps_typing(buyer_client, db, case):
    changes, typed, error = CHALLENGE_CASES[case]

    response = buyer_client.post("/challenges/new", data={**CHALLENGE, **changes})

    _assert_rerendered(response, typed, CHALLENGE["summary"], error=error)
    assert _count(db, Challenge) == 0


@pytest.mark.parametrize("case", ["over-long title", "budget not a number", "budget min above max",
                                  "deadline in the past", "unknown sector", "TRL 12"])
def test_edit_challenge_bad_input_re_renders_and_changes_nothing(app, make, db, case):
    owner = make.buyer(email="owner@city.example")
    challenge = make.challenge(owner, publish=False, title="Stored title")
    client = _login(app, "owner@city.example")
    changes, typed, error = CHALLENGE_CASES[case]

    response = client.post(f"/challenges/{challenge.id}/edit", data={**CHALLENGE, **changes})

    _assert_rerendered(response, typed, error=error)
    db.expire_all()
    assert db.get(Challenge, challenge.id).title == "Stored title"


def test_missing_fields_re_render_without_crashing(buyer_client, innovator_client, db):
    for client, path in ((buyer_client, "/challenges/new"), (innovator_client, "/solutions/new")):
        response = client.post(path, data={})
        _assert_rerendered(response)
        response = client.post(path, data={"title": ["a", "b"], "sectors": "", "trl": "", "trl_expected": ""})
        _assert_rerendered(response)
    assert _count(db, Challenge) == 0 and _count(db, Solution) == 0


# --- solutions -------------------------------------------------------------------------------------------------

SOLUTION_CASES = {
    "over-long title": ({"title": "S" * 201}, "S" * 201, "200 characters"),
    "over-long description": ({"description": "D" * 10001}, "D" * 10001, "10000 characters"),
    "TRL 12": ({"trl": "12"}, "Typed solution title", "Not a valid choice"),
    "unknown sector": ({"sectors": ["energy", "space-mining"]}, "Typed solution title", "not a valid choice"),
    "no sector": ({"sectors": []}, "Typed description text", "Choose at least one sector."),
    "four sectors": ({"sectors": ["energy", "water", "waste", "health"]}, "Typed description text",
                     "at most 3 sectors"),
    "unknown pricing": ({"pricing_model": "free-lunch"}, "Typed solution summary", "Not a valid choice"),
    "bad website": ({"website": "not a url"}, "not a url", None),
    "javascript website": ({"website": "javascript:alert(1)"}, "javascript:alert(1)", None),
}


@pytest.mark.parametrize("case", list(SOLUTION_CASES))
def test_new_solution_bad_input_re_renders_and_keeps_typing(innovator_client, db, case):
    changes, typed, error = SOLUTION_CASES[case]

    response = innovator_client.post("/solutions/new", data={**SOLUTION, **changes})

    html = _assert_rerendered(response, typed, SOLUTION["deployed_in"])
    if error:
        assert error.lower() in html.lower()
    assert _count(db, Solution) == 0


@pytest.mark.parametrize("case", ["over-long title", "four sectors", "bad website"])
def test_edit_solution_bad_input_re_renders_and_changes_nothing(app, make, db, case):
    owner = make.innovator(email="owner@sme.example")
    solution = make.solution(owner, title="Stored solution")
    client = _login(app, "owner@sme.example")
    changes, typed, _error = SOLUTION_CASES[case]

    response = client.post(f"/solutions/{solution.id}/edit", data={**SOLUTION, **changes})

    _assert_rerendered(response, typed)
    db.expire_all()
    assert db.get(Solution, solution.id).title == "Stored solution"


def test_checked_sectors_stay_checked_after_an_error(innovator_client):
    response = innovator_client.post("/solutions/new", data={**SOLUTION, "title": "", "sectors": ["water", "waste"]})

    html = _assert_rerendered(response)
    for code in ("water", "waste"):
        assert re.search(rf'<input[^>]*checked[^>]*value="{code}"|<input[^>]*value="{code}"[^>]*checked', html)
    assert not re.search(r'<input[^>]*checked[^>]*value="energy"|<input[^>]*value="energy"[^>]*checked', html)


# --- accounts and organisations --------------------------------------------------------------------------------

SIGNUP_CASES = {
    "bad e-mail": ({"email": "not-an-email"}, "not-an-email", "Invalid email address"),
    "short password": ({"password": "short"}, "Typed Org Name", "Use at least 8 characters."),
    "wrong kind": ({"kind": "startup"}, "Typed Org Name", "does not fit the side"),
    "unknown kind": ({"kind": "castle"}, "typed@city.example", "Not a valid choice"),
    "no side": ({"side": ""}, "typed@city.example", "Choose buyer or innovator."),
    "over-long organisation name": ({"organisation_name": "O" * 201}, "O" * 201, "200 characters"),
    "bad website": ({"website": "not a url"}, "not a url", None),
    "unknown size": ({"size": "huge"}, "Typed Org Name", "Not a valid choice"),
}


@pytest.mark.parametrize("case", list(SIGNUP_CASES))
def test_signup_bad_input_re_renders_and_keeps_typing(client, db, case):
    changes, typed, error = SIGNUP_CASES[case]

    response = client.post("/signup", data={**SIGNUP, **changes})

    html = _assert_rerendered(response, typed, SIGNUP["city"], SIGNUP["description"], error=error)
    assert PASSWORD not in html  # a password is never echoed back
    assert _count(db, User) == 0 and _count(db, Organisation) == 0


def test_login_with_empty_or_huge_input_re_renders(client):
    _assert_rerendered(client.post("/login", data={}))
    response = client.post("/login", data={"email": "x" * 300 + "@a.example", "password": "p" * 300})
    _assert_rerendered(response, "x" * 300 + "@a.example")


def test_organisation_edit_bad_input_re_renders_and_keeps_typing(app, db, make):
    buyer = make.buyer(email="owner@city.example", org_name="Stored Org")
    client = _login(app, "owner@city.example")
    form = {"organisation_name": "N" * 201, "kind": "city", "country": "FI", "city": "Typed City",
            "website": "https://typed.example", "description": "Typed org description"}

    response = client.post(f"/organisations/{buyer.organisation_id}/edit", data=form)

    _assert_rerendered(response, "N" * 201, "Typed City", "Typed org description", error="200 characters")
    db.expire_all()
    assert db.get(Organisation, buyer.organisation_id).name == "Stored Org"


def test_account_forms_re_render_with_errors(app, db, make):
    make.buyer(email="owner@city.example")
    client = _login(app, "owner@city.example")

    response = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "short"})
    _assert_rerendered(response, error="Use at least 8 characters.")
    response = client.post("/account/invite", data={"email": "no-at-sign"})
    _assert_rerendered(response, "no-at-sign")
    assert _count(db, Invitation) == 0 and _count(db, OutboxMessage) == 0


def test_accept_invitation_with_short_password_keeps_name(app, db, make):
    owner = make.buyer()
    invitation = accounts.invite_member(db, owner.id, "new@city.example", settings=make.settings)
    token = accounts.make_token(app.config["SECRET_KEY"], accounts.INVITATION_PURPOSE, invitation.id)

    response = app.test_client().post(f"/invitations/{token}", data={"name": "Typed Newcomer", "password": "short"})

    _assert_rerendered(response, "Typed Newcomer", error="Use at least 8 characters.")
    assert _count(db, User) == 1


# --- user text is escaped on output ----------------------------------------------------------------------------

def test_html_in_challenge_text_is_escaped_everywhere(app, db, make):
    owner = make.buyer(email="owner@city.example", org_name=f"Org {SCRIPT}")
    make.challenge(owner, title=f"Lamps {SCRIPT}", summary=f"Summary {SCRIPT} lamps",
                   problem_statement=f"<b>bold</b> {SCRIPT}", desired_outcomes="<img src=x onerror=alert(1)>",
                   location=SCRIPT, tags=[SCRIPT, "lamps"])
    challenge_id = db.scalars(select(Challenge.id)).one()
    visitor = app.test_client()

    for path in (f"/challenges/{challenge_id}", "/challenges", "/challenges?q=lamps", "/",
                 f"/organisations/{owner.organisation_id}"):
        html = visitor.get(path).get_data(as_text=True)
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html and "<b>bold" not in html, path
        assert "&lt;script&gt;" in html, path
    owner_view = _login(app, "owner@city.example")
    for path in ("/dashboard", f"/challenges/{challenge_id}/edit"):
        assert "<script>alert" not in owner_view.get(path).get_data(as_text=True), path


def test_html_in_solution_text_is_escaped_everywhere(app, db, make):
    owner = make.innovator(org_name=f"Firm {SCRIPT}")
    make.solution(owner, title=f"Sensors {SCRIPT}", summary=f"Sensors {SCRIPT}", description=SCRIPT,
                  deployed_in=SCRIPT, tags=[SCRIPT])
    solution_id = db.scalars(select(Solution.id)).one()
    visitor = app.test_client()

    for path in (f"/solutions/{solution_id}", "/solutions", "/solutions?q=sensors",
                 f"/organisations/{owner.organisation_id}"):
        html = visitor.get(path).get_data(as_text=True)
        assert "<script>alert" not in html, path
        assert "&lt;script&gt;" in html, path


def test_html_typed_into_a_form_is_escaped_when_re_rendered(buyer_client):
    response = buyer_client.post("/challenges/new", data={**CHALLENGE, "title": SCRIPT, "deadline": "2020-01-01"})

    html = _assert_rerendered(response, SCRIPT)
    assert "<script>alert" not in html


# --- CSRF on every form ----------------------------------------------------------------------------------------

def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def _csrf_login(app, email: str):
    client = app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


def _snapshot(db) -> tuple:
    db.expire_all()
    rows = [(c.title, c.status) for c in db.scalars(select(Challenge).order_by(Challenge.id))]
    rows += [(s.title, s.status) for s in db.scalars(select(Solution).order_by(Solution.id))]
    rows += [(o.name, o.city) for o in db.scalars(select(Organisation).order_by(Organisation.id))]
    rows += [(u.email, u.password_hash, u.session_version) for u in db.scalars(select(User).order_by(User.id))]
    return tuple(rows), _count(db, Invitation), _count(db, OutboxMessage)


def test_every_form_refuses_a_post_without_csrf_token(csrf_app):
    from app.db import new_session
    from tests.factories import Factory

    with csrf_app.app_context():
        db = new_session(csrf_app)
        make = Factory(db, csrf_app.extensions["service_settings"])
        buyer = make.buyer(email="buyer@city.example")
        innovator = make.innovator(email="innovator@sme.example")
        challenge = make.challenge(buyer, publish=False)
        solution = make.solution(innovator, publish=False)
        invitation = accounts.invite_member(db, buyer.id, "new@city.example",
                                            settings=csrf_app.extensions["service_settings"])
        invitation_token = accounts.make_token(csrf_app.config["SECRET_KEY"], accounts.INVITATION_PURPOSE,
                                               invitation.id)
        before = _snapshot(db)
        anonymous = csrf_app.test_client()
        as_buyer = _csrf_login(csrf_app, "buyer@city.example")
        as_innovator = _csrf_login(csrf_app, "innovator@sme.example")
        posts = [
            (anonymous, "/signup", {**SIGNUP, "email": "csrf@city.example"}),
            (anonymous, "/login", {"email": "buyer@city.example", "password": PASSWORD}),
            (anonymous, f"/invitations/{invitation_token}", {"name": "Newcomer", "password": "long enough 1"}),
            (as_buyer, "/challenges/new", CHALLENGE),
            (as_buyer, f"/challenges/{challenge.id}/edit", {**CHALLENGE, "title": "CSRF title"}),
            (as_buyer, f"/challenges/{challenge.id}/status", {"status": "open"}),
            (as_buyer, f"/organisations/{buyer.organisation_id}/edit",
             {"organisation_name": "CSRF name", "kind": "city", "country": "FI"}),
            (as_buyer, "/account/password", {"current_password": PASSWORD, "new_password": "a new long secret"}),
            (as_buyer, "/account/invite", {"email": "another@city.example"}),
            (as_innovator, "/solutions/new", SOLUTION),
            (as_innovator, f"/solutions/{solution.id}/edit", {**SOLUTION, "title": "CSRF title"}),
            (as_innovator, f"/solutions/{solution.id}/status", {"status": "published"}),
            (as_buyer, "/logout", {}),
        ]
        for client, path, data in posts:
            response = client.post(path, data=data)
            assert response.status_code == 400, (path, response.status_code)
            assert "Form expired" in response.get_data(as_text=True)
        assert _snapshot(db) == before
        assert as_buyer.get("/dashboard").status_code == 200  # the refused logout left the session alone
        db.close()
