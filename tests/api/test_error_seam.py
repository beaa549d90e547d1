"""The API's error seam: service errors raised in API views answer JSON, never the HTML pages' handler.

The API blueprint registers its own ServiceError handler (app.api.errors), which Flask consults before the
app-wide one; both read the kind -> status table in app.web.error_handlers.
"""
from __future__ import annotations


def _assert_json(response, status: int, code: str, message: str) -> None:
    assert (response.status_code, response.mimetype) == (status, "application/json")
    body = response.get_json()
    assert (body["status"], body["code"], body["message"]) == (status, code, message)


def test_not_found_from_a_service_is_json_on_the_api(client):
    _assert_json(client.get("/api/v1/solutions/999999"), 404, "not_found", "No such solution.")


def test_forbidden_from_a_service_is_json_on_the_api(client, make, tokens):
    solution = make.solution(make.innovator())

    response = client.post(f"/api/v1/solutions/{solution.id}/status", json={"status": "archived"},
                           headers=tokens.headers(make.innovator()))

    _assert_json(response, 403, "forbidden", "Only the organisation that listed this solution can change it.")


def test_invalid_transition_from_a_service_is_json_on_the_api(client, make, tokens):
    owner = make.innovator()
    solution = make.solution(owner)

    response = client.post(f"/api/v1/solutions/{solution.id}/status", json={"status": "published"},
                           headers=tokens.headers(owner))

    _assert_json(response, 409, "invalid_transition", "A published solution cannot become published.")


def test_validation_failed_from_a_service_is_json_422_with_its_field_errors(client, make, tokens):
    body = {"title": "Depot charging", "summary": "Smart charging.", "description": "Schedules charging.",
            "sectors": ["mobility"], "trl": 7, "pricing_model": "subscription", "website": "ftp://depot.example"}

    response = client.post("/api/v1/solutions", json=body, headers=tokens.headers(make.innovator()))

    _assert_json(response, 422, "validation_failed", "Give a web address starting with https://")
    assert (response.get_json()["field"], response.get_json()["errors"]) == (
        "website", {"website": "Give a web address starting with https://"})
