"""Seeding clarifications goes through the services, sends no e-mail and creates nothing twice."""
import json

from app.config import ROOT
from app.models import Enquiry, Notice, OutboxMessage
from app.services.procurement import clarifications
from app.services.seeding import demo_data as seeding


def _org(key, side):
    return {"key": key, "name": f"Org {key}", "side": side, "kind": "city" if side == "buyer" else "startup",
            "country": "FI", "member": {"name": key, "email": f"{key}@{key}.example"}}


def _data():
    entry = json.loads((ROOT / "seed_data" / "clarifications.json").read_text())[0]  # the real entry
    askers = {q["asker"] for q in entry["questions"]}
    buyers = {entry["lead"]} | {q["answered_by"] for q in entry["questions"]} | {n["by"] for n in entry["notices"]}
    challenge = {"key": "joint", "buyer": entry["lead"], "title": entry["title"], "summary": "s",
                 "problem_statement": "p", "sector": "energy", "trl_expected": 6, "status": "open",
                 "deadline_days": 30}
    group = {"lead": entry["lead"], "title": entry["title"], "co_owners": sorted(buyers - {entry["lead"]})}
    orgs = [_org(k, "buyer") for k in sorted(buyers)] + [_org(k, "innovator") for k in sorted(askers)]
    return {"organisations": orgs, "challenges": [challenge], "solutions": [], "buyer_groups": [group],
            "clarifications": [entry]}


def test_seed_clarifications_load_once_without_email(db, settings):
    data = _data()
    report = seeding.load(db, data, settings=settings)
    assert report.created["clarifications"] == 3
    challenge_id = db.query(Enquiry).first().challenge_id
    assert len(clarifications.published_enquiries(db, challenge_id)) == 2
    assert [n.title for n in clarifications.notices_of(db, challenge_id)] == [
        "New document: building portfolio data sheet"]
    assert db.query(OutboxMessage).count() == 0
    again = seeding.load(db, data, settings=settings)
    assert again.created["clarifications"] == 0 and again.existing["clarifications"] == 3
    assert db.query(Enquiry).count() == 2 and db.query(Notice).count() == 1
