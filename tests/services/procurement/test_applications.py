"""Applying to challenges: one per solution, only while open, withdrawal before the deadline."""
from datetime import timedelta

import pytest

from app.db import utcnow
from app.models import Application
from app.services.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.services.marketplace import challenges
from app.services.procurement import applications
from tests.pilot_scenario import apply


def test_innovator_applies_with_published_solution(db, make):
    challenge = make.challenge()
    innovator = make.innovator()
    solution = make.solution(innovator)
    application = apply(db, innovator, challenge, solution)
    assert application.status == "submitted"
    assert applications.my_applications(db, innovator.id) == [application]
    assert applications.eligible_solutions(db, innovator.id, challenge.id) == []


def test_second_application_of_same_solution_is_refused(db, make):
    challenge = make.challenge()
    innovator = make.innovator()
    solution = make.solution(innovator)
    apply(db, innovator, challenge, solution)
    with pytest.raises(Conflict):
        apply(db, innovator, challenge, solution)
    assert db.query(Application).count() == 1


def test_unique_constraint_holds_in_the_database(db, make):
    from sqlalchemy.exc import IntegrityError
    challenge = make.challenge()
    innovator = make.innovator()
    solution = make.solution(innovator)
    first = apply(db, innovator, challenge, solution)
    db.add(Application(challenge_id=challenge.id, solution_id=solution.id, organisation_id=first.organisation_id,
                       approach="x", timeline="y"))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_no_application_on_draft_closed_or_after_deadline(db, make):
    innovator = make.innovator()
    solution = make.solution(innovator)
    buyer = make.buyer()
    draft = make.challenge(buyer, publish=False)
    with pytest.raises(NotFound):
        apply(db, innovator, draft, solution)
    closed = make.challenge(buyer)
    challenges.close_challenge(db, buyer.id, closed.id, settings=make.settings)
    with pytest.raises(InvalidTransition):
        apply(db, innovator, closed, solution)
    late = make.challenge(buyer)
    late.deadline = utcnow() - timedelta(hours=1)
    db.commit()
    with pytest.raises(InvalidTransition):
        apply(db, innovator, late, solution)


def test_only_own_published_solutions_and_innovators(db, make):
    challenge = make.challenge()
    innovator = make.innovator()
    other_solution = make.solution(make.innovator())
    draft = make.solution(innovator, publish=False)
    for solution in (other_solution, draft):
        with pytest.raises(ValidationFailed) as info:
            apply(db, innovator, challenge, solution)
        assert "solution_id" in info.value.errors
    with pytest.raises(Forbidden):
        apply(db, make.buyer(), challenge, other_solution)


def test_bad_proposal_gives_field_errors(db, make):
    challenge = make.challenge()
    innovator = make.innovator()
    solution = make.solution(innovator)
    data = applications.ApplicationData(solution_id=solution.id, approach=" ", timeline="x" * 1001,
                                        price_amount=-5, price_currency="XXX")
    with pytest.raises(ValidationFailed) as info:
        applications.apply_to_challenge(db, innovator.id, challenge.id, data)
    assert set(info.value.errors) == {"approach", "timeline", "price_amount", "price_currency"}


def test_withdraw_before_deadline_only(db, make):
    challenge = make.challenge()
    innovator = make.innovator()
    application = apply(db, innovator, challenge, make.solution(innovator))
    with pytest.raises(NotFound):
        applications.withdraw_application(db, make.innovator().id, application.id)
    assert applications.withdraw_application(db, innovator.id, application.id).status == "withdrawn"
    with pytest.raises(InvalidTransition):
        applications.withdraw_application(db, innovator.id, application.id)


def test_withdraw_after_deadline_is_refused(db, make):
    challenge = make.challenge()
    innovator = make.innovator()
    application = apply(db, innovator, challenge, make.solution(innovator))
    challenge.deadline = utcnow() - timedelta(minutes=1)
    db.commit()
    with pytest.raises(InvalidTransition):
        applications.withdraw_application(db, innovator.id, application.id)


def test_application_visible_to_applicant_and_buyer_only(db, make):
    buyer = make.buyer()
    challenge = make.challenge(buyer)
    innovator = make.innovator()
    application = apply(db, innovator, challenge, make.solution(innovator))
    assert applications.view_application(db, buyer.id, application.id) is application
    assert applications.view_application(db, innovator.id, application.id) is application
    with pytest.raises(NotFound):
        applications.view_application(db, make.buyer().id, application.id)
