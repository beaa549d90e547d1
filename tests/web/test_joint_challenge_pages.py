"""Joint challenges on public pages, lists, the buyer filter, organisation profiles and the API."""
import pytest

from app.services.marketplace import buyer_groups
from tests.joint_scenario import join


@pytest.fixture
def joint(db, make, settings):
    lead = make.buyer(org_name="City of Helsinki")
    co_owner = make.buyer(org_name="Gemeente Amsterdam")
    observer = make.buyer(org_name="Tallinn audit office")
    challenge = make.challenge(lead, title="Six-city energy challenge")
    join(db, settings, lead, challenge, co_owner)
    join(db, settings, lead, challenge, observer, "observer")
    make.challenge(make.buyer(org_name="Pune"), title="Water leaks")
    return lead, co_owner, observer, challenge


def test_challenge_page_names_every_buyer_lead_first_and_no_observer(client, joint):
    _lead, _co, _obs, challenge = joint
    html = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert html.index("City of Helsinki") < html.index("Gemeente Amsterdam")
    assert "(lead)" in html and "Tallinn audit office" not in html


@pytest.mark.parametrize("args", ["?buyer=amsterdam", "?q=buyer:%20Amsterdam", "?q=buyer:%22gemeente%20amsterdam%22"])
def test_buyer_filter_finds_challenges_a_buyer_co_owns(client, joint, args):
    html = client.get(f"/challenges{args}").get_data(as_text=True)
    assert "Six-city energy challenge" in html and "Water leaks" not in html


def test_buyer_filter_does_not_count_observers_or_removed_co_owners(client, db, joint):
    lead, co_owner, _obs, challenge = joint
    assert "Six-city energy challenge" not in client.get("/challenges?buyer=tallinn").get_data(as_text=True)
    buyer_groups.remove(db, lead.id, challenge.id, co_owner.organisation_id)
    assert "Six-city energy challenge" not in client.get("/challenges?buyer=amsterdam").get_data(as_text=True)


def test_buyer_filter_treats_wildcards_as_text(client, joint):
    assert "Six-city energy challenge" not in client.get("/challenges?buyer=%25").get_data(as_text=True)


def test_co_owner_profile_lists_the_joint_challenge(client, joint):
    _lead, co_owner, _obs, _challenge = joint
    html = client.get(f"/organisations/{co_owner.organisation_id}").get_data(as_text=True)
    assert "Six-city energy challenge" in html


def test_api_lists_every_buyer_lead_first(client, joint):
    lead, co_owner, _obs, challenge = joint
    body = client.get(f"/api/v1/challenges/{challenge.id}").get_json()
    assert [b["id"] for b in body["buyers"]] == [lead.organisation_id, co_owner.organisation_id]
    listed = client.get("/api/v1/challenges?buyer=Amsterdam").get_json()
    assert [item["id"] for item in listed["items"]] == [challenge.id]
