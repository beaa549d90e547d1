"""Personal data (GDPR articles 15, 17 and 20): export all of it as JSON, or erase an account.

Erasing anonymises the user row instead of deleting it: scores, conflict declarations and the
records of awarded pilots are public procurement records that must survive, and they point at the
evaluator. What identifies the person (name, e-mail, password, sign-in times, tokens, e-mails,
preferences, saved items) goes; the organisation's challenges, solutions, applications and pilots stay.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, inspect, or_, select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import (
    AdminAuditEntry,
    ApiToken,
    Application,
    Challenge,
    ConflictDeclaration,
    DigestItem,
    DigestPreference,
    DigestRun,
    Invitation,
    MatchFeedback,
    OutboxMessage,
    Pilot,
    Report,
    SavedChallenge,
    Score,
    ScoreChange,
    Solution,
    User,
)
from app.services.accounts.passwords import verify_password
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.moderation.actions import clean_reason, record, require_admin

FORMAT_VERSION = 1
ERASED_NAME = "Deleted user"
# Never exported: secrets are not personal data the person can use, and exporting them would leak them.
SECRET_COLUMNS = {"password_hash", "token_hash"}

# (section name, model, the column that points at the person)
OWNED_ROWS: tuple[tuple[str, type, str], ...] = (
    ("api_tokens", ApiToken, "user_id"),
    ("digest_preferences", DigestPreference, "user_id"),
    ("digest_runs", DigestRun, "user_id"),
    ("digest_items", DigestItem, "user_id"),
    ("saved_challenges", SavedChallenge, "user_id"),
    ("match_feedback", MatchFeedback, "user_id"),
    ("conflict_declarations", ConflictDeclaration, "user_id"),
    ("scores", Score, "evaluator_id"),
    ("score_changes", ScoreChange, "evaluator_id"),
    ("applications_submitted", Application, "submitted_by_id"),
    ("challenges_created", Challenge, "created_by_id"),
    ("solutions_created", Solution, "created_by_id"),
    ("pilots_awarded", Pilot, "awarded_by_id"),
    ("reports_filed", Report, "reporter_id"),
    ("invitations_sent", Invitation, "invited_by_id"),
    ("admin_actions_taken", AdminAuditEntry, "actor_id"),
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(row) -> dict[str, Any]:
    return {attr.key: _plain(getattr(row, attr.key)) for attr in inspect(row).mapper.column_attrs
            if attr.key not in SECRET_COLUMNS}


def _account(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.erased_at is not None:
        raise NotFound("No such user.")
    return user


def export_personal_data(session: Session, user_id: int) -> dict[str, Any]:
    """Everything the platform holds about the user, as plain JSON-ready data (no password or token hashes)."""
    user = _account(session, user_id)
    data: dict[str, Any] = {"format_version": FORMAT_VERSION, "exported_at": utcnow().isoformat(),
                            "account": _row(user),
                            "organisation": _row(user.organisation) if user.organisation else None}
    for section, model, column in OWNED_ROWS:
        rows = session.scalars(select(model).where(getattr(model, column) == user.id))
        data[section] = [_row(row) for row in rows]
    data["invitations_received"] = [_row(i) for i in session.scalars(
        select(Invitation).where(Invitation.email == user.email))]
    data["emails"] = [_row(m) for m in session.scalars(_messages_to(user))]
    data["admin_actions_about_you"] = [_row(e) for e in session.scalars(select(AdminAuditEntry).where(
        AdminAuditEntry.target_type == "user", AdminAuditEntry.target_id == user.id))]
    return data


def _messages_to(user: User):
    return select(OutboxMessage).where(or_(OutboxMessage.user_id == user.id, OutboxMessage.to_address == user.email))


def erase_own_account(session: Session, user_id: int, password: str) -> None:
    """The user deletes their own account; the password confirms it is really them."""
    user = _account(session, user_id)
    if not verify_password(user.password_hash, password):
        raise ValidationFailed({"password": "The password is not correct."})
    _erase(session, user)
    session.commit()


def admin_export_personal_data(session: Session, actor_id: int, user_id: int, reason: str) -> dict[str, Any]:
    """An administrator exports a user's data on their request; recorded in the audit log."""
    actor = require_admin(session, actor_id)
    reason = clean_reason(reason)
    data = export_personal_data(session, user_id)
    record(session, actor, "export_personal_data", "user", user_id, f"user #{user_id}", reason)
    session.commit()
    return data


def admin_erase_account(session: Session, actor_id: int, user_id: int, reason: str) -> None:
    """An administrator erases a user's account on their request; recorded in the audit log."""
    actor = require_admin(session, actor_id)
    reason = clean_reason(reason)
    user = _account(session, user_id)
    if user.id == actor.id:
        raise Conflict("Delete your own account from your account page.")
    _erase(session, user)
    record(session, actor, "erase", "user", user_id, f"user #{user_id}", reason)
    session.commit()


def _erase(session: Session, user: User) -> None:
    """Anonymise the user and delete what only concerns them, in the caller's transaction."""
    old_email = user.email
    session.execute(delete(OutboxMessage).where(
        or_(OutboxMessage.user_id == user.id, OutboxMessage.to_address == old_email)))  # queued and sent
    session.execute(delete(Invitation).where(Invitation.email == old_email, Invitation.accepted_at.is_(None)))
    for model in (ApiToken, DigestPreference, DigestItem, DigestRun, SavedChallenge):
        session.execute(delete(model).where(model.user_id == user.id))
    session.execute(update(Report).where(Report.reporter_id == user.id).values(reporter_id=None))
    # The audit log keeps what was done, but not a copy of the person's name or address.
    session.execute(update(AdminAuditEntry).where(AdminAuditEntry.target_type == "user",
                                                  AdminAuditEntry.target_id == user.id)
                    .values(target_label=f"user #{user.id}"))
    erased_email = f"deleted-{user.id}@erased.invalid"
    session.execute(update(Invitation).where(Invitation.email == old_email).values(email=erased_email))
    user.email, user.name = erased_email, ERASED_NAME
    user.password_hash = "!erased:" + secrets.token_hex(16)  # matches no password
    user.is_admin, user.last_login_at, user.email_confirmed_at = False, None, None
    user.session_version += 1  # every signed-in browser is logged out
    user.erased_at = utcnow()
