"""/api/v1 organisations and pilots: public reads, drafts for members, private pilots for their buyer."""
from __future__ import annotations

from tests import pilot_scenario


def test_organisation_directory_filters(client, make):
    make.buyer(org_name="City of Tampere", country="FI")
    make.innovator(org_name="Tampere Sensors", country="FI")
    make.buyer(org_name="Ville de Lyon", country="FR")
    body = client.get("/api/v1/organisations?side=buyer&country=FI").get_json()
    assert [org["name"] for org in body["items"]] == ["City of Tampere"]
    names = [org["name"] for org in client.get("/api/v1/organisations?q=tampere").get_json()["items"]]
    assert names == ["City of Tampere", "Tampere Sensors"]
    assert client.get("/api/v1/organisations?q=%25").get_json()["total"] == 0  # % is literal, not a wildcard


def test_organisation_profile_shows_drafts_only_to_members(client, make, tokens):
    buyer, stranger = make.buyer(), make.buyer()
    make.challenge(buyer, title="Public one")
    make.challenge(buyer, title="Secret draft", publish=False)
    url = f"/api/v1/organisations/{buyer.organisation_id}"
    public = {c["title"] for c in client.get(url).get_json()["challenges"]}
    assert public == {"Public one"}
    assert {c["title"] for c in client.get(url, headers=tokens.headers(stranger)).get_json()["challenges"]} == public
    member = {c["title"] for c in client.get(url, headers=tokens.headers(buyer)).get_json()["challenges"]}
    assert member == {"Public one", "Secret draft"}


def test_organisation_json_has_no_member_emails(client, make):
    buyer = make.buyer(email="secret.person@city.example")
    body = client.get(f"/api/v1/organisations/{buyer.organisation_id}").get_data(as_text=True)
    assert "secret.person" not in body


def test_public_pilot_register_and_detail(client, db, make):
    *_, pilot = pilot_scenario.evaluated_pilot(db, make)
    body = client.get("/api/v1/pilots?outcome=adopted").get_json()
    assert [p["id"] for p in body["items"]] == [pilot.id]
    detail = client.get(f"/api/v1/pilots/{pilot.id}").get_json()
    assert detail["outcome"] == "adopted" and detail["kpis"][0]["measurements"][0]["value"] == 420.5
    assert detail["milestones"][0]["completed_on"] == "2025-03-28"
    assert pilot_scenario.COMMENT not in client.get(f"/api/v1/pilots/{pilot.id}").get_data(as_text=True)
    assert client.get("/api/v1/pilots?outcome=not_adopted").get_json()["total"] == 0


def test_private_pilot_only_for_its_buyer(client, db, make, tokens):
    buyer, innovator, *_, pilot = pilot_scenario.evaluated_pilot(db, make)
    pilot.is_public = False
    db.commit()
    assert client.get("/api/v1/pilots").get_json()["total"] == 0
    assert client.get(f"/api/v1/pilots/{pilot.id}").status_code == 404
    assert client.get(f"/api/v1/pilots/{pilot.id}", headers=tokens.headers(innovator)).status_code == 404
    assert client.get(f"/api/v1/pilots/{pilot.id}", headers=tokens.headers(buyer)).status_code == 200
