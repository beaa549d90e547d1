"""Seeding applications and pilots goes through the services and creates nothing twice."""
import json

from app.config import ROOT
from app.models import Application, Challenge, OutboxMessage, Pilot
from app.services.seeding import demo_data as seeding


def _org(key, side, country="FI"):
    return {"key": key, "name": f"Org {key}", "side": side, "kind": "city" if side == "buyer" else "startup",
            "country": country, "member": {"name": key, "email": f"{key}@{key}.example"}}


def _data():
    entry = json.loads((ROOT / "seed_data" / "pilots.json").read_text())[0]  # the real first entry's shape
    challenge = {"key": entry["challenge"], "buyer": "city", "title": "Depot charging", "summary": "s",
                 "problem_statement": "p", "sector": "mobility", "trl_expected": 6, "status": "open",
                 "deadline_days": 30}
    solutions = [{"key": a["solution"], "innovator": f"inno{n}", "title": f"Solution {n}", "summary": "s",
                  "description": "d", "sectors": ["mobility"], "trl": 7, "pricing_model": "licence",
                  "status": "published"} for n, a in enumerate(entry["applications"])]
    orgs = [_org("city", "buyer")] + [_org(f"inno{n}", "innovator") for n in range(len(solutions))]
    return {"organisations": orgs, "challenges": [challenge], "solutions": solutions, "pilots": [entry]}, entry


def test_seed_pilots_load_once_through_the_services(db, settings):
    data, entry = _data()
    report = seeding.load(db, data, settings=settings)
    assert report.created["applications"] == len(entry["applications"]) and report.created["pilots"] == 1
    pilot = db.query(Pilot).one()
    assert pilot.status == entry["pilots"][0]["status"] == "evaluated"
    assert pilot.outcome == "adopted" and pilot.follow_on_value == 720000
    assert len(pilot.spend) == 3 and all(m.completed_on for m in pilot.milestones)
    assert db.query(Challenge).one().status == "awarded"
    assert pilot.awarded_at > db.query(Challenge).one().published_at
    assert db.query(OutboxMessage).count() == 0  # demo decisions send no e-mail
    again = seeding.load(db, data, settings=settings)
    assert again.created["pilots"] == 0 and again.existing["pilots"] == 1
    assert db.query(Application).count() == len(entry["applications"])


def test_seed_file_has_at_least_ten_pilots_in_several_states():
    entries = json.loads((ROOT / "seed_data" / "pilots.json").read_text())
    states = [p["status"] for e in entries for p in e["pilots"]]
    assert len(states) >= 10 and set(states) == {"planned", "running", "completed", "evaluated", "cancelled"}
