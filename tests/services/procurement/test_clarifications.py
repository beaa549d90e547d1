"""Clarifications: questions, anonymised answers, notices, and the one e-mail per follower they queue."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import utcnow
from app.models import ClarificationMail, OutboxMessage
from app.services.digests import preferences
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.marketplace import challenges, saved_challenges
from app.services.procurement import clarifications as clar
from app.services.procurement.clarification_mail import interested_user_ids
from tests.joint_scenario import join
from tests.pilot_scenario import apply


@pytest.fixture
def group(db, make, settings):
    lead = make.buyer(org_name="Helsinki")
    co_owner = make.buyer(org_name="Amsterdam")
    observer = make.buyer(org_name="Ghent")
    challenge = make.challenge(lead, title="Six-city energy challenge", budget_min=10000, budget_max=50000)
    join(db, settings, lead, challenge, co_owner)
    join(db, settings, lead, challenge, observer, "observer")
    return lead, co_owner, observer, challenge


def _mails(db, kind="challenge_update"):
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def test_question_refusals_never_store_anything(db, make, settings, group):
    lead, _co, _obs, challenge = group
    innovator = make.innovator()
    with pytest.raises(ValidationFailed, match="Write the question"):
        clar.ask(db, innovator.id, challenge.id, "   ")
    with pytest.raises(ValidationFailed, match="at most 4,000 characters"):
        clar.ask(db, innovator.id, challenge.id, "x" * 100_000)
    with pytest.raises(Forbidden, match="Only innovators"):
        clar.ask(db, lead.id, challenge.id, "Why?")
    challenges.close_challenge(db, lead.id, challenge.id, settings=settings)
    with pytest.raises(Conflict, match="only while it is open"):
        clar.ask(db, innovator.id, challenge.id, "Can we still apply?")
    draft = make.challenge(lead, publish=False)
    with pytest.raises(NotFound):
        clar.ask(db, innovator.id, draft.id, "Is this coming?")
    assert clar.questions_for_parties(db, lead.id, challenge.id)[1] == []


def test_co_owner_answers_observer_reads_but_cannot_answer(db, make, settings, group):
    _lead, co_owner, observer, challenge = group
    enquiry = clar.ask(db, make.innovator().id, challenge.id, "Is Modbus acceptable?")
    assert clar.published_enquiries(db, challenge.id) == []
    assert [e.id for e in clar.questions_for_parties(db, observer.id, challenge.id)[1]] == [enquiry.id]
    with pytest.raises(Forbidden, match="Observers"):
        clar.answer(db, observer.id, challenge.id, enquiry.id, "Yes.", settings=settings)
    with pytest.raises(Forbidden):
        clar.questions_for_parties(db, make.innovator().id, challenge.id)
    with pytest.raises(ValidationFailed, match="Write the answer"):
        clar.answer(db, co_owner.id, challenge.id, enquiry.id, "", settings=settings)
    clar.answer(db, co_owner.id, challenge.id, enquiry.id, "Yes, Modbus TCP.", settings=settings)
    assert [e.answer for e in clar.published_enquiries(db, challenge.id)] == ["Yes, Modbus TCP."]


def test_each_follower_gets_one_email_per_answer_even_when_republished(db, make, settings, group):
    lead, _co, _obs, challenge = group
    saver, applicant, asker, quiet = make.innovator(), make.innovator(), make.innovator(), make.innovator()
    saved_challenges.save_challenge(db, saver.id, challenge.id)
    apply(db, applicant, challenge, make.solution(applicant))
    saved_challenges.save_challenge(db, quiet.id, challenge.id)
    data = preferences.preferences_for(db, quiet.id)
    data.follow_emails = False
    preferences.save_preferences(db, quiet.id, data)
    enquiry = clar.ask(db, asker.id, challenge.id, "Which data formats?")
    assert set(interested_user_ids(db, challenge.id)) == {saver.id, applicant.id}
    clar.answer(db, lead.id, challenge.id, enquiry.id, "CSV and JSON.", settings=settings)
    clar.answer(db, lead.id, challenge.id, enquiry.id, "CSV and JSON (UTF-8).", settings=settings)  # a correction
    mails = _mails(db)
    assert sorted(m.to_address for m in mails) == sorted([saver.email, applicant.email])
    assert "CSV and JSON." in mails[0].text_body and "Which data formats?" in mails[0].text_body
    assert asker.name not in mails[0].text_body and asker.email not in mails[0].html_body
    assert db.scalar(select(func.count()).select_from(ClarificationMail)) == 2


def test_notice_changes_deadline_and_budget_and_is_emailed_once(db, make, settings, group):
    lead, co_owner, observer, challenge = group
    saver = make.innovator()
    saved_challenges.save_challenge(db, saver.id, challenge.id)
    old_deadline, new_deadline = challenge.deadline, utcnow() + timedelta(days=60)
    notice = clar.publish_notice(db, co_owner.id, challenge.id, clar.NoticeData(
        title="Deadline extended", description="Two more weeks for everyone.", deadline=new_deadline,
        change_budget=True, budget_min=20000, budget_max=80000), settings=settings)
    assert (challenge.deadline, challenge.budget_min, challenge.budget_max) == (new_deadline, 20000, 80000)
    assert (notice.old_deadline, notice.old_budget_max) == (old_deadline, 50000)
    assert [n.title for n in clar.notices_of(db, challenge.id)] == ["Deadline extended"]
    [mail] = _mails(db)
    assert mail.to_address == saver.email and "Deadline extended" in mail.subject + mail.text_body
    with pytest.raises(Forbidden, match="Observers"):
        clar.publish_notice(db, observer.id, challenge.id, clar.NoticeData("x", "y"), settings=settings)
    with pytest.raises(ValidationFailed) as refused:
        clar.publish_notice(db, lead.id, challenge.id, clar.NoticeData(
            "", "", document_url="javascript:alert(1)", deadline=utcnow() - timedelta(days=1),
            change_budget=True, budget_min=9, budget_max=1), settings=settings)
    assert set(refused.value.errors) == {"title", "description", "document_url", "deadline", "budget_min"}


def test_edit_form_refuses_deadline_or_budget_changes_of_an_open_challenge(db, group):
    lead, _co, _obs, challenge = group
    data = challenges.ChallengeData(title="Renamed", summary=challenge.summary,
                                    problem_statement=challenge.problem_statement, sector=challenge.sector,
                                    trl_expected=challenge.trl_expected, country=challenge.country,
                                    deadline=challenge.deadline + timedelta(days=3), budget_min=10000,
                                    budget_max=90000)
    with pytest.raises(ValidationFailed) as refused:
        challenges.update_challenge(db, lead.id, challenge.id, data)
    assert "through a notice" in refused.value.errors["deadline"]
    assert "through a notice" in refused.value.errors["budget_min"]
    data.deadline, data.budget_max = challenge.deadline, 50000
    challenges.update_challenge(db, lead.id, challenge.id, data)
    assert challenge.title == "Renamed"


def test_matched_innovators_follow_only_above_the_default_minimum_score(db, make, group):
    from app.models import Match

    _lead, _co, _obs, challenge = group
    strong, weak = make.innovator(), make.innovator()
    for user, score in ((strong, 0.6), (weak, 0.05)):
        db.add(Match(challenge_id=challenge.id, solution_id=make.solution(user).id, score=score, model_version="t"))
    db.commit()
    assert interested_user_ids(db, challenge.id) == [strong.id]
