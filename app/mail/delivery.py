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

from sqlalchemy import Connection, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from app.db import UTCDateTime, utcnow
from app.mail.compose import OutgoingMail, build_message
from app.mail.sender import EmailSender, SendFailed
from app.models import OutboxMessage

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


OUTBOX = OutboxMessage.__table__  # delivery writes through Core statements: no ORM objects per message
MAIL_COLUMNS = (OUTBOX.c.id, OUTBOX.c.to_address, OUTBOX.c.to_name, OUTBOX.c.subject, OUTBOX.c.text_body,
                OUTBOX.c.html_body, OUTBOX.c.headers, OUTBOX.c.attempts)


def _lease_free(now: datetime):
    return or_(OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < now)


def _claimable(now: datetime):
    return OUTBOX.c.status == "queued", OUTBOX.c.next_attempt_at <= now, _lease_free(now)


def _ours():
    return OUTBOX.c.id == bindparam("message_id"), OUTBOX.c.claim_token == bindparam("token")


# Built once: per message only the parameters change (a Session or a Connection can run them).
MARK_SENT = update(OUTBOX).where(*_ours()).values(
    status="sent", sent_at=bindparam("now", type_=UTCDateTime()), attempts=OUTBOX.c.attempts + 1, last_error="",
    claim_token=None, claimed_until=None)
MARK_FAILED_ATTEMPT = update(OUTBOX).where(*_ours()).values(
    status=bindparam("new_status"), attempts=bindparam("new_attempts"), last_error=bindparam("reason"),
    next_attempt_at=bindparam("retry_at", type_=UTCDateTime()), claim_token=None, claimed_until=None)


def _dialect(db: Session | Connection) -> str:
    return (db.dialect if isinstance(db, Connection) else db.get_bind().dialect).name


def count_due(session: Session, now: datetime | None = None) -> int:
    """How many messages a delivery run would try now."""
    count = session.scalar(select(func.count(OUTBOX.c.id)).where(*_claimable(now or utcnow())))
    session.commit()
    return count or 0


def claim_batch(db: Session | Connection, size: int, lease_s: int,
                now: datetime | None = None) -> tuple[str, list[OutgoingMail]]:
    """Atomically claim up to ``size`` due messages; returns the claim token and detached copies."""
    now = now or utcnow()
    token = str(uuid.uuid4())
    candidates = select(OUTBOX.c.id).where(*_claimable(now)).order_by(
        OUTBOX.c.next_attempt_at, OUTBOX.c.id).limit(size)
    if _dialect(db) == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    # The subquery checks status and due time within this one statement (under SQLite's write lock; PostgreSQL
    # re-checks a locked row against its newest version); the outer lease check is a second guard and keeps
    # SQLite's planner on the primary key (a status term would make it scan the due index instead).
    db.execute(update(OUTBOX).where(OUTBOX.c.id.in_(candidates.scalar_subquery()), _lease_free(now))
               .values(claim_token=token, claimed_until=now + timedelta(seconds=lease_s)))
    db.commit()
    rows = db.execute(select(*MAIL_COLUMNS).where(OUTBOX.c.claim_token == token).order_by(OUTBOX.c.id)).all()
    db.commit()  # end the read transaction: SQLite cannot upgrade a stale reader to a writer later
    return token, [OutgoingMail(id=r.id, to_address=r.to_address, to_name=r.to_name, subject=r.subject,
                                text_body=r.text_body, html_body=r.html_body, headers=dict(r.headers or {}),
                                attempts=r.attempts) for r in rows]


def mark_sent(db: Session | Connection, message_id: int, token: str) -> bool:
    """Record that the server accepted the message (one UPDATE and commit per message: the at-least-once window
    between the server's "250 OK" and this commit stays one message wide)."""
    result = db.execute(MARK_SENT, {"message_id": message_id, "token": token, "now": utcnow()})
    db.commit()
    return result.rowcount == 1


def mark_attempt_failed(db: Session | Connection, mail: OutgoingMail, token: str, reason: str,
                        policy: DeliveryPolicy, *, permanent: bool = False) -> str:
    """Record a failed try: back to the queue with back-off, or ``failed`` after the last allowed attempt (at
    once when ``permanent``: retrying cannot help, e.g. an address that cannot be written)."""
    attempts = mail.attempts + 1  # nobody else changes a claimed row, so the count read at claim time holds
    status = "failed" if permanent or attempts >= policy.max_attempts else "queued"
    result = db.execute(MARK_FAILED_ATTEMPT, {
        "message_id": mail.id, "token": token, "new_status": status, "new_attempts": attempts,
        "reason": reason[:2000], "retry_at": utcnow() + backoff(attempts, policy.retry_base_s)})
    db.commit()
    return status if result.rowcount == 1 else "lost"


def release(db: Session | Connection, token: str) -> int:
    """Give back every message still claimed under ``token`` (not tried), due again at once."""
    result = db.execute(update(OUTBOX).where(OUTBOX.c.claim_token == token).values(
        claim_token=None, claimed_until=None))
    db.commit()
    return result.rowcount


def renew_lease(db: Session | Connection, token: str, lease_s: int) -> set[int]:
    """Extend our claim; returns the ids we still hold (a row whose lease ran out may be someone else's now)."""
    db.execute(update(OUTBOX).where(OUTBOX.c.claim_token == token).values(
        claimed_until=utcnow() + timedelta(seconds=lease_s)))
    held = set(db.execute(select(OUTBOX.c.id).where(OUTBOX.c.claim_token == token)).scalars())
    db.commit()
    return held


def deliver_due(session: Session, sender: EmailSender, policy: DeliveryPolicy, *, batch_size: int = 200,
                limit: int | None = None, progress: Callable[[int], None] = lambda n: None) -> DeliveryReport:
    """Send every due message through ``sender`` (SmtpSender; InMemorySender in tests); stops early when the
    server goes away.

    Claims and outcomes go through one database connection held for the whole run (``session``'s engine).
    """
    report = DeliveryReport()
    tried = 0
    with session.get_bind().connect() as conn:
        while limit is None or tried < limit:
            size = batch_size if limit is None else min(batch_size, limit - tried)
            token, mails = claim_batch(conn, size, policy.lease_s)
            if not mails:
                break
            server_gone = _deliver_batch(conn, sender, policy, token, mails, report, progress)
            tried += len(mails)
            if server_gone:
                report.server_gone = True
                report.released += release(conn, token)
                break
    return report


def _deliver_batch(conn, sender: EmailSender, policy, token, mails, report, progress) -> bool:
    claimed_at = utcnow()
    held = {mail.id for mail in mails}
    for mail in mails:
        if utcnow() - claimed_at > timedelta(seconds=policy.lease_s / 2):
            held, claimed_at = renew_lease(conn, token, policy.lease_s), utcnow()
        if mail.id in held:
            server_gone = _deliver_one(conn, sender, policy, token, mail, report)
            progress(1)
            if server_gone:
                return True
    return False


def _deliver_one(conn, sender: EmailSender, policy, token, mail, report) -> bool:
    """Send one claimed message and record the outcome; True when the server went away."""
    try:
        message = build_message(mail, policy.mail_from)
    except ValueError as exc:  # e.g. a stored address that cannot be written safely: fail it, go on
        report.failed += mark_attempt_failed(conn, mail, token, f"cannot build the message: {exc}", policy,
                                             permanent=True) == "failed"
        return False
    try:
        sender.send(message)
    except SendFailed as exc:
        outcome = mark_attempt_failed(conn, mail, token, exc.reason, policy)
        report.failed += outcome == "failed"
        report.retrying += outcome == "queued"
        return exc.connection_lost
    mark_sent(conn, mail.id, token)
    report.sent += 1
    return False
