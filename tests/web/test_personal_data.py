"""Personal data: a user downloads everything as JSON or deletes the account; an admin does the same on request."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.models import (
    AdminAuditEntry,
    ApiToken,
    Challenge,
    OutboxMessage,
    Pilot,
    SavedChallenge,
    Score,
    User,
)
from app.services.accounts import api_tokens, personal_data, registration
from app.services.accounts import users as accounts
from app.services.errors import Forbidden, ValidationFailed
from app.services.marketplace import saved_challenges
from tests.factories import PASSWORD
from tests.pilot_scenario import evaluated_pilot

BUYER_NAME = "Ritva Rekola"
ADMIN_EMAIL = "admin@civimatch.test"


def _login(app, email: str, password: str = PASSWORD):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    return client


@pytest.fixture
def scenario(db, make):
    """A buyer who posted, scored and awarded a public pilot, with a token, a saved challenge and queued e-mail."""
    buyer, innovator, challenge, solution, application, pilot = evaluated_pilot(db, make)
    buyer.name = BUYER_NAME
    db.commit()
    api_tokens.create_token(db, buyer.id, "laptop")
    saved_challenges.save_challenge(db, buyer.id, make.challenge().id)
    registration.invite(db, innovator.id, buyer.email, settings=make.settings)
    return buyer, pilot


def _public_exports(client) -> dict[str, str]:
    ocds = client.get("/open-data/ocds.json").get_json()
    ocds.pop("publishedDate", None)  # the time of the export itself
    exports = {name: client.get(f"/open-data/{name}.csv").get_data(as_text=True)
               for name in ("challenges", "applications", "pilots")}
    return {"ocds": json.dumps(ocds, sort_keys=True), **exports}


def test_the_download_holds_the_persons_data_and_no_secrets(app, db, scenario):
    buyer, pilot = scenario
    response = _login(app, buyer.email).get("/account/personal-data.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["account"]["email"] == buyer.email and data["account"]["name"] == BUYER_NAME
    assert data["organisation"]["id"] == buyer.organisation_id
    assert [t["name"] for t in data["api_tokens"]] == ["laptop"]
    assert len(data["scores"]) == 2 and len(data["saved_challenges"]) == 1
    assert [p["id"] for p in data["pilots_awarded"]] == [pilot.id]
    assert {m["kind"] for m in data["emails"]} >= {"invitation"}
    assert len(data["challenges_created"]) == 1
    assert "password_hash" not in response.get_data(as_text=True)
    assert "token_hash" not in response.get_data(as_text=True)
    assert buyer.password_hash not in response.get_data(as_text=True)


def test_deleting_the_account_needs_the_password(app, db, scenario):
    buyer, _ = scenario
    client = _login(app, buyer.email)
    response = client.post("/account/delete", data={"password": "not my password"})
    assert response.status_code == 422 and "The password is not correct." in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, buyer.id).name == BUYER_NAME


def test_deleting_the_account_erases_the_person_and_keeps_the_public_records(app, db, scenario):
    buyer, pilot = scenario
    email = buyer.email
    anonymous = app.test_client()
    before = _public_exports(anonymous)
    other_browser = _login(app, email)
    client = _login(app, email)
    assert db.scalar(select(func.count()).where(OutboxMessage.to_address == email)) == 1
    token = api_tokens.create_token(db, buyer.id, "script").secret

    response = client.post("/account/delete", data={"password": PASSWORD})

    assert response.status_code == 302
    db.expire_all()
    erased = db.get(User, buyer.id)
    assert (erased.name, erased.email) == ("Deleted user", f"deleted-{buyer.id}@erased.invalid")
    assert erased.erased_at is not None and erased.email_confirmed_at is None
    # Sessions, tokens and mail to the person end.
    for browser in (client, other_browser):
        assert browser.get("/dashboard").status_code == 302
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert db.scalar(select(func.count()).select_from(ApiToken)) == 0
    assert db.scalar(select(func.count()).where(OutboxMessage.to_address == email)) == 0
    assert db.scalar(select(func.count()).select_from(SavedChallenge)) == 0
    assert app.test_client().post("/login", data={"email": email, "password": PASSWORD}).status_code == 422
    # The procurement records stay, unchanged: the OCDS release and CSVs never carried the person's name.
    assert db.scalar(select(func.count()).select_from(Score)) == 2
    assert db.get(Pilot, pilot.id).awarded_by_id == buyer.id
    assert db.scalar(select(func.count()).select_from(Challenge)) == 2
    after = _public_exports(anonymous)
    assert after == before
    assert all(BUYER_NAME not in text for text in after.values())
    assert BUYER_NAME not in anonymous.get(f"/pilots/{pilot.id}").get_data(as_text=True)


def test_the_address_can_sign_up_again_after_deletion(app, db, scenario):
    buyer, _ = scenario
    email = buyer.email
    personal_data.erase_own_account(db, buyer.id, PASSWORD)
    again = accounts.sign_up(db, accounts.SignupData(
        name="Ritva again", email=email, password=PASSWORD,
        organisation=accounts.OrganisationData(name="New town", side="buyer", kind="city", country="FI")))
    assert again.id != buyer.id


def test_an_admin_exports_and_erases_on_request_and_the_audit_log_says_so(app, db, scenario):
    buyer, _ = scenario
    email = buyer.email
    admin = accounts.create_admin(db, ADMIN_EMAIL, "Platform Admin", PASSWORD)
    client = _login(app, ADMIN_EMAIL)

    refused = client.post(f"/admin/users/{buyer.id}/erase", data={"reason": ""})
    assert refused.status_code == 302
    db.expire_all()
    assert db.get(User, buyer.id).erased_at is None

    exported = client.post(f"/admin/users/{buyer.id}/personal-data", data={"reason": "Request #12 by e-mail"})
    assert exported.status_code == 200 and exported.get_json()["account"]["email"] == email
    erased = client.post(f"/admin/users/{buyer.id}/erase", data={"reason": "Request #12 by e-mail"})
    assert erased.status_code == 302

    db.expire_all()
    assert db.get(User, buyer.id).erased_at is not None
    log = db.scalars(select(AdminAuditEntry).where(AdminAuditEntry.target_id == buyer.id)
                     .order_by(AdminAuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.reason) for e in log] == [
        ("export_personal_data", admin.id, "Request #12 by e-mail"), ("erase", admin.id, "Request #12 by e-mail")]
    assert all(email not in e.target_label and BUYER_NAME not in e.target_label for e in log)
    assert client.post(f"/admin/users/{buyer.id}/personal-data", data={"reason": "again"}).status_code == 404


def test_only_admins_may_erase_others(db, make):
    member, other = make.buyer(), make.buyer()
    with pytest.raises(Forbidden):
        personal_data.admin_erase_account(db, member.id, other.id, "because")
    with pytest.raises(ValidationFailed):
        personal_data.erase_own_account(db, member.id, "wrong password")
