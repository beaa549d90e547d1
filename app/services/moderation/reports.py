"""Reports: anyone signed in can flag a challenge, solution or organisation; admins handle the queue."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import Challenge, Organisation, Report, Solution, User
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.marketplace import challenges, solutions
from app.services.moderation.actions import clean_reason, record, require_admin

REPORTABLE = ("challenge", "solution", "organisation")
OUTCOMES = ("resolved", "dismissed")
MAX_OPEN_PER_USER_ITEM = 1


@dataclass
class ReportView:
    report: Report
    label: str
    exists: bool


def target_label(session: Session, target_type: str, target_id: int, viewer_org_id: int | None) -> str:
    """The title or name of an item the reporter may see; NotFound otherwise (drafts, hidden, unknown)."""
    if target_type == "challenge":
        return challenges.view_challenge(session, target_id, viewer_org_id).title
    if target_type == "solution":
        return solutions.view_solution(session, target_id, viewer_org_id).title
    if target_type == "organisation":
        org = session.get(Organisation, target_id)
        if org is None:
            raise NotFound("No such organisation.")
        return org.name
    raise NotFound("This kind of item cannot be reported.")


def file_report(session: Session, actor_id: int, target_type: str, target_id: int, reason: str) -> Report:
    """Queue a report about an item the actor can see; one open report per person and item."""
    actor = session.get(User, actor_id)
    if actor is None:
        raise Forbidden("Sign in to report an item.")
    target_label(session, target_type, target_id, actor.organisation_id)
    reason = clean_reason(reason)
    duplicate = session.scalar(select(Report.id).where(
        Report.reporter_id == actor.id, Report.target_type == target_type, Report.target_id == target_id,
        Report.status == "open"))
    if duplicate is not None:
        raise ValidationFailed({"reason": "You have already reported this; an administrator will look at it."})
    report = Report(reporter_id=actor.id, target_type=target_type, target_id=target_id, reason=reason)
    session.add(report)
    session.commit()
    return report


def _label_for_admin(session: Session, report: Report) -> tuple[str, bool]:
    model = {"challenge": Challenge, "solution": Solution, "organisation": Organisation}.get(report.target_type)
    item = session.get(model, report.target_id) if model else None
    if item is None:
        return f"{report.target_type} #{report.target_id} (deleted)", False
    return getattr(item, "title", None) or getattr(item, "name", ""), True


def queue(session: Session, actor_id: int, status: str = "open", limit: int = 200) -> list[ReportView]:
    """Reports for admins, oldest open first (newest first for handled ones)."""
    require_admin(session, actor_id)
    statement = select(Report).where(Report.status == (status if status in ("open", *OUTCOMES) else "open"))
    order = Report.created_at.asc() if status == "open" else Report.handled_at.desc()
    views = []
    for report in session.scalars(statement.order_by(order, Report.id).limit(limit)):
        label, exists = _label_for_admin(session, report)
        views.append(ReportView(report=report, label=label, exists=exists))
    return views


def handle_report(session: Session, actor_id: int, report_id: int, outcome: str, note: str = "") -> Report:
    """Resolve or dismiss an open report; recorded in the audit log."""
    actor = require_admin(session, actor_id)
    if outcome not in OUTCOMES:
        raise ValidationFailed({"outcome": "Choose resolve or dismiss."})
    note = clean_reason(note, required=False, field="note")
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound("No such report.")
    if report.status != "open":
        raise Conflict("This report has already been handled.")
    report.status, report.handled_by_id, report.handled_at, report.resolution_note = outcome, actor.id, utcnow(), note
    label, _exists = _label_for_admin(session, report)
    action = "resolve_report" if outcome == "resolved" else "dismiss_report"
    record(session, actor, action, report.target_type, report.target_id, label, note or report.reason)
    session.commit()
    return report
