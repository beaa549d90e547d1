"""Done-when: a seeded buyer and innovator receive correct digests from docs/delivery.md's commands, in real SMTP."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select

from app.models import Challenge, Solution
from app.services.digests import preferences as digest_preferences
from app.services.seeding import demo_data as seeding
from tests.digest_helpers import clear_matches, store_match

SEED = {
    "organisations": [
        {"key": "espoo", "name": "City of Espoo", "side": "buyer", "kind": "city", "country": "FI",
         "member": {"name": "Anna Virtanen", "email": "anna@espoo.example"}},
        {"key": "volt", "name": "VoltDepot Oy", "side": "innovator", "kind": "startup", "country": "FI",
         "member": {"name": "Mikko Salo", "email": "mikko@voltdepot.example"}},
        {"key": "leak", "name": "LeakSense AB", "side": "innovator", "kind": "sme", "country": "SE",
         "member": {"name": "Sara Berg", "email": "sara@leaksense.example"}},
    ],
    "challenges": [
        {"buyer": "espoo", "title": "Electrify the bus depot", "summary": "Charge 120 e-buses overnight.",
         "problem_statement": "Our depot grid connection is too small for the new electric fleet.",
         "sector": "mobility", "tags": ["bus fleet", "charging"], "trl_expected": 6, "status": "open",
         "deadline_days": 10},
        {"buyer": "espoo", "title": "Old closed tender", "summary": "Closed.", "problem_statement": "Closed.",
         "sector": "mobility", "trl_expected": 5, "status": "closed", "deadline_days": 5},
    ],
    "solutions": [
        {"innovator": "volt", "title": "Depot charging optimiser", "summary": "Smart charging for bus depots.",
         "description": "Schedules overnight charging under a grid cap.", "sectors": ["mobility"], "trl": 7,
         "pricing_model": "subscription", "status": "published"},
        {"innovator": "leak", "title": "Acoustic leak finder", "summary": "Finds leaks.",
         "description": "Listens to pipes.", "sectors": ["water"], "trl": 8, "pricing_model": "licence",
         "status": "published"},
    ],
}


def _seed_with_matches(app, db):
    seeding.load(db, SEED, settings=app.extensions["service_settings"])
    clear_matches(db)
    challenge = db.scalar(select(Challenge).where(Challenge.title == "Electrify the bus depot"))
    closed = db.scalar(select(Challenge).where(Challenge.title == "Old closed tender"))
    depot = db.scalar(select(Solution).where(Solution.title == "Depot charging optimiser"))
    leak = db.scalar(select(Solution).where(Solution.title == "Acoustic leak finder"))
    store_match(db, challenge, depot, 0.83, ["shares: bus fleet, overnight charging, depot", "same sector: Mobility",
                                             "TRL 7 ≥ required 6"])
    store_match(db, challenge, leak, 0.08, ["shares: pipes"])  # below everyone's threshold
    store_match(db, closed, depot, 0.95, ["shares: depot"])  # closed: never in a digest
    return challenge, depot


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_seeded_buyer_and_innovator_receive_correct_digests_from_the_cli(app, db, runner, client, smtp_server):
    challenge, depot = _seed_with_matches(app, db)
    sent = runner.invoke(args=["digests", "send", "--ignore-schedule"])
    assert sent.exit_code == 0, sent.output
    assert "2 queued" in sent.output and "1 with nothing new" in sent.output
    delivered = runner.invoke(args=["outbox", "deliver"])
    assert delivered.exit_code == 0, delivered.output
    assert "2 sent" in delivered.output

    received = smtp_server.by_recipient()
    assert sorted(received) == ["anna@espoo.example", "mikko@voltdepot.example"]
    [innovator_mail] = received["mikko@voltdepot.example"]
    [buyer_mail] = received["anna@espoo.example"]

    text = _text(innovator_mail)
    assert innovator_mail["Subject"] == "CiviMatch digest: 1 new challenge for you"
    assert "Electrify the bus depot" in text and "City of Espoo" in text
    assert "Strong match (95% likely relevant)" in text and "% match" not in text
    assert "shares: bus fleet, overnight charging, depot" in text and "TRL 7 ≥ required 6" in text
    assert re.search(r"closes in (9|10) days", text)
    assert "Old closed tender" not in text
    html = innovator_mail.get_body(("html",)).get_content()
    assert f'href="http://civimatch.test/challenges/{challenge.id}"' in html

    buyer_text = _text(buyer_mail)
    assert buyer_mail["Subject"] == "CiviMatch digest: 1 new solution for you"
    assert "Depot charging optimiser" in buyer_text and "VoltDepot Oy" in buyer_text
    assert "Acoustic leak finder" not in buyer_text

    # Every link points at BASE_URL and opens the right page in the app.
    for message in (innovator_mail, buyer_mail):
        links = set(re.findall(r"http://civimatch\.test/\S+", _text(message)))
        assert links and all(urlsplit(link).netloc == "civimatch.test" for link in links)
        for link in links:
            response = client.get(urlsplit(link).path)
            assert response.status_code in (200, 302), link  # settings asks for a login (302)
    assert b"Electrify the bus depot" in client.get(f"/challenges/{challenge.id}").data
    assert b"Depot charging optimiser" in client.get(f"/solutions/{depot.id}").data

    # Running both commands again in the same period sends nothing.
    again = runner.invoke(args=["digests", "send", "--ignore-schedule"])
    assert "0 queued" in again.output and "3 already done this period" in again.output
    assert "0 sent" in runner.invoke(args=["outbox", "deliver"]).output
    assert len(smtp_server.messages) == 2


def test_one_click_unsubscribe_from_the_received_headers(app, db, runner, client, smtp_server):
    _seed_with_matches(app, db)
    runner.invoke(args=["digests", "send", "--ignore-schedule"])
    runner.invoke(args=["outbox", "deliver"])
    [mail] = smtp_server.by_recipient()["mikko@voltdepot.example"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    targets = re.findall(r"<([^>]+)>", mail["List-Unsubscribe"])
    assert targets[1] == "mailto:unsubscribe@civimatch.test?subject=unsubscribe"
    url = targets[0]
    assert url.startswith("http://civimatch.test/unsubscribe/") and url in _text(mail)
    raw = next(e.original_content for e in smtp_server.handler.envelopes if e.rcpt_tos == ["mikko@voltdepot.example"])
    assert f"List-Unsubscribe: <{url}>".encode() in raw  # plain, not RFC 2047-encoded: clients read it as is
    response = client.post(urlsplit(url).path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    user_id = db.scalar(select(Solution.created_by_id).where(Solution.title == "Depot charging optimiser"))
    db.expire_all()
    assert digest_preferences.preferences_for(db, user_id).frequency == "off"


def test_deliver_exits_non_zero_with_one_line_when_smtp_is_down(app, db, runner, smtp_server):
    _seed_with_matches(app, db)
    runner.invoke(args=["digests", "send", "--ignore-schedule"])
    smtp_server.stop()
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 1
    assert "could not be reached" in result.output and "stay queued" in result.output
