"""Evaluation: weighted criteria, conflict declarations, audited scores, decisions with e-mail, ranking."""
import pytest

from app.models import OutboxMessage, ScoreChange
from app.models.application import AuditTrailViolation
from app.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.services.marketplace import challenges
from app.services.procurement import evaluation
from tests.pilot_scenario import apply, criteria


def _setup(db, make):
    buyer = make.buyer(email="eva@city.example")
    challenge = make.challenge(buyer)
    crit = criteria(db, buyer, challenge)
    innovator = make.innovator(email="ina@startup.example")
    application = apply(db, innovator, challenge, make.solution(innovator))
    return buyer, challenge, crit, application


def test_criteria_are_validated_and_frozen_after_scoring(db, make):
    buyer, challenge, crit, application = _setup(db, make)
    with pytest.raises(ValidationFailed):
        evaluation.set_criteria(db, buyer.id, challenge.id, [evaluation.CriterionData("Impact", 0)])
    with pytest.raises(ValidationFailed):
        evaluation.set_criteria(db, buyer.id, challenge.id, [evaluation.CriterionData("A", 5),
                                                              evaluation.CriterionData("a", 5)])
    evaluation.declare_no_conflict(db, buyer.id, challenge.id)
    evaluation.score_application(db, buyer.id, application.id, {crit[0].id: (5, "")})
    with pytest.raises(InvalidTransition):
        evaluation.set_criteria(db, buyer.id, challenge.id, [evaluation.CriterionData("New", 10)])


def test_scoring_requires_a_conflict_declaration(db, make):
    buyer, challenge, crit, application = _setup(db, make)
    with pytest.raises(Forbidden):
        evaluation.score_application(db, buyer.id, application.id, {crit[0].id: (7, "")})
    evaluation.declare_no_conflict(db, buyer.id, challenge.id)
    evaluation.declare_no_conflict(db, buyer.id, challenge.id)  # idempotent
    assert evaluation.score_application(db, buyer.id, application.id, {crit[0].id: (7, "")})[0].value == 7


def test_other_organisations_cannot_see_or_score(db, make):
    buyer, challenge, crit, application = _setup(db, make)
    outsider = make.buyer()
    with pytest.raises(NotFound):
        evaluation.score_application(db, outsider.id, application.id, {crit[0].id: (7, "")})
    with pytest.raises(Forbidden):
        evaluation.ranked_table(db, outsider.id, challenge.id)


def test_every_score_change_is_kept_and_the_trail_is_append_only(db, make):
    buyer, challenge, crit, application = _setup(db, make)
    evaluation.declare_no_conflict(db, buyer.id, challenge.id)
    evaluation.score_application(db, buyer.id, application.id, {crit[0].id: (4, "weak")})
    evaluation.score_application(db, buyer.id, application.id, {crit[0].id: (4, "weak")})  # no change, no row
    evaluation.score_application(db, buyer.id, application.id, {crit[0].id: (9, "better after call")})
    history = evaluation.score_history(db, buyer.id, application.id)
    assert [(h.old_value, h.new_value) for h in history] == [(None, 4), (4, 9)]
    assert history[1].old_comment == "weak" and history[1].new_comment == "better after call"
    history[0].new_value = 10
    with pytest.raises(AuditTrailViolation):
        db.flush()
    db.rollback()
    with pytest.raises(AuditTrailViolation):
        db.delete(db.get(ScoreChange, history[0].id))
        db.flush()
    db.rollback()


def test_bad_scores_are_refused(db, make):
    buyer, challenge, crit, application = _setup(db, make)
    evaluation.declare_no_conflict(db, buyer.id, challenge.id)
    with pytest.raises(ValidationFailed) as info:
        evaluation.score_application(db, buyer.id, application.id, {crit[0].id: (11, "")})
    assert f"score_{crit[0].id}" in info.value.errors
    with pytest.raises(ValidationFailed):
        evaluation.score_application(db, buyer.id, application.id, {999999: (5, "")})


def test_ranking_uses_weighted_mean_over_evaluators(db, make):
    buyer, challenge, crit, first = _setup(db, make)
    colleague = make.user("buyer")
    colleague.organisation_id = buyer.organisation_id
    db.commit()
    innovator = make.innovator()
    second = apply(db, innovator, challenge, make.solution(innovator))
    for evaluator in (buyer, colleague):
        evaluation.declare_no_conflict(db, evaluator.id, challenge.id)
    # Impact weight 60, Price weight 40; first: impact mean (10+6)/2 = 8, price 5 -> (60*8 + 40*5)/100*10 = 68.0
    evaluation.score_application(db, buyer.id, first.id, {crit[0].id: (10, ""), crit[1].id: (5, "")})
    evaluation.score_application(db, colleague.id, first.id, {crit[0].id: (6, "")})
    evaluation.score_application(db, buyer.id, second.id, {crit[0].id: (9, ""), crit[1].id: (9, "")})
    rows = evaluation.ranked_table(db, buyer.id, challenge.id)
    assert [r.application.id for r in rows] == [second.id, first.id]
    assert rows[0].total == 90.0 and rows[1].total == 68.0
    assert rows[1].per_criterion[crit[0].id] == 8 and rows[1].evaluators == 2


def test_decision_needs_reason_and_emails_the_applicant(db, make):
    buyer, challenge, crit, application = _setup(db, make)
    with pytest.raises(ValidationFailed):
        evaluation.decide_application(db, buyer.id, application.id, "rejected", "  ", settings=make.settings)
    challenges.change_status(db, buyer.id, challenge.id, "evaluation", settings=make.settings)
    evaluation.decide_application(db, buyer.id, application.id, "rejected", "Budget too high for year one",
                                  settings=make.settings)
    assert application.status == "rejected"
    message = db.query(OutboxMessage).one()
    assert message.to_address == "ina@startup.example"
    assert "not successful" in message.subject
    assert "Budget too high for year one" in message.text_body
    assert "http://civimatch.test/applications/" in message.html_body


def test_withdrawn_application_cannot_be_decided(db, make):
    buyer, challenge, crit, application = _setup(db, make)
    from app.services.procurement import applications
    applications.withdraw_application(db, application.submitted_by_id, application.id)
    with pytest.raises(InvalidTransition):
        evaluation.decide_application(db, buyer.id, application.id, "shortlisted", "Good", settings=make.settings)
