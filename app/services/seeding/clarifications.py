"""Demo clarifications (seed_data/clarifications.json): answered questions and notices on joint challenges.

Loaded through the clarification services like an innovator and the buyers would, with ``notify=False`` (no
e-mails); matched on (challenge, question) and (challenge, notice title), so a second load creates nothing.
"""
from __future__ import annotations

from sqlalchemy import select

from app.models import Challenge, Enquiry, Notice, User
from app.services.procurement import clarifications
from app.services.settings import ServiceSettings


def load_entry(session, users: dict[str, int], entry: dict, settings: ServiceSettings, report) -> None:
    """``{"lead": key, "title": ..., "questions": [{asker, question, answered_by, answer}],
    "notices": [{by, title, description, document_url?}]}``."""
    lead = session.get(User, users[entry["lead"]])
    challenge = session.scalar(select(Challenge).where(Challenge.organisation_id == lead.organisation_id,
                                                       Challenge.title == entry["title"]))
    if challenge is None:
        raise KeyError(f"clarifications for unknown challenge {entry['title']!r}")
    for row in entry.get("questions", []):
        _question(session, users, challenge, row, settings, report)
    for row in entry.get("notices", []):
        if session.scalar(select(Notice.id).where(Notice.challenge_id == challenge.id, Notice.title == row["title"])):
            report.existing["clarifications"] += 1
            continue
        data = clarifications.NoticeData(title=row["title"], description=row["description"],
                                         document_url=row.get("document_url", ""))
        clarifications.publish_notice(session, users[row["by"]], challenge.id, data, settings=settings,
                                      notify=False)
        report.created["clarifications"] += 1


def _question(session, users, challenge: Challenge, row: dict, settings: ServiceSettings, report) -> None:
    if session.scalar(select(Enquiry.id).where(Enquiry.challenge_id == challenge.id,
                                               Enquiry.question == row["question"])):
        report.existing["clarifications"] += 1
        return
    enquiry = clarifications.ask(session, users[row["asker"]], challenge.id, row["question"])
    clarifications.answer(session, users[row["answered_by"]], challenge.id, enquiry.id, row["answer"],
                          settings=settings, notify=False)
    report.created["clarifications"] += 1
