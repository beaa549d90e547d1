"""API errors are JSON {"status", "code", "message", "field"} — never HTML, never a 500."""
from __future__ import annotations

import pytest

from tests.conftest import _empty_tables, make_test_app


def _assert_error(response, status: int, code: str | None = None, field: str | None = None):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == status and body["message"]
    if code:
        assert body["code"] == code
    if field:
        assert body["field"] == field
    return body


def test_unknown_api_url_is_json_404(client):
    _assert_error(client.get("/api/v1/nothing/here"), 404, "not_found")
    _assert_error(client.get("/api/v2/challenges"), 404, "not_found")


def test_unknown_method_is_json_405_with_allow(client):
    response = client.put("/api/v1/challenges")
    _assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_out_of_range_and_non_numeric_ids_are_404(client):
    for path in ("/api/v1/challenges/0", "/api/v1/challenges/99999999999999999999", "/api/v1/solutions/abc"):
        _assert_error(client.get(path), 404, "not_found")


def test_web_pages_keep_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_bad_json_wrong_type_and_media_type(client, make, tokens):
    headers = tokens.headers(make.buyer())
    _assert_error(client.post("/api/v1/challenges", data="{not json", headers={**headers,
                  "Content-Type": "application/json"}), 400, "invalid_json")
    _assert_error(client.post("/api/v1/challenges", data="title=x", headers=headers), 415, "unsupported_media_type")
    _assert_error(client.post("/api/v1/challenges", json=[1, 2], headers=headers), 400, "invalid_input")
    _assert_error(client.post("/api/v1/challenges", json={"title": 5}, headers=headers), 400, field="title")


def test_text_that_cannot_be_stored_is_400_not_500(client, make, tokens):
    headers = {**tokens.headers(make.buyer()), "Content-Type": "application/json"}
    _assert_error(client.post("/api/v1/challenges", json={"title": "a\x00b"}, headers=headers), 400, field="title")
    surrogate = b'{"title": "\\ud800"}'
    _assert_error(client.post("/api/v1/challenges", data=surrogate, headers=headers), 400, "invalid_text", "title")


def test_bad_query_parameters_are_400_with_the_parameter(client):
    cases = {"page=0": "page", "per_page=101": "per_page", "sector=moon": "sector", "trl_min=x": "trl_min",
             "deadline_ahead=maybe": "deadline_ahead", "page=1&page=2": "page", "q=" + "x" * 201: "q"}
    for query, field in cases.items():
        _assert_error(client.get(f"/api/v1/challenges?{query}"), 400, "invalid_parameter", field)
    _assert_error(client.get("/api/v1/matches?min_score=nan", headers={}), 401)


def test_bad_timestamp_is_400_with_the_field(client, make, tokens):
    buyer = make.buyer()
    challenge = make.challenge(buyer)
    for value in ("tomorrow", "2030-01-01T00:00:00", "0001-01-01T00:00:00+01:00"):
        response = client.patch(f"/api/v1/challenges/{challenge.id}", json={"deadline": value},
                                headers=tokens.headers(buyer))
        _assert_error(response, 400, field="deadline")


@pytest.fixture
def limited_app(database_url):
    app = make_test_app(database_url, RATELIMIT_ENABLED=True, API_RATE_LIMIT="2/minute",
                        RATELIMIT_STORAGE_URI="memory://")
    yield app
    _empty_tables(app.extensions["db_engine"])
    app.extensions["db_engine"].dispose()


def test_rate_limited_api_answers_json_429_with_retry_after(limited_app):
    client = limited_app.test_client()
    statuses = [client.get("/api/v1/challenges").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/v1/challenges")
    body = _assert_error(response, 429, "rate_limited")
    assert "field" in body
    assert int(response.headers["Retry-After"]) > 0


def test_unknown_query_parameter_is_400(client, make):
    challenge = make.challenge()
    _assert_error(client.get("/api/v1/challenges?colour=red"), 400, "invalid_parameter", "colour")
    _assert_error(client.get(f"/api/v1/challenges/{challenge.id}?x=1"), 400, "invalid_parameter", "x")
