"""Outbox delivery: claim due messages under a lease, send them over one SMTP connection, record the outcome.

Exactly-once rules: a message is claimed (claim_token + claimed_until) by one atomic UPDATE before it is sent;
on PostgreSQL the candidate rows are picked with ``FOR UPDATE SKIP LOCKED`` so concurrent workers take
different rows; on SQLite the single UPDATE statement is serialised by the database lock (run one delivery
process at a time there, see README). A killed worker's claim runs out after ``lease_s`` and another run
picks the message up. Outcomes are written only while the claim is still ours.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.mail.compose import OutgoingMail, build_message
from app.mail.smtp import SendFailed
from app.models import OutboxMessage, User
from app.services.errors import Forbidden, InvalidTransition, NotFound

MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class DeliveryPolicy:
    mail_from: str
    max_attempts: int = 6
    retry_base_s: int = 60
    lease_s: int = 300

    @classmethod
    def from_config(cls, config) -> DeliveryPolicy:
        return cls(mail_from=config["MAIL_FROM"], max_attempts=int(config["OUTBOX_MAX_ATTEMPTS"]),
                   retry_base_s=int(config["OUTBOX_RETRY_BASE_S"]), lease_s=int(config["OUTBOX_LEASE_S"]))


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0  # claimed but not tried because the server went away; due again at once
    server_gone: bool = False  # the run stopped early: the SMTP server could not be reached

    def summary(self) -> str:
        return (f"Outbox: {self.sent} sent, {self.retrying} to retry later, {self.failed} failed, "
                f"{self.released} put back after the server went away.")


def backoff(attempts: int, base_s: int) -> timedelta:
    """Exponential back-off after ``attempts`` failed tries: base, 2*base, 4*base ... capped at 6 hours."""
    return min(timedelta(seconds=base_s * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _claimable(now: datetime):
    return (OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))


def count_due(session: Session, now: datetime | None = None) -> int:
    """How many messages a delivery run would try now."""
    count = session.scalar(select(func.count(OutboxMessage.id)).where(*_claimable(now or utcnow())))
    session.commit()
    return count or 0


def claim_batch(session: Session, size: int, lease_s: int, now: datetime | None = None) -> tuple[str, list]:
    """Atomically claim up to ``size`` due messages; returns the claim token and detached copies."""
    now = now or utcnow()
    token = str(uuid.uuid4())
    candidates = select(OutboxMessage.id).where(*_claimable(now)).order_by(
        OutboxMessage.next_attempt_at, OutboxMessage.id).limit(size)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(candidates.scalar_subquery()), *_claimable(now))
        .values(claim_token=token, claimed_until=now + timedelta(seconds=lease_s))
        .execution_options(synchronize_session=False))
    session.commit()
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.claim_token == token)
                           .order_by(OutboxMessage.id)).all()
    mails = [OutgoingMail(id=r.id, to_address=r.to_address, to_name=r.to_name, subject=r.subject,
                          text_body=r.text_body, html_body=r.html_body, headers=dict(r.headers or {}),
                          attempts=r.attempts) for r in rows]
    session.commit()  # end the read transaction: SQLite cannot upgrade a stale reader to a writer later
    return token, mails


def _ours(message_id: int, token: str):
    return OutboxMessage.id == message_id, OutboxMessage.claim_token == token


def mark_sent(session: Session, message_id: int, token: str) -> bool:
    result = session.execute(update(OutboxMessage).where(*_ours(message_id, token)).values(
        status="sent", sent_at=utcnow(), attempts=OutboxMessage.attempts + 1, last_error="",
        claim_token=None, claimed_until=None).execution_options(synchronize_session=False))
    session.commit()
    return result.rowcount == 1


def mark_attempt_failed(session: Session, mail: OutgoingMail, token: str, reason: str, policy: DeliveryPolicy) -> str:
    """Record a failed try: back to the queue with back-off, or ``failed`` after the last allowed attempt."""
    attempts = mail.attempts + 1  # nobody else changes a claimed row, so the count read at claim time holds
    status = "failed" if attempts >= policy.max_attempts else "queued"
    result = session.execute(update(OutboxMessage).where(*_ours(mail.id, token)).values(
        status=status, attempts=attempts, last_error=reason[:2000], claim_token=None, claimed_until=None,
        next_attempt_at=utcnow() + backoff(attempts, policy.retry_base_s)).execution_options(synchronize_session=False))
    session.commit()
    return status if result.rowcount == 1 else "lost"


def release(session: Session, token: str) -> int:
    """Give back every message still claimed under ``token`` (not tried), due again at once."""
    result = session.execute(update(OutboxMessage).where(OutboxMessage.claim_token == token).values(
        claim_token=None, claimed_until=None).execution_options(synchronize_session=False))
    session.commit()
    return result.rowcount


def renew_lease(session: Session, token: str, lease_s: int) -> set[int]:
    """Extend our claim; returns the ids we still hold (a row whose lease ran out may be someone else's now)."""
    session.execute(update(OutboxMessage).where(OutboxMessage.claim_token == token).values(
        claimed_until=utcnow() + timedelta(seconds=lease_s)).execution_options(synchronize_session=False))
    held = set(session.scalars(select(OutboxMessage.id).where(OutboxMessage.claim_token == token)))
    session.commit()
    return held


def deliver_due(session: Session, sender, policy: DeliveryPolicy, *, batch_size: int = 200,
                limit: int | None = None, progress: Callable[[int], None] = lambda n: None) -> DeliveryReport:
    """Send every due message through ``sender`` (an SmtpSender); stops early when the server goes away."""
    report = DeliveryReport()
    tried = 0
    while limit is None or tried < limit:
        size = batch_size if limit is None else min(batch_size, limit - tried)
        token, mails = claim_batch(session, size, policy.lease_s)
        if not mails:
            break
        server_gone = _deliver_batch(session, sender, policy, token, mails, report, progress)
        tried += len(mails)
        if server_gone:
            report.server_gone = True
            report.released += release(session, token)
            break
    return report


def _deliver_batch(session, sender, policy, token, mails, report, progress) -> bool:
    claimed_at = utcnow()
    held = {mail.id for mail in mails}
    for mail in mails:
        if utcnow() - claimed_at > timedelta(seconds=policy.lease_s / 2):
            held, claimed_at = renew_lease(session, token, policy.lease_s), utcnow()
        if mail.id not in held:
            continue
        try:
            sender.send(build_message(mail, policy.mail_from))
        except SendFailed as exc:
            outcome = mark_attempt_failed(session, mail, token, exc.reason, policy)
            report.failed += outcome == "failed"
            report.retrying += outcome == "queued"
            progress(1)
            if exc.connection_lost:
                return True
            continue
        mark_sent(session, mail.id, token)
        report.sent += 1
        progress(1)
    return False


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
    _require_admin(session, actor_id)
    result = session.execute(update(OutboxMessage).where(OutboxMessage.status == "failed").values(
        status="queued", attempts=0, next_attempt_at=utcnow(), claim_token=None, claimed_until=None)
        .execution_options(synchronize_session=False))
    session.commit()
    return result.rowcount
