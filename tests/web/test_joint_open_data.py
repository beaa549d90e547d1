"""OCDS for joint challenges: every buyer in parties (the lead also procuringEntity); still valid OCDS 1.1.5."""
from tests.joint_scenario import join
from tests.web.test_open_data import assert_valid_ocds


def _release(package, challenge_id):
    return next(r for r in package["releases"] if r["tender"]["documents"][0]["url"].endswith(f"/{challenge_id}"))


def test_joint_challenge_lists_every_buyer_in_parties(client, db, make, settings):
    lead = make.buyer(org_name="City of Helsinki")
    co_owner = make.buyer(org_name="Gemeente Amsterdam")
    observer = make.buyer(org_name="Tallinn audit office")
    challenge = make.challenge(lead, title="Six-city mobility challenge")
    join(db, settings, lead, challenge, co_owner)
    join(db, settings, lead, challenge, observer, "observer")
    package = client.get("/open-data/ocds.json").get_json()
    assert_valid_ocds(package)
    parties = {p["name"]: p["roles"] for p in _release(package, challenge.id)["parties"]}
    assert parties == {"City of Helsinki": ["buyer", "procuringEntity"], "Gemeente Amsterdam": ["buyer"]}
    assert _release(package, challenge.id)["buyer"]["name"] == "City of Helsinki"
