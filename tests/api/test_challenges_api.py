"""/api/v1/challenges: search like the web page, detail, and writes with the web's authorisation rules."""
from __future__ import annotations

from datetime import timedelta

from app.db import utcnow


def _future(days=30) -> str:
    return (utcnow() + timedelta(days=days)).isoformat()


def _new_challenge(**overrides) -> dict:
    body = {"title": "Smarter street lighting", "summary": "Dim lights when streets are empty.",
            "problem_statement": "Our 40,000 street lights burn all night.", "sector": "energy",
            "trl_expected": 6, "deadline": _future(), "country": "FI", "tags": ["Lighting", "sensors"]}
    body.update(overrides)
    return body


def test_list_filters_and_search_like_the_web_page(client, make):
    buyer = make.buyer()
    make.challenge(buyer, title="Cut bus-fleet emissions", sector="mobility")
    make.challenge(buyer, title="Flood warnings", sector="water", summary="Warn residents of floods early.",
                   problem_statement="Rivers rise fast after storms.", tags=["floods"])
    make.challenge(buyer, title="Draft only", publish=False)
    body = client.get("/api/v1/challenges?sector=water").get_json()
    assert [item["title"] for item in body["items"]] == ["Flood warnings"]
    assert body["total"] == 1
    search = client.get("/api/v1/challenges?q=bus").get_json()
    assert [item["title"] for item in search["items"]] == ["Cut bus-fleet emissions"]
    everything = client.get("/api/v1/challenges").get_json()
    assert "Draft only" not in {item["title"] for item in everything["items"]}


def test_pagination_envelope_and_links_keep_filters(client, make):
    buyer = make.buyer()
    for n in range(5):
        make.challenge(buyer, title=f"Challenge {n}")
    body = client.get("/api/v1/challenges?per_page=2&sort=newest&page=2").get_json()
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (2, 2, 5, 3)
    assert len(body["items"]) == 2
    assert body["links"]["next"] == "/api/v1/challenges?per_page=2&sort=newest&page=3"
    assert body["links"]["prev"].endswith("page=1")
    last = client.get(body["links"]["last"]).get_json()
    assert last["links"]["next"] is None and len(last["items"]) == 1


def test_detail_shape_is_stable(client, make):
    challenge = make.challenge()
    body = client.get(f"/api/v1/challenges/{challenge.id}").get_json()
    assert body["id"] == challenge.id and body["status"] == "open"
    assert body["links"]["html"] == f"http://civimatch.test/challenges/{challenge.id}"
    assert body["organisation"]["id"] == challenge.organisation_id
    assert body["deadline"].endswith("+00:00")


def test_other_organisations_draft_is_404_own_draft_visible(client, make, tokens):
    owner, other = make.buyer(), make.buyer()
    draft = make.challenge(owner, publish=False)
    assert client.get(f"/api/v1/challenges/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/challenges/{draft.id}", headers=tokens.headers(other)).status_code == 404
    own = client.get(f"/api/v1/challenges/{draft.id}", headers=tokens.headers(owner))
    assert own.status_code == 200 and own.get_json()["status"] == "draft"


def test_buyer_creates_a_draft_and_publishes_it(client, make, tokens):
    headers = tokens.headers(make.buyer())
    created = client.post("/api/v1/challenges", json=_new_challenge(), headers=headers)
    assert created.status_code == 201
    body = created.get_json()
    assert body["status"] == "draft" and body["tags"] == ["lighting", "sensors"]
    published = client.post(f"/api/v1/challenges/{body['id']}/status", json={"status": "open"}, headers=headers)
    assert published.status_code == 200 and published.get_json()["published_at"] is not None
    assert client.get(f"/api/v1/challenges/{body['id']}").status_code == 200


def test_missing_field_is_400_with_the_field(client, make, tokens):
    body = _new_challenge()
    del body["summary"]
    response = client.post("/api/v1/challenges", json=body, headers=tokens.headers(make.buyer()))
    assert response.status_code == 400
    assert response.get_json()["field"] == "summary"


def test_rule_breaking_input_is_422_with_the_field(client, make, tokens):
    response = client.post("/api/v1/challenges", json=_new_challenge(deadline="2001-01-01T00:00:00Z"),
                           headers=tokens.headers(make.buyer()))
    assert response.status_code == 422
    body = response.get_json()
    assert body["field"] == "deadline" and "deadline" in body["errors"]


def test_innovator_cannot_post_a_challenge(client, make, tokens):
    response = client.post("/api/v1/challenges", json=_new_challenge(), headers=tokens.headers(make.innovator()))
    assert response.status_code == 403
    assert response.get_json()["code"] == "forbidden"


def test_patch_changes_only_the_given_fields(client, make, tokens):
    buyer = make.buyer()
    challenge = make.challenge(buyer, title="Old title", publish=False)
    response = client.patch(f"/api/v1/challenges/{challenge.id}", json={"title": "New title", "budget_max": 90000},
                            headers=tokens.headers(buyer))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["title"], body["budget_max"], body["sector"]) == ("New title", 90000, "mobility")


def test_patch_of_an_open_challenges_budget_points_to_a_notice(client, make, tokens):
    buyer = make.buyer()
    challenge = make.challenge(buyer, title="Old title")  # open: deadline and budget change through a notice
    response = client.patch(f"/api/v1/challenges/{challenge.id}", json={"title": "New title", "budget_max": 90000},
                            headers=tokens.headers(buyer))
    assert response.status_code == 422 and "through a notice" in str(response.get_json())
    response = client.patch(f"/api/v1/challenges/{challenge.id}", json={"title": "New title"},
                            headers=tokens.headers(buyer))
    assert response.status_code == 200 and response.get_json()["title"] == "New title"


def test_cannot_edit_another_organisations_challenge(client, make, tokens, db):
    owner, intruder = make.buyer(), make.buyer()
    public = make.challenge(owner, title="Theirs")
    draft = make.challenge(owner, publish=False)
    headers = tokens.headers(intruder)
    assert client.patch(f"/api/v1/challenges/{public.id}", json={"title": "Mine"}, headers=headers).status_code == 403
    assert client.patch(f"/api/v1/challenges/{draft.id}", json={"title": "Mine"}, headers=headers).status_code == 404
    status = client.post(f"/api/v1/challenges/{public.id}/status", json={"status": "closed"}, headers=headers)
    assert status.status_code == 403
    db.expire_all()
    assert (public.title, public.status) == ("Theirs", "open")


def test_invalid_status_move_is_409(client, make, tokens):
    buyer = make.buyer()
    draft = make.challenge(buyer, publish=False)
    response = client.post(f"/api/v1/challenges/{draft.id}/status", json={"status": "closed"},
                           headers=tokens.headers(buyer))
    assert response.status_code == 409
    assert response.get_json()["code"] == "invalid_transition"


def test_unknown_json_field_is_refused(client, make, tokens):
    buyer = make.buyer()
    challenge = make.challenge(buyer)
    response = client.patch(f"/api/v1/challenges/{challenge.id}", json={"organisation_id": 999},
                            headers=tokens.headers(buyer))
    assert response.status_code == 400
    assert response.get_json()["field"] == "organisation_id"
