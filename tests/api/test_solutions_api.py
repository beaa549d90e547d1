"""/api/v1/solutions: search, detail, create/edit/publish/archive with the web's rules."""
from __future__ import annotations

NEW_SOLUTION = {"title": "Leak finder", "summary": "Acoustic sensors find pipe leaks.",
                "description": "Listens to water mains at night.", "sectors": ["water"], "trl": 8,
                "pricing_model": "subscription", "tags": ["leaks"], "website": "https://leaks.example"}


def test_list_filters_by_sector_and_trl(client, make):
    innovator = make.innovator()
    make.solution(innovator, title="Depot charging optimiser", sectors=["mobility"], trl=7)
    make.solution(innovator, title="Leak finder", sectors=["water"], trl=4)
    make.solution(innovator, title="Unpublished", publish=False)
    assert [s["title"] for s in client.get("/api/v1/solutions?sector=water").get_json()["items"]] == ["Leak finder"]
    assert [s["title"] for s in client.get("/api/v1/solutions?trl_min=6").get_json()["items"]] == [
        "Depot charging optimiser"]
    titles = {s["title"] for s in client.get("/api/v1/solutions").get_json()["items"]}
    assert "Unpublished" not in titles


def test_innovator_creates_publishes_and_archives(client, make, tokens):
    headers = tokens.headers(make.innovator())
    created = client.post("/api/v1/solutions", json=NEW_SOLUTION, headers=headers)
    assert created.status_code == 201
    solution_id = created.get_json()["id"]
    assert client.get(f"/api/v1/solutions/{solution_id}").status_code == 404  # a draft is private
    for status in ("published", "archived"):
        response = client.post(f"/api/v1/solutions/{solution_id}/status", json={"status": status}, headers=headers)
        assert response.status_code == 200 and response.get_json()["status"] == status
    assert client.get(f"/api/v1/solutions/{solution_id}", headers=headers).get_json()["status"] == "archived"


def test_buyer_cannot_list_a_solution(client, make, tokens):
    response = client.post("/api/v1/solutions", json=NEW_SOLUTION, headers=tokens.headers(make.buyer()))
    assert response.status_code == 403


def test_patch_own_and_not_others(client, make, tokens):
    owner, other = make.innovator(), make.innovator()
    solution = make.solution(owner)
    ok = client.patch(f"/api/v1/solutions/{solution.id}", json={"trl": 9}, headers=tokens.headers(owner))
    assert ok.status_code == 200 and ok.get_json()["trl"] == 9
    refused = client.patch(f"/api/v1/solutions/{solution.id}", json={"trl": 1}, headers=tokens.headers(other))
    assert refused.status_code == 403


def test_service_rules_are_422(client, make, tokens):
    solution = make.solution(make.innovator())
    owner_headers = tokens.headers(solution.organisation.members[0])
    response = client.patch(f"/api/v1/solutions/{solution.id}", json={"website": "ftp://x"}, headers=owner_headers)
    assert response.status_code == 422 and response.get_json()["field"] == "website"


def test_schema_errors_name_the_nested_field(client, make, tokens):
    body = {**NEW_SOLUTION, "sectors": ["water", "moon"]}
    response = client.post("/api/v1/solutions", json=body, headers=tokens.headers(make.innovator()))
    assert response.status_code == 400 and response.get_json()["field"] == "sectors.1"
