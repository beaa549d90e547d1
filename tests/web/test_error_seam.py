"""The pages' error seam: a service error raised in any view becomes the right HTML error page.

Views do not catch service errors to turn them into responses; one handler per surface does, from one
kind -> status table (app.web.error_handlers). Views only catch ValidationFailed to re-render their form.
The JSON side is tests/api/test_error_seam.py.
"""
from __future__ import annotations

import logging

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.models import Solution
from app.services.errors import Conflict, Forbidden, InvalidTransition, NotFound, ServiceError, ValidationFailed
from app.web.error_handlers import classify
from tests.factories import PASSWORD

SOLUTION_FORM = {
    "title": "Typed title that must survive", "summary": "Typed summary", "description": "Typed description",
    "sectors": ["energy", "water", "waste", "health"], "trl": "7", "pricing_model": "subscription",
}


def _login(app, email: str):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def _assert_page(response, status: int, title: str, message: str) -> None:
    html = response.get_data(as_text=True)
    assert (response.status_code, response.mimetype) == (status, "text/html")
    assert f"<h1>{title}</h1>" in html
    assert str(escape(message)) in html


# --- the table ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("error, expected", [
    (NotFound("x"), (404, "not_found")), (Forbidden("x"), (403, "forbidden")),
    (InvalidTransition("x"), (409, "invalid_transition")), (Conflict("x"), (409, "conflict")),
    (ValidationFailed({"title": "x"}), (422, "validation_failed")), (ServiceError("x"), (400, "bad_request")),
])
def test_each_kind_of_service_error_has_one_status_and_code(error, expected):
    assert classify(error) == expected


def test_service_errors_carry_no_http_status():
    for kind in (ServiceError, ValidationFailed, NotFound, Forbidden, Conflict, InvalidTransition):
        assert not hasattr(kind, "status"), kind


# --- HTML pages ----------------------------------------------------------------------------------------------------

def test_not_found_from_a_service_is_a_404_page(client):
    _assert_page(client.get("/solutions/999999"), 404, "Not found", "No such solution.")


def test_forbidden_from_a_service_is_a_403_page_and_changes_nothing(app, make, db):
    solution = make.solution(make.innovator(email="owner@sme.example"))
    make.innovator(email="stranger@other.example")

    response = _login(app, "stranger@other.example").post(f"/solutions/{solution.id}/status",
                                                          data={"status": "archived"})

    _assert_page(response, 403, "Not allowed", "Only the organisation that listed this solution can change it.")
    db.expire_all()
    assert db.get(Solution, solution.id).status == "published"


def test_invalid_transition_from_a_service_is_a_409_page(app, make):
    solution = make.solution(make.innovator(email="owner@sme.example"))

    response = _login(app, "owner@sme.example").post(f"/solutions/{solution.id}/status",
                                                     data={"status": "draft"})

    _assert_page(response, 409, "Not possible now", "A published solution cannot become draft.")


def test_validation_failed_with_no_form_to_show_it_on_is_a_400_page(app, make):
    make.buyer(email="buyer@city.example")

    response = _login(app, "buyer@city.example").post("/matches/feedback", data={"verdict": "maybe"})

    _assert_page(response, 400, "Bad Request", "Choose relevant, not relevant or hide.")


@pytest.mark.parametrize("error, status", [(NotFound("Gone."), 404), (Forbidden("No."), 403),
                                           (Conflict("Busy."), 409), (ServiceError("Odd."), 400)])
def test_any_view_raising_a_service_error_gets_the_page_and_an_info_log(app, caplog, error, status):
    def refuse():
        raise error
    app.add_url_rule("/seam-test", "seam_test", refuse)

    with caplog.at_level(logging.INFO, logger=app.logger.name):
        response = app.test_client().get("/seam-test")

    assert (response.status_code, response.mimetype) == (status, "text/html")
    assert error.message in response.get_data(as_text=True)
    assert any(r.levelno == logging.INFO and f"refused GET /seam-test: {error.message}" in r.getMessage()
               for r in caplog.records)


# --- forms: ValidationFailed maps onto fields and the page keeps what was typed ------------------------------------

def test_validation_failed_on_a_form_re_renders_with_the_field_error_and_the_typing(app, make, db):
    make.innovator(email="owner@sme.example")

    response = _login(app, "owner@sme.example").post("/solutions/new", data=SOLUTION_FORM)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    # The service's message sits between the sectors field and the next field: beside "sectors", not on top.
    sectors_at, tags_at = html.index('name="sectors"'), html.index('name="tags"')
    assert sectors_at < html.index("Choose at most 3 sectors.") < tags_at
    assert 'value="Typed title that must survive"' in html
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Solution)) == 0
