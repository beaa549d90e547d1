"""Market consultation (Phase 0): questions, private responses before a deadline, the report, opening."""
from datetime import timedelta

import pytest

from app.db import utcnow
from app.models import Consultation, ConsultationResponse, OutboxMessage
from app.services.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.services.procurement import consultation

QUESTIONS = ["Which solutions exist today?", "What would a pilot cost?"]


def in_consultation(db, make, days: int = 10):
    buyer = make.buyer()
    challenge = make.challenge(buyer, publish=False)
    consultation.start_consultation(db, buyer.id, challenge.id, QUESTIONS, utcnow() + timedelta(days=days))
    return buyer, challenge


def test_start_puts_a_draft_in_consultation(db, make):
    _, challenge = in_consultation(db, make)
    assert challenge.status == "consultation"
    assert db.query(Consultation).one().questions == QUESTIONS


def test_start_refuses_bad_questions_and_deadline_and_writes_nothing(db, make):
    buyer = make.buyer()
    challenge = make.challenge(buyer, publish=False)
    with pytest.raises(ValidationFailed) as info:
        consultation.start_consultation(db, buyer.id, challenge.id, ["  "], utcnow() - timedelta(days=1))
    assert set(info.value.errors) == {"questions", "deadline"}
    with pytest.raises(ValidationFailed) as info:  # must end before the challenge's own deadline
        consultation.start_consultation(db, buyer.id, challenge.id, QUESTIONS, challenge.deadline)
    assert db.query(Consultation).count() == 0 and challenge.status == "draft"


def test_only_a_draft_starts_a_consultation(db, make):
    buyer = make.buyer()
    challenge = make.challenge(buyer)  # open
    with pytest.raises(InvalidTransition):
        consultation.start_consultation(db, buyer.id, challenge.id, QUESTIONS, utcnow() + timedelta(days=5))


def test_an_innovator_answers_and_may_change_its_answers(db, make):
    _, challenge = in_consultation(db, make)
    innovator = make.innovator()
    consultation.respond(db, innovator.id, challenge.id, ["Sensors", ""])
    response = consultation.respond(db, innovator.id, challenge.id, ["Sensors", "50k"], list_publicly=True)
    assert db.query(ConsultationResponse).count() == 1 and response.answers == ["Sensors", "50k"]


def test_a_response_after_the_deadline_is_refused_with_the_date(db, make):
    _, challenge = in_consultation(db, make, days=3)
    innovator = make.innovator()
    with pytest.raises(Conflict) as info:
        consultation.respond(db, innovator.id, challenge.id, ["late", "late"], now=utcnow() + timedelta(days=4))
    assert "responses are no longer accepted" in info.value.message
    assert db.query(ConsultationResponse).count() == 0


def test_responses_need_an_answer_and_an_innovator(db, make):
    _, challenge = in_consultation(db, make)
    with pytest.raises(ValidationFailed):
        consultation.respond(db, make.innovator().id, challenge.id, ["", ""])
    with pytest.raises(ValidationFailed):
        consultation.respond(db, make.innovator().id, challenge.id, ["only one answer for two questions"])
    with pytest.raises(Forbidden):
        consultation.respond(db, make.buyer().id, challenge.id, ["a", "b"])
    assert db.query(ConsultationResponse).count() == 0


def test_responses_are_private_to_the_owners_and_listing_is_opt_in(db, make):
    buyer, challenge = in_consultation(db, make)
    listed, quiet = make.innovator(), make.innovator()
    consultation.respond(db, listed.id, challenge.id, ["a", "b"], list_publicly=True, summary="Leak sensors")
    consultation.respond(db, quiet.id, challenge.id, ["c", "d"])
    assert len(consultation.responses(db, buyer.id, challenge.id)) == 2
    with pytest.raises(Forbidden):
        consultation.responses(db, listed.id, challenge.id)
    item = consultation.consultation_for(db, challenge.id)
    assert [r.organisation_id for r in consultation.listed_respondents(item)] == [listed.organisation_id]


def test_report_tells_respondents_once_then_opening_tells_them_again(db, make, settings):
    buyer, challenge = in_consultation(db, make)
    consultation.respond(db, make.innovator().id, challenge.id, ["a", "b"])
    consultation.publish_report(db, buyer.id, challenge.id, "Twelve firms answered.", settings=settings)
    consultation.publish_report(db, buyer.id, challenge.id, "Twelve firms answered; corrected.", settings=settings)
    assert db.query(OutboxMessage).filter_by(kind="consultation_report").count() == 1
    opened = consultation.open_challenge(db, buyer.id, challenge.id, settings=settings)
    assert opened.status == "open" and opened.published_at is not None
    message = db.query(OutboxMessage).filter_by(kind="consultation_opened").one()
    assert "now open for applications" in message.text_body
    with pytest.raises(InvalidTransition):  # the report belongs before opening
        consultation.publish_report(db, buyer.id, challenge.id, "late", settings=settings)


def test_an_empty_report_is_refused_and_nothing_is_sent(db, make, settings):
    buyer, challenge = in_consultation(db, make)
    consultation.respond(db, make.innovator().id, challenge.id, ["a", "b"])
    with pytest.raises(ValidationFailed):
        consultation.publish_report(db, buyer.id, challenge.id, "   ", settings=settings)
    assert db.query(OutboxMessage).count() == 0


def test_a_draft_of_another_buyer_stays_hidden(db, make):
    buyer = make.buyer()
    challenge = make.challenge(buyer, publish=False)
    with pytest.raises(NotFound):
        consultation.respond(db, make.innovator().id, challenge.id, ["a"])
