"""Clarifications of a challenge: innovators ask, owners answer in public (anonymised), owners publish notices.

A notice is an amendment (a changed deadline, a new document, a corrected budget); on an open challenge the
deadline and budget change only through one, so every follower is told and the public history keeps it. Who may
answer or publish is ``challenge_access``' MANAGE (lead and co-owners); observers READ the unanswered questions.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import Challenge, Enquiry, Notice, User
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.marketplace import challenge_access as access
from app.services.marketplace.challenges import _budget_problem, _deadline_problem  # one rule for both forms
from app.services.procurement.clarification_mail import notify_followers
from app.services.recommendations import due
from app.services.settings import ServiceSettings

MAX_QUESTION = 4000
MAX_ANSWER = 10000
MAX_NOTICE_TITLE = 200
MAX_NOTICE_TEXT = 10000
MAX_URL = 500
NOTICE_STATUSES = ("consultation", "open", "evaluation")


@dataclass
class NoticeData:
    title: str
    description: str
    document_url: str = ""
    deadline: datetime | None = None  # None: unchanged
    change_budget: bool = False
    budget_min: int | None = None
    budget_max: int | None = None


def _text_problem(value: str, limit: int, what: str) -> str | None:
    if not value:
        return f"Write the {what}."
    return None if len(value) <= limit else f"The {what} can be at most {limit:,} characters ({len(value):,} given)."


def ask(session: Session, actor_id: int, challenge_id: int, question: str) -> Enquiry:
    """Store an innovator's question on an open challenge; the asker is never published."""
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation is None or actor.organisation.side != "innovator":
        raise Forbidden("Only innovators can ask questions about a challenge.")
    challenge = session.get(Challenge, challenge_id)
    if challenge is None or not access.is_publicly_visible(challenge):
        raise NotFound("No such challenge.")
    if challenge.status != "open":
        raise Conflict(f"This challenge is {challenge.status}: it takes questions only while it is open.")
    question = (question or "").strip()
    problem = _text_problem(question, MAX_QUESTION, "question")
    if problem:
        raise ValidationFailed({"question": problem})
    enquiry = Enquiry(challenge_id=challenge.id, asker_id=actor_id, question=question)
    session.add(enquiry)
    session.commit()
    return enquiry


def answer(session: Session, actor_id: int, challenge_id: int, enquiry_id: int, text: str, *,
           settings: ServiceSettings, notify: bool = True) -> Enquiry:
    """Publish (or correct) the answer to a question; followers are e-mailed once per question
    (``notify=False``: no e-mail, for the demo data)."""
    challenge = access.authorise(session, actor_id, challenge_id, access.MANAGE)
    enquiry = session.get(Enquiry, enquiry_id)
    if enquiry is None or enquiry.challenge_id != challenge.id:
        raise NotFound("No such question.")
    text = (text or "").strip()
    problem = _text_problem(text, MAX_ANSWER, "answer")
    if problem:
        raise ValidationFailed({"answer": problem})
    enquiry.answer, enquiry.answered_by_id = text, actor_id
    enquiry.answered_at = enquiry.answered_at or utcnow()  # a correction keeps the first publication date
    if notify:
        notify_followers(session, challenge, f"enquiry:{enquiry.id}", f"Answer published: {challenge.title}",
                         "challenge_answer", settings, enquiry=enquiry)
    session.commit()
    return enquiry


def questions_for_parties(session: Session, actor_id: int, challenge_id: int) -> tuple[Challenge, list[Enquiry]]:
    """Every question, answered or not, newest first: for the owners and observers."""
    challenge = access.authorise(session, actor_id, challenge_id, access.READ)
    rows = session.scalars(select(Enquiry).where(Enquiry.challenge_id == challenge.id)
                           .order_by(Enquiry.created_at.desc(), Enquiry.id.desc()))
    return challenge, list(rows)


def published_enquiries(session: Session, challenge_id: int) -> list[Enquiry]:
    """Answered questions in the order they were answered: what the public sees (never the asker)."""
    return list(session.scalars(select(Enquiry).where(
        Enquiry.challenge_id == challenge_id, Enquiry.answered_at.is_not(None))
        .order_by(Enquiry.answered_at, Enquiry.id)))


def notices_of(session: Session, challenge_id: int) -> list[Notice]:
    """The public history of notices, oldest first."""
    return list(session.scalars(select(Notice).where(Notice.challenge_id == challenge_id)
                                .order_by(Notice.published_at, Notice.id)))


def _notice_problems(data: NoticeData, challenge: Challenge) -> dict[str, str]:
    checks = {
        "title": _text_problem(data.title, MAX_NOTICE_TITLE, "title"),
        "description": _text_problem(data.description, MAX_NOTICE_TEXT, "description"),
        "document_url": None if not data.document_url or (
            data.document_url.startswith(("https://", "http://")) and len(data.document_url) <= MAX_URL)
        else "Give a web address starting with https:// (at most 500 characters).",
        "deadline": None if data.deadline is None else _deadline_problem(data.deadline, utcnow()),
        "budget_min": _budget_problem(data.budget_min, data.budget_max) if data.change_budget else None,
    }
    if data.deadline is not None and challenge.status != "open" and not checks["deadline"]:
        checks["deadline"] = "Only an open challenge's deadline can be changed."
    return {name: message for name, message in checks.items() if message}


def publish_notice(session: Session, actor_id: int, challenge_id: int, data: NoticeData, *,
                   settings: ServiceSettings, notify: bool = True) -> Notice:
    """Publish an amendment, applying its deadline or budget change to the challenge; followers are e-mailed
    (``notify=False``: no e-mail, for the demo data)."""
    challenge = access.authorise(session, actor_id, challenge_id, access.MANAGE)
    if challenge.status not in NOTICE_STATUSES:
        raise Conflict(f"This challenge is {challenge.status}: notices are for challenges still under way.")
    data.title, data.description, data.document_url = (
        (data.title or "").strip(), (data.description or "").strip(), (data.document_url or "").strip())
    errors = _notice_problems(data, challenge)
    if errors:
        raise ValidationFailed(errors)
    notice = Notice(challenge_id=challenge.id, author_id=actor_id, title=data.title, description=data.description,
                    document_url=data.document_url, budget_changed=data.change_budget,
                    old_budget_min=challenge.budget_min, old_budget_max=challenge.budget_max)
    if data.deadline is not None:
        notice.old_deadline, notice.new_deadline = challenge.deadline, data.deadline
        challenge.deadline = data.deadline
    if data.change_budget:
        notice.new_budget_min, notice.new_budget_max = data.budget_min, data.budget_max
        challenge.budget_min, challenge.budget_max = data.budget_min, data.budget_max
    session.add(notice)
    session.flush()
    due.mark_due(session, due.CHALLENGE, challenge.id)  # the deadline and budget are part of what is matched
    if notify:
        notify_followers(session, challenge, f"notice:{notice.id}", f"Notice: {challenge.title}",
                         "challenge_notice", settings, notice=notice)
    session.commit()
    return notice
