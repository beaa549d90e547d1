"""The clarification parts of an OCDS release: answered questions as ``tender.enquiries`` (the enquiries
extension's fields, never the asker) and notices as ``tender.amendments`` (core OCDS 1.1).

Kept apart from ocds.py so clarifications change two lines there.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from app.display_formats import money
from app.models import Challenge, Notice
from app.services.procurement.clarifications import notices_of, published_enquiries

ENQUIRY_EXTENSION = ("https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/"
                     "v1.1.5/extension.json")
TITLE_LENGTH = 80


def _title(question: str) -> str:
    # The extension wants a title; questions have none, so their opening words stand in.
    first = " ".join(question.split())
    return first if len(first) <= TITLE_LENGTH else first[:TITLE_LENGTH - 1].rstrip() + "…"


def add_to_tender(session: Session, tender: dict, challenge: Challenge, process: str,
                  stamp: Callable[[datetime], str]) -> None:
    """Add ``enquiries`` and ``amendments`` to ``tender`` when the challenge has any."""
    enquiries = published_enquiries(session, challenge.id)
    if enquiries:
        tender["enquiries"] = [{"id": f"{process}-enquiry-{e.id}", "date": stamp(e.created_at),
                                "title": _title(e.question), "description": e.question, "answer": e.answer,
                                "dateAnswered": stamp(e.answered_at)} for e in enquiries]
    notices = notices_of(session, challenge.id)
    if notices:
        tender["amendments"] = [{"id": f"{process}-amendment-{n.id}", "date": stamp(n.published_at),
                                 "rationale": n.title, "description": _description(n, challenge, stamp)}
                                for n in notices]


def _description(notice: Notice, challenge: Challenge, stamp: Callable[[datetime], str]) -> str:
    parts = [notice.description]
    if notice.new_deadline is not None:
        parts.append(f"Deadline changed to {stamp(notice.new_deadline)}.")
    if notice.budget_changed:
        parts.append(f"Budget changed to {money(notice.new_budget_min, challenge.currency) or '-'} to "
                     f"{money(notice.new_budget_max, challenge.currency) or '-'}.")
    if notice.document_url:
        parts.append(f"Document: {notice.document_url}")
    return "\n".join(parts)
