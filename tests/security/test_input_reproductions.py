"""Issue 14, reproductions 1-5 and 10: each input that once gave a 500 (or misled readers) is refused cleanly."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.db import utcnow
from app.models import Challenge, KpiMeasurement, User
from app.services.accounts import api_tokens
from app.services.errors import ValidationFailed
from app.services.marketplace import challenges
from tests.factories import PASSWORD
from tests.pilot_scenario import award_data, scored_shortlist

FUTURE = (utcnow() + timedelta(days=60)).date().isoformat()
CHALLENGE_FORM = {"title": "Smart street lighting", "summary": "Dim lamps at night", "problem_statement": "Too bright",
                  "sector": "energy", "trl_expected": "6", "currency": "EUR", "country": "FR", "deadline": FUTURE}


def _csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _api_headers(db, user) -> dict[str, str]:
    secret = api_tokens.create_token(db, user.id, "probe").secret
    return {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}


def _running_pilot(db, make):
    from app.services.procurement import pilots

    buyer, *_, application = scored_shortlist(db, make)
    pilot = pilots.award_to_application(db, buyer.id, application.id, award_data(), settings=make.settings)
    pilots.change_pilot_status(db, buyer.id, pilot.id, "running")
    return buyer, pilot


def _count(db, model) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


# --- 1. NUL bytes -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, data", [
    ("/login", {"email": "a\x00@b.example", "password": PASSWORD}),
    ("/password/forgot", {"email": "a\x00@b.example"}),
])
def test_nul_byte_in_anonymous_forms_is_a_field_error(csrf_app, path, data):
    client = csrf_app.test_client()
    data = {**data, "csrf_token": _csrf_token(client, path)}

    response = client.post(path, data=data)

    assert response.status_code == 422
    assert "control characters" in response.get_data(as_text=True)


def test_nul_byte_in_a_challenge_title_is_refused_and_nothing_stored(app, db, make, login_as):
    client = login_as(make.buyer(country="FR"))

    response = client.post("/challenges/new", data={**CHALLENGE_FORM, "title": "Lamps\x00 at night"})

    assert response.status_code == 422
    assert "control characters" in response.get_data(as_text=True)
    assert _count(db, Challenge) == 0


@pytest.mark.parametrize("path", ["/challenges?q=a%00b", "/solutions?q=%1b", "/admin/users?q=%00", "/pilots?sector=%00",
                                  "/admin/organisations?%00=1"])
def test_control_characters_in_a_query_string_are_a_400(app, admin, login_as, path):
    response = login_as(admin).get(path)

    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)


def test_tabs_in_a_search_are_fine(client):
    assert client.get("/challenges?q=street%09lights").status_code == 200


def test_the_service_refuses_control_characters_a_script_could_send(db, make):
    buyer = make.buyer()
    with pytest.raises(ValidationFailed) as caught:
        make.challenge(buyer, title="Lamps\x00", summary="Bell\x07", problem_statement="ok\ttabs\nand lines")
    assert set(caught.value.errors) == {"title", "summary"}


# --- 2. ids past the integer range ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/challenges/2147483648", "/pilots/2147483648", "/solutions/99999999999999999999999",
                                  "/organisations/2147483648", "/challenges/0", "/api/v1/challenges/2147483648"])
def test_ids_past_the_integer_range_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_the_largest_id_still_reaches_the_view(client):
    # The converter lets 2**31-1 through; the view then finds nothing (a 404 from the service, not routing).
    assert client.get("/challenges/2147483647").status_code == 404
    assert client.post("/challenges/2147483648/edit").status_code == 404


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE", "PUT"])
def test_an_id_past_the_range_is_a_404_for_every_method(client, method):
    # Bounded in the converter's pattern: no rule matches, so no 405 from a rule that matched the path.
    assert client.open("/api/v1/solutions/35291446557", method=method).status_code == 404
    assert client.open("/challenges/35291446557/edit", method=method).status_code == 404


def test_the_id_pattern_matches_exactly_one_to_the_limit():
    from app.security.input_guards import MAX_ID, decimal_range_pattern

    for limit in (9, 10, 305, MAX_ID):
        pattern = re.compile(decimal_range_pattern(limit))
        numbers = [*range(0, 1100), limit - 1, limit, limit + 1, limit * 10, *range(limit - 50, limit + 50)]
        assert [n for n in numbers if pattern.fullmatch(str(n))] == [n for n in numbers if 1 <= n <= limit]
        assert not pattern.fullmatch("01") and not pattern.fullmatch("\u0661")  # no leading zero, ASCII only


# --- 3. a line break in next= ------------------------------------------------------------------------------------

def test_line_break_in_next_redirects_to_the_dashboard(client, make):
    user = make.buyer()

    response = client.post("/login?next=/%0d%0aLocation:%20http://evil.example",
                           data={"email": user.email, "password": PASSWORD,
                                 "next": "/\r\nLocation: http://evil.example"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


# --- 4. deeply nested JSON -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", ["[" * 100000 + "]" * 100000, '{"a":' * 50000 + "1" + "}" * 50000,
                                  '{"title": ' + "[" * 40 + "]" * 40 + "}"])
def test_deeply_nested_json_is_a_400(client, db, make, body):
    headers = _api_headers(db, make.buyer())

    response = client.post("/api/v1/challenges", data=body, headers=headers)

    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid_json"


# --- 5. Infinity and NaN -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["1e400", "-1e400", "NaN", "nan", "Infinity", "-inf"])
def test_non_finite_kpi_measurement_is_a_field_error(app, db, make, login_as, value):
    buyer, pilot = _running_pilot(db, make)
    before = _count(db, KpiMeasurement)
    client = login_as(buyer)

    response = client.post(f"/pilots/{pilot.id}/measurements", data={
        "kpi_id": str(pilot.kpis[0].id), "measured_on": "2025-06-01", "value": value})

    assert response.status_code == 422
    assert "finite number" in response.get_data(as_text=True)
    assert _count(db, KpiMeasurement) == before


@pytest.mark.parametrize("line", ["Diesel | l | 1e400 | 3", "Diesel | l | 9 | nan"])
def test_non_finite_kpi_baseline_or_target_is_a_field_error(app, db, make, login_as, line):
    buyer, _innovator, challenge, _solution, application = scored_shortlist(db, make)
    response = login_as(buyer).post(f"/challenges/{challenge.id}/award", data={
        "target": f"application:{application.id}", "site": "Depot", "contract_value": "1000", "currency": "EUR",
        "start_date": "2030-01-01", "end_date": "2030-06-01", "kpis": line})

    assert response.status_code == 422
    assert "finite number" in response.get_data(as_text=True)


def test_the_service_refuses_a_non_finite_measurement(db, make):
    from app.services.procurement import pilot_records

    buyer, pilot = _running_pilot(db, make)
    for value in (float("inf"), float("nan")):
        with pytest.raises(ValidationFailed) as caught:
            pilot_records.record_measurement(db, buyer.id, pilot.id, pilot.kpis[0].id, date(2025, 6, 1), value)
        assert "value" in caught.value.errors


@pytest.mark.parametrize("literal", ["1e400", "NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_in_api_bodies_are_a_400(client, db, make, literal):
    headers = _api_headers(db, make.innovator())
    body = '{"solution_id": 1, "verdict": "relevant", "challenge_id": ' + literal + "}"

    response = client.post("/api/v1/matches/feedback", data=body, headers=headers)

    assert response.status_code == 400
    assert response.get_json()["code"] in {"invalid_json", "invalid_input"}


def test_the_api_never_emits_non_json_tokens(app):
    with app.app_context(), pytest.raises(ValueError):
        app.json.dumps({"value": float("inf")})
    assert json.loads(app.json.dumps({"value": 1.5})) == {"value": 1.5}


# --- 10. misleading text ----------------------------------------------------------------------------------------------

def test_direction_overrides_are_stripped_from_single_line_fields(app, db, make, login_as):
    client = login_as(make.buyer(country="FR"))

    response = client.post("/challenges/new", data={**CHALLENGE_FORM, "title": "\u202egninrael\u202c lamps",
                                                    "summary": "Multi-line text keeps \u2067isolates\u2069"})

    assert response.status_code == 302
    stored = db.scalars(select(Challenge)).one()
    assert stored.title == "gninrael lamps"
    assert stored.summary == "Multi-line text keeps \u2067isolates\u2069"


def test_direction_overrides_are_stripped_by_the_service(db, make):
    buyer = make.buyer()
    make.challenge(buyer, title="\u202eevil\u202c title", location="\u200fLyon")
    stored = db.scalars(select(Challenge)).one()
    assert (stored.title, stored.location) == ("evil title", "Lyon")


def test_line_breaks_from_text_areas_are_kept(app, db, make, login_as):
    client = login_as(make.buyer(country="FR"))

    response = client.post("/challenges/new", data={**CHALLENGE_FORM, "problem_statement": "One\r\nTwo\tthree"})

    assert response.status_code == 302
    assert db.scalars(select(Challenge.problem_statement)).one() == "One\nTwo\tthree"


@pytest.mark.parametrize("deadline", ["2200-01-31", (date.today() + timedelta(days=3700)).isoformat()])
def test_a_deadline_beyond_ten_years_is_refused(app, db, make, login_as, deadline):
    client = login_as(make.buyer(country="FR"))

    response = client.post("/challenges/new", data={**CHALLENGE_FORM, "deadline": deadline})

    assert response.status_code == 422
    assert "within the next 10 years" in response.get_data(as_text=True)
    assert _count(db, Challenge) == 0


def test_the_service_refuses_a_deadline_beyond_ten_years(db, make):
    data = challenges.ChallengeData(title="t", summary="s", problem_statement="p", sector="energy", trl_expected=5,
                                    deadline=utcnow() + timedelta(days=3700), country="FI")
    assert "deadline" in challenges.validate(data)


def test_signup_with_a_control_character_in_the_name_stores_nobody(client, db):
    response = client.post("/signup", data={
        "side": "buyer", "organisation_name": "City\x1b[31m", "kind": "city", "country": "FI",
        "name": "Ann", "email": "ann@city.example", "password": PASSWORD})

    assert response.status_code == 422
    assert _count(db, User) == 0


def test_every_form_applies_the_input_rules(app):
    """A form deriving from FlaskForm directly would skip the rules: every form with fields is a CheckedForm."""
    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    from app.security.form_rules import CheckedForm

    stack, unchecked = list(FlaskForm.__subclasses__()), []
    while stack:
        form_class = stack.pop()
        stack.extend(form_class.__subclasses__())
        has_fields = any(isinstance(getattr(form_class, name), UnboundField) for name in dir(form_class))
        if form_class.__module__.startswith("app.") and has_fields and not issubclass(form_class, CheckedForm):
            unchecked.append(f"{form_class.__module__}.{form_class.__name__}")
    assert unchecked == []
