"""What the admin pages list: counts, organisations, users and items to moderate."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import AdminAuditEntry, Challenge, Organisation, Report, Solution, User
from app.services.moderation.actions import HIDEABLE, require_admin

LIST_LIMIT = 200


@dataclass
class AdminCounts:
    users: int
    suspended_users: int
    unconfirmed_users: int
    organisations: int
    unverified_buyers: int
    challenges: int
    solutions: int
    hidden_items: int
    open_reports: int
    audit_entries: int


def _count(session: Session, model, *conditions) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def counts(session: Session, actor_id: int) -> AdminCounts:
    """Figures for the admin dashboard."""
    require_admin(session, actor_id)
    return AdminCounts(
        users=_count(session, User),
        suspended_users=_count(session, User, User.suspended_at.is_not(None)),
        unconfirmed_users=_count(session, User, User.email_confirmed_at.is_(None)),
        organisations=_count(session, Organisation),
        unverified_buyers=_count(session, Organisation, Organisation.side == "buyer",
                                 Organisation.verified.is_(False)),
        challenges=_count(session, Challenge),
        solutions=_count(session, Solution),
        hidden_items=_count(session, Challenge, Challenge.hidden_at.is_not(None))
        + _count(session, Solution, Solution.hidden_at.is_not(None)),
        open_reports=_count(session, Report, Report.status == "open"),
        audit_entries=_count(session, AdminAuditEntry),
    )


def _like(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def organisations(session: Session, actor_id: int, q: str = "", unverified_only: bool = False) -> list[Organisation]:
    require_admin(session, actor_id)
    statement = select(Organisation)
    if q.strip():
        statement = statement.where(func.lower(Organisation.name).like(_like(q), escape="\\"))
    if unverified_only:
        statement = statement.where(Organisation.verified.is_(False))
    statement = statement.order_by(Organisation.verified, Organisation.side, Organisation.name, Organisation.id)
    return list(session.scalars(statement.limit(LIST_LIMIT)))


def users(session: Session, actor_id: int, q: str = "", suspended_only: bool = False) -> list[User]:
    require_admin(session, actor_id)
    statement = select(User)
    if q.strip():
        pattern = _like(q)
        statement = statement.where(or_(func.lower(User.email).like(pattern, escape="\\"),
                                        func.lower(User.name).like(pattern, escape="\\")))
    if suspended_only:
        statement = statement.where(User.suspended_at.is_not(None))
    return list(session.scalars(statement.order_by(User.id.desc()).limit(LIST_LIMIT)))


def items(session: Session, actor_id: int, kind: str, q: str = "", hidden_only: bool = False) -> list:
    """Challenges or solutions (any status) for moderation, newest first."""
    require_admin(session, actor_id)
    model = HIDEABLE.get(kind, Challenge)
    statement = select(model)
    if q.strip():
        statement = statement.where(func.lower(model.title).like(_like(q), escape="\\"))
    if hidden_only:
        statement = statement.where(model.hidden_at.is_not(None))
    return list(session.scalars(statement.order_by(model.id.desc()).limit(LIST_LIMIT)))
