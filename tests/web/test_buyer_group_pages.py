"""Buyer-group pages: the lead invites through the form, a member accepts through the link; bad input is explained."""
from app.services.marketplace import challenge_access as access
from tests.joint_scenario import invitation_token, join
from tests.security.conftest import login


def test_lead_invites_and_a_member_accepts_through_the_pages(app, db, make):
    lead = make.buyer(email="lead@helsinki.example", org_name="Helsinki")
    guest = make.buyer(email="guest@amsterdam.example", org_name="Amsterdam")
    challenge = make.challenge(lead)
    lead_client = login(app.test_client(), lead.email)
    page = lead_client.get(f"/challenges/{challenge.id}/buyers").get_data(as_text=True)
    assert "Amsterdam" in page and "Send invitation" in page
    response = lead_client.post(f"/challenges/{challenge.id}/buyers",
                                data={"organisation_id": guest.organisation_id, "role": "co_owner"})
    assert response.status_code == 302
    guest_client = login(app.test_client(), guest.email)
    link = f"/buyer-invitations/{invitation_token(db, guest)}"
    assert "Accept for Amsterdam" in guest_client.get(link).get_data(as_text=True)
    assert guest_client.post(link).status_code == 302
    assert access.role_of(db, challenge, guest.organisation_id) == "co_owner"
    assert "Edit" in guest_client.get(f"/challenges/{challenge.id}").get_data(as_text=True)


def test_inviting_an_existing_co_owner_shows_why(app, db, make, settings):
    lead, guest = make.buyer(), make.buyer(org_name="Amsterdam")
    challenge = make.challenge(lead)
    join(db, settings, lead, challenge, guest)
    response = login(app.test_client(), lead.email).post(
        f"/challenges/{challenge.id}/buyers", data={"organisation_id": guest.organisation_id, "role": "co_owner"})
    assert response.status_code == 422
    assert "Amsterdam is already a co-owner" in response.get_data(as_text=True)


def test_junk_in_the_invite_form_is_a_field_error(app, make):
    lead = make.buyer()
    challenge = make.challenge(lead)
    response = login(app.test_client(), lead.email).post(
        f"/challenges/{challenge.id}/buyers", data={"organisation_id": "x" * 5000, "role": "king"})
    assert response.status_code == 422
    assert "Choose co-owner or observer." in response.get_data(as_text=True)


def test_tampered_link_is_a_clear_404(app, make):
    member = make.buyer()
    response = login(app.test_client(), member.email).get("/buyer-invitations/not-a-real-token")
    assert response.status_code == 404
    assert "This invitation link is not valid." in response.get_data(as_text=True)


def test_observer_sees_the_ranking_read_only(app, db, make, settings):
    lead, observer = make.buyer(), make.buyer()
    challenge = make.challenge(lead)
    join(db, settings, lead, challenge, observer, "observer")
    html = login(app.test_client(), observer.email).get(f"/challenges/{challenge.id}/evaluation").get_data(
        as_text=True)
    assert "as an observer" in html and "Declare and start scoring" not in html
