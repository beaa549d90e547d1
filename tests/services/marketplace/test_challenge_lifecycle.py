"""The challenge lifecycle: draft -> open -> evaluation -> awarded | closed | cancelled, nothing else."""
import itertools

import pytest

from app.models import Challenge
from app.services.errors import InvalidTransition
from app.services.marketplace import challenges
from app.services.procurement import pilots
from tests.pilot_scenario import award_data, scored_shortlist

STATUSES = ("draft", "open", "evaluation", "awarded", "closed", "cancelled", "consultation")
# consultation is entered and left (to open) through app.services.procurement.consultation, which tells the
# respondents; the generic status change only cancels it.
VALID = {("draft", "open"), ("draft", "cancelled"), ("open", "evaluation"), ("open", "closed"),
         ("open", "cancelled"), ("evaluation", "awarded"), ("evaluation", "closed"), ("evaluation", "cancelled"),
         ("consultation", "cancelled")}


def test_transition_table_is_exactly_the_documented_one():
    table = {(a, b) for a, targets in challenges.TRANSITIONS.items() for b in targets}
    assert table == VALID
    assert set(challenges.TRANSITIONS) == set(STATUSES)


def test_every_invalid_transition_is_refused(db, make):
    """All 40 pairs outside the table, on one challenge (one set-up keeps the suite fast)."""
    buyer = make.buyer()
    challenge = make.challenge(buyer, publish=False)
    invalid = [pair for pair in itertools.product(STATUSES, STATUSES) if pair not in VALID]
    assert len(invalid) == 40
    for start, target in invalid:
        db.get(Challenge, challenge.id).status = start
        db.commit()
        with pytest.raises(InvalidTransition):
            challenges.change_status(db, buyer.id, challenge.id, target, settings=make.settings)
        db.expire_all()
        assert db.get(Challenge, challenge.id).status == start, (start, target)


def test_valid_transitions_are_allowed(db, make):
    buyer = make.buyer()
    challenge = make.challenge(buyer, publish=False)
    for start, target in sorted(VALID - {("evaluation", "awarded")}):
        db.get(Challenge, challenge.id).status = start
        db.commit()
        moved = challenges.change_status(db, buyer.id, challenge.id, target, settings=make.settings)
        assert moved.status == target, (start, target)


def test_evaluation_becomes_awarded_by_awarding_a_pilot(db, make):
    buyer, _, challenge, _, application = scored_shortlist(db, make)
    with pytest.raises(InvalidTransition):
        challenges.change_status(db, buyer.id, challenge.id, "awarded", settings=make.settings)
    pilots.award_to_application(db, buyer.id, application.id, award_data(), settings=make.settings)
    assert db.get(Challenge, challenge.id).status == "awarded"


def test_evaluation_and_awarded_challenges_stay_public_and_frozen(db, make, client):
    buyer = make.buyer()
    challenge = make.challenge(buyer, title="Frozen bus challenge")
    challenges.change_status(db, buyer.id, challenge.id, "evaluation", settings=make.settings)
    assert client.get(f"/challenges/{challenge.id}").status_code == 200
    assert b"Frozen bus challenge" in client.get("/challenges?status=evaluation").data
    assert b"Frozen bus challenge" in client.get("/challenges?status=any").data
    data = challenges.ChallengeData(title="x", summary="y", problem_statement="z", sector="water",
                                    trl_expected=5, deadline=challenge.deadline, country="FI")
    with pytest.raises(InvalidTransition):
        challenges.update_challenge(db, buyer.id, challenge.id, data)
