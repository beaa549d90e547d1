"""Market consultation (Phase 0): a draft challenge asks the market non-binding questions before it opens.

draft -> consultation (questions + deadline) -> the owners publish a market engagement report -> open.
Responses are private to the owners; a respondent may opt in to be listed publicly (to find partners).
Each public call is one transaction: a refusal writes nothing.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.display_formats import short_date
from app.models import Challenge, Consultation, ConsultationResponse, User
from app.services.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.services.marketplace.challenges import owned_challenge, view_challenge
from app.services.procurement.phase_notices import notify, people
from app.services.recommendations import due
from app.services.settings import ServiceSettings

STATUS = "consultation"
MAX_QUESTIONS, MAX_QUESTION, MAX_ANSWER, MAX_SUMMARY, MAX_REPORT = 20, 500, 5000, 300, 20000


def _consultation(session: Session, challenge: Challenge) -> Consultation:
    consultation = session.scalar(select(Consultation).where(Consultation.challenge_id == challenge.id))
    if consultation is None:
        raise NotFound("This challenge has no market consultation.")
    return consultation


def _questions_problem(questions: list[str]) -> str | None:
    if not 1 <= len(questions) <= MAX_QUESTIONS:
        return f"Ask between 1 and {MAX_QUESTIONS} questions."
    if any(len(question) > MAX_QUESTION for question in questions):
        return f"Each question has at most {MAX_QUESTION} characters."
    return None


def _deadline_problem(deadline: datetime | None, challenge: Challenge, now: datetime) -> str | None:
    if deadline is None or deadline.tzinfo is None:
        return "Give the consultation deadline."
    if deadline <= now:
        return "The consultation deadline must be in the future."
    if deadline >= challenge.deadline:
        return "The consultation must end before the challenge's submission deadline."
    return None


def start_consultation(session: Session, actor_id: int, challenge_id: int, questions: list[str],
                       deadline: datetime | None, *, now: datetime | None = None) -> Consultation:
    """Put a draft challenge into consultation with the owners' questions and a response deadline."""
    challenge = owned_challenge(session, actor_id, challenge_id)
    if challenge.status != "draft":
        raise InvalidTransition("Only a draft challenge can start a market consultation.")
    questions = [q.strip() for q in questions if q.strip()]
    errors = {"questions": _questions_problem(questions),
              "deadline": _deadline_problem(deadline, challenge, now or utcnow())}
    errors = {name: message for name, message in errors.items() if message}
    if errors:
        raise ValidationFailed(errors)
    consultation = Consultation(challenge_id=challenge.id, questions=questions, deadline=deadline)
    session.add(consultation)
    challenge.status = STATUS
    session.commit()
    return consultation


def respond(session: Session, actor_id: int, challenge_id: int, answers: list[str], *, list_publicly: bool = False,
            summary: str = "", now: datetime | None = None) -> ConsultationResponse:
    """Answer (or change the answers of) the actor's organisation before the deadline."""
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation is None or actor.organisation.side != "innovator":
        raise Forbidden("Only members of an innovator organisation can answer a market consultation.")
    challenge = view_challenge(session, challenge_id, actor.organisation_id)
    if challenge.status != STATUS:
        raise InvalidTransition("This challenge is not in market consultation.")
    consultation = _consultation(session, challenge)
    if (now or utcnow()) > consultation.deadline:
        raise Conflict(f"The consultation closed on {short_date(consultation.deadline)}; "
                       "responses are no longer accepted.")
    errors = _answer_problems(consultation, answers, summary)
    if errors:
        raise ValidationFailed(errors)
    response = session.scalar(select(ConsultationResponse).where(
        ConsultationResponse.consultation_id == consultation.id,
        ConsultationResponse.organisation_id == actor.organisation_id))
    if response is None:
        response = ConsultationResponse(consultation_id=consultation.id, organisation_id=actor.organisation_id)
        session.add(response)
    response.submitted_by_id, response.answers = actor_id, [a.strip() for a in answers]
    response.list_publicly, response.summary = list_publicly, summary.strip()
    session.commit()
    return response


def _answer_problems(consultation: Consultation, answers: list[str], summary: str) -> dict[str, str]:
    if len(answers) != len(consultation.questions) or not any(a.strip() for a in answers):
        return {"answers": "Answer at least one of the questions."}
    if any(len(answer) > MAX_ANSWER for answer in answers):
        return {"answers": f"Each answer has at most {MAX_ANSWER} characters."}
    if len(summary) > MAX_SUMMARY:
        return {"summary": f"The public line has at most {MAX_SUMMARY} characters."}
    return {}


def consultation_for(session: Session, challenge_id: int) -> Consultation | None:
    """The consultation of a challenge, if it had one (the caller has checked the challenge is visible)."""
    return session.scalar(select(Consultation).where(Consultation.challenge_id == challenge_id))


def responses(session: Session, actor_id: int, challenge_id: int) -> list[ConsultationResponse]:
    """Every response, for the owners only."""
    return list(_consultation(session, owned_challenge(session, actor_id, challenge_id)).responses)


def listed_respondents(consultation: Consultation) -> list[ConsultationResponse]:
    """Respondents that opted in to be listed publicly (their answers stay private)."""
    return [response for response in consultation.responses if response.list_publicly]


def publish_report(session: Session, actor_id: int, challenge_id: int, report: str, *,
                   settings: ServiceSettings) -> Consultation:
    """Publish the market engagement report on the challenge page; respondents are told by e-mail."""
    challenge = owned_challenge(session, actor_id, challenge_id)
    if challenge.status != STATUS:
        raise InvalidTransition("The report is published during the consultation, before the challenge opens.")
    if not report.strip() or len(report) > MAX_REPORT:
        raise ValidationFailed({"report": f"Write the report ({MAX_REPORT} characters at most)."})
    consultation = _consultation(session, challenge)
    first = consultation.report_published_at is None
    consultation.report, consultation.report_published_at = report.strip(), utcnow()
    if first:
        _tell_respondents(session, consultation, settings, kind="consultation_report",
                          subject=f"Market engagement report published: {challenge.title}",
                          body=f"{challenge.organisation.name} published the market engagement report of the "
                               f"consultation you answered: \"{challenge.title}\".")
    session.commit()
    return consultation


def open_challenge(session: Session, actor_id: int, challenge_id: int, *, settings: ServiceSettings) -> Challenge:
    """End the consultation and open the challenge for applications; respondents are told by e-mail."""
    challenge = owned_challenge(session, actor_id, challenge_id)
    if challenge.status != STATUS:
        raise InvalidTransition("Only a challenge in consultation is opened here.")
    if settings.require_verified_buyers and not challenge.organisation.verified:
        raise Forbidden("Your organisation must be verified by the platform before it can publish challenges.")
    if challenge.deadline <= utcnow():
        raise ValidationFailed({"deadline": "The deadline must be in the future."})
    consultation = _consultation(session, challenge)
    challenge.status, challenge.published_at = "open", utcnow()
    due.mark_due(session, due.CHALLENGE, challenge.id)  # same transaction as the change
    _tell_respondents(session, consultation, settings, kind="consultation_opened",
                      subject=f"Now open for applications: {challenge.title}",
                      body=f"The challenge \"{challenge.title}\" by {challenge.organisation.name}, whose market "
                           f"consultation you answered, is now open for applications until "
                           f"{short_date(challenge.deadline)}.")
    session.commit()
    return challenge


def _tell_respondents(session: Session, consultation: Consultation, settings: ServiceSettings, **message) -> None:
    link = settings.links.url("challenges.detail", challenge_id=consultation.challenge_id)
    for response in consultation.responses:
        notify(session, people(session, response.submitted_by_id, response.organisation), link=link,
               settings=settings, **message)
