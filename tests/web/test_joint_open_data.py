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


def test_answers_are_enquiries_and_notices_are_amendments_without_the_asker(client, db, make, settings):
    from app.services.procurement import clarifications as clar

    lead = make.buyer(org_name="City of Helsinki")
    challenge = make.challenge(lead, title="Six-city energy challenge")
    asker = make.innovator(name="Private Person", email="private.person@startup.example")
    enquiry = clar.ask(db, asker.id, challenge.id, "Is Modbus acceptable for the building controllers?")
    clar.ask(db, asker.id, challenge.id, "An unanswered question stays private.")
    clar.answer(db, lead.id, challenge.id, enquiry.id, "Yes, Modbus TCP.", settings=settings)
    clar.publish_notice(db, lead.id, challenge.id, clar.NoticeData(
        "Budget corrected", "The maximum was a typo.", change_budget=True, budget_min=1000, budget_max=90000),
        settings=settings)
    package = client.get("/open-data/ocds.json").get_json()
    assert_valid_ocds(package)
    tender = _release(package, challenge.id)["tender"]
    [entry] = tender["enquiries"]
    assert entry["description"] == "Is Modbus acceptable for the building controllers?"
    assert entry["answer"] == "Yes, Modbus TCP." and entry["dateAnswered"].endswith("Z")
    assert set(entry) == {"id", "date", "title", "description", "answer", "dateAnswered"}
    [amendment] = tender["amendments"]
    assert amendment["rationale"] == "Budget corrected" and "90,000 EUR" in amendment["description"]
    text = str(package)
    assert "Private Person" not in text and "private.person" not in text and "stays private" not in text
