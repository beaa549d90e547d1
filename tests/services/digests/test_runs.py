"""Digest runs: what is included, what never is, and once-per-period / never-twice guarantees."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.db import new_session, utcnow
from app.models import Application, DigestItem, DigestPreference, DigestRun, OutboxMessage, SavedChallenge
from app.services.digests import runs as digests
from app.services.marketplace import solutions
from tests.digest_helpers import clear_matches, give_feedback, store_match


def run(app, db, **options):
    options.setdefault("ignore_schedule", True)
    now = options.pop("now", None)
    return digests.run_digests(db, app.extensions["service_settings"], digests.RunOptions(**options), now=now)


def digest_for(db, user) -> OutboxMessage | None:
    rows = db.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id, OutboxMessage.kind == "digest")
                      .order_by(OutboxMessage.id)).all()
    return rows[-1] if rows else None


@pytest.fixture
def pair(make, db):
    """An innovator with a published solution, a buyer with an open challenge, and no stored matches yet."""
    buyer = make.buyer(org_name="City of Espoo", name="Anna Buyer")
    innovator = make.innovator(org_name="VoltDepot Oy", name="Mikko Maker")
    challenge = make.challenge(buyer, title="Electrify the bus depot", deadline=utcnow() + timedelta(days=20, hours=2))
    solution = make.solution(innovator, title="Depot charging optimiser")
    clear_matches(db)
    return buyer, innovator, challenge, solution


def test_innovator_digest_lists_new_challenge_with_score_reasons_buyer_and_deadline(app, db, pair):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.82, ["shares: bus fleet, depot charging", "same sector: Mobility"])
    report = run(app, db)
    assert report.queued == 2  # the innovator and the buyer each get one
    text = digest_for(db, innovator).text_body
    assert "Electrify the bus depot" in text and "City of Espoo" in text
    assert "Strong match (95% likely relevant)" in text and "% match" not in text
    assert "shares: bus fleet, depot charging" in text
    assert "closes in 20 days" in text
    assert f"http://civimatch.test/challenges/{challenge.id}" in text
    buyer_text = digest_for(db, buyer).text_body
    assert "Depot charging optimiser" in buyer_text and "VoltDepot Oy" in buyer_text
    assert f"http://civimatch.test/solutions/{solution.id}" in buyer_text


def test_nothing_is_sent_when_nothing_passes_the_threshold(app, db, pair):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.1)
    report = run(app, db)
    assert report.queued == 0 and report.empty == 2
    assert db.scalars(select(OutboxMessage)).all() == []
    assert {r.item_count for r in db.scalars(select(DigestRun))} == {0}


def test_user_threshold_and_sectors_filter_matches(app, db, pair, make):
    buyer, innovator, challenge, solution = pair
    water = make.challenge(buyer, title="Find leaking pipes", sector="water")
    store_match(db, challenge, solution, 0.45)
    store_match(db, water, solution, 0.9)
    db.add(DigestPreference(user_id=innovator.id, min_score=0.5, sectors=[]))
    db.commit()
    run(app, db)
    text = digest_for(db, innovator).text_body
    assert "Find leaking pipes" in text and "Electrify the bus depot" not in text
    pref = db.scalar(select(DigestPreference).where(DigestPreference.user_id == innovator.id))
    pref.min_score, pref.sectors = 0.0, ["mobility"]
    db.commit()
    run(app, db, now=utcnow() + timedelta(days=8))
    assert "Electrify the bus depot" in digest_for(db, innovator).text_body


@pytest.mark.parametrize("verdict", ["hidden", "not_relevant"])
def test_hidden_and_not_relevant_pairs_never_appear(app, db, pair, verdict):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.9)
    give_feedback(db, innovator.organisation_id, challenge, solution, verdict)
    run(app, db)
    assert digest_for(db, innovator) is None
    assert digest_for(db, buyer) is not None  # the buyer's organisation gave no such verdict


@pytest.mark.parametrize("verdict", ["relevant", "not_relevant", "hidden"])
def test_a_challenge_the_innovator_marked_on_any_solution_is_not_news(app, db, pair, make, verdict):
    buyer, innovator, challenge, solution = pair
    other = make.solution(innovator, title="Depot energy twin")
    store_match(db, challenge, solution, 0.9)
    store_match(db, challenge, other, 0.8)
    give_feedback(db, innovator.organisation_id, challenge, other, verdict)  # marked with the other solution
    run(app, db)
    assert digest_for(db, innovator) is None
    assert "Depot charging optimiser" in digest_for(db, buyer).text_body  # the buyer marked nothing


def test_a_pair_the_buyer_marked_relevant_is_not_news(app, db, pair):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.9)
    give_feedback(db, buyer.organisation_id, challenge, solution, "relevant")
    run(app, db)
    assert digest_for(db, buyer) is None
    assert digest_for(db, innovator) is not None


def test_a_challenge_the_user_saved_is_not_news(app, db, pair):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.9)
    db.add(SavedChallenge(user_id=innovator.id, challenge_id=challenge.id))
    db.commit()
    run(app, db)
    assert digest_for(db, innovator) is None


def test_an_application_is_not_news_as_a_match_to_either_side(app, db, pair):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.9)
    db.add(Application(challenge_id=challenge.id, solution_id=solution.id, organisation_id=innovator.organisation_id,
                       approach="Pilot at one depot", timeline="3 months", status="withdrawn"))
    db.commit()
    run(app, db)
    assert digest_for(db, innovator) is None
    assert digest_for(db, buyer) is None  # a withdrawn application is no news either, and the match is not


def test_an_item_already_received_is_not_sent_again_in_a_later_period(app, db, pair):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.9)
    run(app, db)
    assert "Electrify the bus depot" in digest_for(db, innovator).text_body
    store_match(db, challenge, solution, 0.95)  # rescored by a rebuild: still the same item
    assert run(app, db, now=utcnow() + timedelta(days=8)).queued == 0


def test_matches_below_the_default_strength_are_never_sent(app, db, pair):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.03)  # a weak match
    db.add(DigestPreference(user_id=innovator.id, min_score=0.0, sectors=[]))
    db.commit()
    run(app, db)
    assert digest_for(db, innovator) is None


def test_closed_draft_and_archived_items_never_appear(app, db, pair, make):
    buyer, innovator, challenge, solution = pair
    draft = make.challenge(buyer, title="Draft challenge", publish=False)
    closed = make.challenge(buyer, title="Closed challenge")
    from app.services.marketplace import challenges as challenge_service
    challenge_service.close_challenge(db, buyer.id, closed.id, settings=make.settings)
    archived = make.solution(innovator, title="Archived solution")
    solutions.archive_solution(db, innovator.id, archived.id)
    clear_matches(db)
    for c in (draft, closed):
        store_match(db, c, solution, 0.9)
    store_match(db, challenge, archived, 0.9)
    run(app, db)
    assert digest_for(db, innovator) is None
    assert digest_for(db, buyer) is None


def test_an_organisation_never_gets_its_own_items(app, db, make):
    buyer = make.buyer()
    other = make.buyer()
    challenge = make.challenge(buyer)
    other_challenge = make.challenge(other, title="Other city's challenge")
    clear_matches(db)
    # a degenerate stored pair: the same organisation on both sides must never be suggested to itself
    innovator = make.innovator()
    solution = make.solution(innovator)
    clear_matches(db)
    store_match(db, challenge, solution, 0.9)
    run(app, db)
    assert "Other city's challenge" not in (digest_for(db, innovator).text_body)
    assert other_challenge.id and digest_for(db, other) is None


def test_second_run_in_the_same_period_sends_nothing_and_items_are_never_resent(app, db, pair, make):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.8)
    assert run(app, db).queued == 2
    again = run(app, db)
    assert (again.queued, again.already_done) == (0, 2)
    later = utcnow() + timedelta(days=8)
    assert run(app, db, now=later).queued == 0  # next period: the old match was already sent
    newer = make.challenge(buyer, title="Smart street lighting", sector="energy")
    store_match(db, newer, solution, 0.7)
    assert run(app, db, now=later + timedelta(days=8)).queued == 2
    text = digest_for(db, innovator).text_body
    assert "Smart street lighting" in text and "Electrify the bus depot" not in text


def test_run_is_unique_per_user_and_period_in_the_database(app, db, pair):
    _, innovator, _, _ = pair
    db.add(DigestRun(user_id=innovator.id, period_key="W2026-01", item_count=0))
    db.commit()
    db.add(DigestRun(user_id=innovator.id, period_key="W2026-01", item_count=0))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_a_parallel_run_that_stored_first_wins_and_nothing_is_sent_twice(app, db, pair, monkeypatch):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.8)
    real_plan = digests._plan_batch

    def plan_then_race(session, batch, options, now, links, report):
        planned = real_plan(session, batch, options, now, links, report)
        other = new_session(app)  # another process stores the innovator's digest for this period first
        other.add(DigestRun(user_id=innovator.id, period_key=planned[0].period_key, item_count=0))
        other.commit()
        other.close()
        return planned

    monkeypatch.setattr(digests, "_plan_batch", plan_then_race)
    report = run(app, db)
    assert (report.queued, report.conflicts) == (1, 1)
    assert digest_for(db, innovator) is None and digest_for(db, buyer) is not None


def test_sent_items_are_recorded_uniquely(app, db, pair):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.8)
    run(app, db)
    keys = set(db.scalars(select(DigestItem.item_key).where(DigestItem.user_id == innovator.id)))
    assert keys == {f"challenge:{challenge.id}"}
    db.add(DigestItem(user_id=innovator.id, item_key=f"challenge:{challenge.id}",
                      run_id=db.scalar(select(DigestRun.id)), challenge_id=challenge.id))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_dry_run_stores_nothing(app, db, pair):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.8)
    report = run(app, db, dry_run=True)
    assert report.queued == 2 and "dry run" in report.summary()
    assert db.scalars(select(DigestRun)).all() == [] and db.scalars(select(OutboxMessage)).all() == []


def test_users_who_turned_digests_off_get_none(app, db, pair):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.8)
    db.add(DigestPreference(user_id=innovator.id, frequency="off"))
    db.commit()
    report = run(app, db)
    assert report.considered == 1 and digest_for(db, innovator) is None


def test_deadline_reminder_for_saved_challenge(app, db, pair, make):
    buyer, innovator, _, solution = pair
    challenge = make.challenge(buyer, title="Electrify the ferry", deadline=utcnow() + timedelta(days=3, hours=2))
    far = make.challenge(buyer, title="Far-off deadline")
    db.add(SavedChallenge(user_id=innovator.id, challenge_id=far.id))
    db.add(SavedChallenge(user_id=innovator.id, challenge_id=challenge.id))
    db.commit()
    run(app, db)
    text = digest_for(db, innovator).text_body
    assert "Deadlines coming up" in text and "Electrify the ferry" in text and "you saved it" in text
    assert "closes in 3 days" in text and "Far-off deadline" not in text


def test_buyer_digest_lists_new_applications_and_innovator_gets_reminder(app, db, pair, make):
    buyer, innovator, _, solution = pair
    challenge = make.challenge(buyer, title="Electrify the ferry", deadline=utcnow() + timedelta(days=5))
    db.add(Application(challenge_id=challenge.id, solution_id=solution.id, organisation_id=innovator.organisation_id,
                       approach="Pilot at one depot", timeline="3 months", status="submitted"))
    db.commit()
    run(app, db)
    buyer_text = digest_for(db, buyer).text_body
    assert "New applications" in buyer_text and "Depot charging optimiser by VoltDepot Oy" in buyer_text
    assert "your organisation applied" in digest_for(db, innovator).text_body
    assert run(app, db, now=utcnow() + timedelta(days=8)).queued == 0  # never twice


def test_schedule_is_respected_without_ignore_schedule(app, db, pair):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.8)
    today = utcnow().replace(hour=6, minute=30, second=0, microsecond=0)
    monday_0630_utc = today + timedelta(days=(7 - today.weekday()) % 7 or 7)  # next Monday, before the deadline
    db.add_all([DigestPreference(user_id=innovator.id, frequency="weekly", weekday=0, hour=8,
                                 time_zone="Europe/Helsinki"),
                DigestPreference(user_id=buyer.id, frequency="daily", hour=8, time_zone="America/New_York")])
    db.commit()
    report = run(app, db, ignore_schedule=False, now=monday_0630_utc)  # 08:30 in Helsinki, 01:30 in New York
    assert (report.queued, report.not_due) == (1, 1)
    assert digest_for(db, innovator) is not None and digest_for(db, buyer) is None
    iso = monday_0630_utc.isocalendar()
    assert db.scalar(select(DigestRun.period_key)) == f"W{iso.year}-{iso.week:02d}"


def test_frequency_filter(app, db, pair):
    buyer, innovator, challenge, solution = pair
    store_match(db, challenge, solution, 0.8)
    db.add(DigestPreference(user_id=buyer.id, frequency="daily"))
    db.commit()
    report = run(app, db, frequency="daily")
    assert report.considered == 1 and digest_for(db, buyer) is not None and digest_for(db, innovator) is None
