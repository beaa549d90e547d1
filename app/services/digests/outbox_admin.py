"""The outbox seen by platform administrators: list queued and failed messages, send them again.

Permission-checked use cases, so they live here and not in app.mail (the delivery machinery imports no service).
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import OutboxMessage, User
from app.services.errors import Forbidden, InvalidTransition, NotFound


def _require_admin(session: Session, actor_id: int) -> None:
    actor = session.get(User, actor_id)
    if actor is None or not actor.is_admin:
        raise Forbidden("Only platform administrators can manage the outbox.")


def pending_messages(session: Session, actor_id: int, status: str, limit: int = 200) -> list[OutboxMessage]:
    """Queued or failed messages for the admin page, oldest first."""
    _require_admin(session, actor_id)
    if status not in {"queued", "failed"}:
        raise NotFound("No such list.")
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.status == status)
                                .order_by(OutboxMessage.created_at, OutboxMessage.id).limit(limit)))


def retry_message(session: Session, actor_id: int, message_id: int) -> OutboxMessage:
    """Put a failed (or waiting) message back in the queue, due now, with a fresh attempt budget."""
    _require_admin(session, actor_id)
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("No such message.")
    if message.status == "sent":
        raise InvalidTransition("This message was already sent; it is never sent twice.")
    if message.claimed_until is not None and message.claimed_until > utcnow():
        raise InvalidTransition("A delivery run is sending this message right now.")
    message.status, message.attempts, message.next_attempt_at = "queued", 0, utcnow()
    message.claim_token, message.claimed_until = None, None
    session.commit()
    return message


def retry_all_failed(session: Session, actor_id: int) -> int:
    """Put every failed message back in the queue, due now; returns how many."""
    _require_admin(session, actor_id)
    result = session.execute(update(OutboxMessage).where(OutboxMessage.status == "failed").values(
        status="queued", attempts=0, next_attempt_at=utcnow(), claim_token=None, claimed_until=None)
        .execution_options(synchronize_session=False))
    session.commit()
    return result.rowcount
