"""Organisation profiles: what they show, and editing by members only."""
from __future__ import annotations

import pytest

from app.models import Organisation
from app.services.accounts import organisations
from app.services.accounts import users as accounts
from app.services.errors import Forbidden, ValidationFailed
from tests.factories import PASSWORD

PROFILE_FORM = {"organisation_name": "City of Turku", "kind": "city", "country": "FI", "city": "Turku",
                "size": "1000+", "website": "https://www.turku.fi", "description": "A harbour city on the coast."}


def _login(app, email: str):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def _reread(db, org_id: int) -> Organisation:
    db.expire_all()
    return db.get(Organisation, org_id)


def test_buyer_profile_shows_details_and_public_challenges(client, db, make):
    buyer = make.buyer(org_name="City of Turku", kind="city", country="FI")
    org = db.get(Organisation, buyer.organisation_id)
    org.city, org.size, org.website, org.description = "Turku", "1000+", "https://www.turku.fi", "Harbour city."
    db.commit()
    make.challenge(buyer, title="Emission-free archipelago ferries")
    make.challenge(buyer, title="Closed street-lighting tender", publish=True)

    html = client.get(f"/organisations/{org.id}").get_data(as_text=True)

    for text in ("City of Turku", "City", "Finland", "Turku", "1000+ people", 'href="https://www.turku.fi"',
                 "Harbour city.", "Emission-free archipelago ferries", "Closed street-lighting tender"):
        assert text in html, text
    assert "Edit profile" not in html


def test_innovator_profile_lists_published_solutions(client, make):
    innovator = make.innovator(org_name="Aalto Acoustics", kind="sme", country="SE")
    make.solution(innovator, title="Acoustic leak loggers")

    html = client.get(f"/organisations/{innovator.organisation_id}").get_data(as_text=True)

    for text in ("Aalto Acoustics", "SME", "Sweden", "Acoustic leak loggers", "Solutions"):
        assert text in html, text


def test_unknown_organisation_is_404(client):
    assert client.get("/organisations/999999").status_code == 404


def test_member_edits_the_profile(app, db, make):
    buyer = make.buyer(email="owner@turku.example", org_name="Turku")
    client = _login(app, "owner@turku.example")

    assert "Edit profile" in client.get(f"/organisations/{buyer.organisation_id}").get_data(as_text=True)
    response = client.post(f"/organisations/{buyer.organisation_id}/edit", data=PROFILE_FORM)

    assert response.status_code == 302
    org = _reread(db, buyer.organisation_id)
    assert (org.name, org.city, org.size, org.website, org.description) == (
        "City of Turku", "Turku", "1000+", "https://www.turku.fi", "A harbour city on the coast.")
    assert org.side == "buyer"


def test_non_members_cannot_edit_the_profile(app, db, make):
    buyer = make.buyer(org_name="Turku")
    make.buyer(email="other@city.example")
    make.innovator(email="innovator@sme.example")
    path = f"/organisations/{buyer.organisation_id}/edit"

    anonymous = app.test_client()
    for method in (anonymous.get, anonymous.post):
        response = method(path, data=PROFILE_FORM) if method == anonymous.post else method(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    for email in ("other@city.example", "innovator@sme.example"):
        client = _login(app, email)
        assert client.get(path).status_code == 403
        assert client.post(path, data=PROFILE_FORM).status_code == 403
    assert _reread(db, buyer.organisation_id).name == "Turku"


def test_side_cannot_be_switched_by_changing_kind(app, db, make):
    buyer = make.buyer(email="owner@turku.example", org_name="Turku")
    client = _login(app, "owner@turku.example")

    response = client.post(f"/organisations/{buyer.organisation_id}/edit", data={**PROFILE_FORM, "kind": "startup"})

    assert response.status_code == 422
    assert "does not fit" in response.get_data(as_text=True)
    assert _reread(db, buyer.organisation_id).kind == "city"


@pytest.mark.parametrize("website", ["javascript://x.example/%0aalert(1)", "ftp://files.example/x",
                                     "data://x.example/text/html"])
def test_profile_website_must_be_a_web_address(app, db, make, website):
    buyer = make.buyer(email="owner@turku.example", org_name="Turku")
    client = _login(app, "owner@turku.example")

    response = client.post(f"/organisations/{buyer.organisation_id}/edit", data={**PROFILE_FORM, "website": website})

    assert response.status_code == 422
    assert _reread(db, buyer.organisation_id).website == ""
    with pytest.raises(ValidationFailed) as caught:
        accounts.sign_up(db, accounts.SignupData(
            name="Someone", email="someone@x.example", password=PASSWORD,
            organisation=accounts.OrganisationData(name="X", side="buyer", kind="city", country="FI",
                                                   website=website)))
    assert "website" in caught.value.errors


def test_update_profile_service_refuses_outsiders(db, make):
    buyer = make.buyer(org_name="Turku")
    outsider = make.innovator()
    data = accounts.OrganisationData(name="Taken over", side="buyer", kind="city", country="FI")

    with pytest.raises(Forbidden):
        organisations.update_profile(db, outsider.id, buyer.organisation_id, data)
    assert _reread(db, buyer.organisation_id).name == "Turku"
