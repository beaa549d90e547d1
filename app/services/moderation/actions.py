"""Platform moderation: verify organisations, suspend users, hide items, an audit log of it all."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import AdminAuditEntry, Challenge, Organisation, Solution, User
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed

HIDEABLE = {"challenge": Challenge, "solution": Solution}
MAX_REASON = 2000


def require_admin(session: Session, actor_id: int) -> User:
    """The acting platform admin; anyone else gets Forbidden."""
    actor = session.get(User, actor_id)
    if actor is None or not actor.is_admin or actor.suspended_at is not None:
        raise Forbidden("Only platform administrators can do this.")
    return actor


def clean_reason(reason: str, *, required: bool = True, field: str = "reason") -> str:
    """A trimmed reason; raises ValidationFailed when missing (if required) or too long."""
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationFailed({field: "Give a reason: it is kept in the audit log."})
    if len(reason) > MAX_REASON:
        raise ValidationFailed({field: f"Keep the reason under {MAX_REASON} characters."})
    return reason


def record(session: Session, actor: User, action: str, target_type: str, target_id: int, label: str,
           reason: str = "") -> AdminAuditEntry:
    """Add an audit entry in the caller's transaction (the caller commits)."""
    entry = AdminAuditEntry(actor_id=actor.id, action=action, target_type=target_type, target_id=target_id,
                            target_label=label[:300], reason=reason)
    session.add(entry)
    return entry


def set_verified(session: Session, actor_id: int, org_id: int, verified: bool, reason: str = "") -> Organisation:
    """Mark an organisation as verified (or withdraw it); recorded in the audit log."""
    actor = require_admin(session, actor_id)
    reason = clean_reason(reason, required=not verified)
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No such organisation.")
    if org.verified == verified:
        raise Conflict("The organisation is already " + ("verified." if verified else "unverified."))
    org.verified = verified
    record(session, actor, "verify" if verified else "unverify", "organisation", org.id, org.name, reason)
    session.commit()
    return org


def suspend_user(session: Session, actor_id: int, user_id: int, reason: str) -> User:
    """Suspend a user: they cannot log in and every session they have ends now."""
    actor = require_admin(session, actor_id)
    reason = clean_reason(reason)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    if user.id == actor.id:
        raise Conflict("You cannot suspend yourself.")
    if user.suspended_at is not None:
        raise Conflict("This user is already suspended.")
    user.suspended_at = utcnow()
    user.session_version += 1  # cookies carrying the old version stop working
    record(session, actor, "suspend", "user", user.id, user.email, reason)
    session.commit()
    return user


def unsuspend_user(session: Session, actor_id: int, user_id: int, reason: str = "") -> User:
    actor = require_admin(session, actor_id)
    reason = clean_reason(reason, required=False)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    if user.suspended_at is None:
        raise Conflict("This user is not suspended.")
    user.suspended_at = None
    record(session, actor, "unsuspend", "user", user.id, user.email, reason)
    session.commit()
    return user


def _hideable(session: Session, kind: str, item_id: int):
    model = HIDEABLE.get(kind)
    item = session.get(model, item_id) if model else None
    if item is None:
        raise NotFound(f"No such {kind}.")
    return item


def hide_item(session: Session, actor_id: int, kind: str, item_id: int, reason: str):
    """Hide a challenge or solution from every public view, with a reason its owners can read."""
    actor = require_admin(session, actor_id)
    reason = clean_reason(reason)
    item = _hideable(session, kind, item_id)
    if item.hidden_at is not None:
        raise Conflict(f"This {kind} is already hidden.")
    item.hidden_at = utcnow()
    item.hidden_reason = reason
    record(session, actor, "hide", kind, item.id, item.title, reason)
    session.commit()
    return item


def restore_item(session: Session, actor_id: int, kind: str, item_id: int, reason: str = ""):
    """Make a hidden challenge or solution visible again."""
    actor = require_admin(session, actor_id)
    reason = clean_reason(reason, required=False)
    item = _hideable(session, kind, item_id)
    if item.hidden_at is None:
        raise Conflict(f"This {kind} is not hidden.")
    item.hidden_at = None
    item.hidden_reason = None
    record(session, actor, "restore", kind, item.id, item.title, reason)
    session.commit()
    return item


def audit_log(session: Session, actor_id: int, limit: int = 200) -> list[AdminAuditEntry]:
    """The newest audit entries first."""
    require_admin(session, actor_id)
    statement = select(AdminAuditEntry).order_by(AdminAuditEntry.created_at.desc(), AdminAuditEntry.id.desc())
    return list(session.scalars(statement.limit(limit)))
