"""Digest runs: pick the users who are due, build their digests, queue them in the outbox, once per period.

A run is idempotent per user and period because ``digest_runs`` has a UNIQUE (user_id, period_key) key: two
runs at the same time (or a re-run) cannot both store a digest for the same period; the loser's insert fails
and that user is skipped. Items are recorded in ``digest_items`` (UNIQUE per user and item), so nothing is
ever e-mailed twice to the same person. A period with nothing above the threshold is recorded with
``item_count = 0`` and sends nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import utcnow
from app.mail.digest_email import ComposedEmail, compose_digest
from app.mail.outbox import enqueue_per_user, outbox_values
from app.models import DigestItem, DigestPreference, DigestRun, Organisation, User
from app.services.digests.content import DigestContent, Recipient, build_contents
from app.services.digests.preferences import PreferenceData
from app.services.digests.schedule import is_due, period_key
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.settings import ServiceSettings


@dataclass(frozen=True)
class RunOptions:
    frequency: str | None = None  # daily | weekly | None for both
    ignore_schedule: bool = False  # treat every opted-in user as due now (still once per period)
    dry_run: bool = False  # build and count, store nothing
    batch_size: int = 500


@dataclass
class DigestRunReport:
    considered: int = 0
    queued: int = 0
    empty: int = 0
    already_done: int = 0
    not_due: int = 0
    conflicts: int = 0
    dry_run: bool = False

    def summary(self) -> str:
        head = "Digests (dry run, nothing stored)" if self.dry_run else "Digests"
        return (f"{head}: {self.considered} users considered, {self.queued} queued, {self.empty} with nothing new, "
                f"{self.already_done} already done this period, {self.not_due} not due yet, "
                f"{self.conflicts} taken by a parallel run.")


@dataclass
class PlannedDigest:
    recipient: Recipient
    period_key: str
    content: DigestContent
    email: ComposedEmail | None = None


def _recipient_query(frequency: str | None, user_ids: list[int] | None):
    freq = func.coalesce(DigestPreference.frequency, "weekly")
    query = (select(User, Organisation.side, DigestPreference)
             .join(Organisation, Organisation.id == User.organisation_id)
             .outerjoin(DigestPreference, DigestPreference.user_id == User.id)
             .where(freq != "off").order_by(User.id))
    if user_ids is not None:
        query = query.where(User.id.in_(user_ids))
    return query.where(freq == frequency) if frequency else query


def _recipient(user: User, side: str, row: DigestPreference | None) -> Recipient:
    prefs = PreferenceData() if row is None else PreferenceData(
        frequency=row.frequency, weekday=row.weekday, hour=row.hour, time_zone=row.time_zone,
        min_score=row.min_score, sectors=list(row.sectors or []))
    return Recipient(user_id=user.id, email=user.email, name=user.name, organisation_id=user.organisation_id,
                     side=side, preferences=prefs)


def opted_in_recipients(session: Session, frequency: str | None = None,
                        user_ids: list[int] | None = None) -> list[Recipient]:
    """Every member of an organisation whose digests are not off (admins without an organisation get none)."""
    if frequency not in (None, "daily", "weekly"):
        raise ValidationFailed({"frequency": "Choose daily or weekly."})
    rows = session.execute(_recipient_query(frequency, user_ids)).all()
    session.commit()
    return [_recipient(user, side, pref) for user, side, pref in rows]


def _already_done(session: Session, keys: list[tuple[int, str]]) -> set[tuple[int, str]]:
    if not keys:
        return set()
    done = session.execute(select(DigestRun.user_id, DigestRun.period_key)
                           .where(tuple_(DigestRun.user_id, DigestRun.period_key).in_(keys)))
    return {(user_id, key) for user_id, key in done}


def _plan_batch(session, batch, options, now, settings, report) -> list[PlannedDigest]:
    due = []
    for r in batch:
        p = r.preferences
        if options.ignore_schedule or is_due(p.frequency, p.weekday, p.hour, p.time_zone, now):
            due.append((r, period_key(p.frequency, now, p.time_zone)))
        else:
            report.not_due += 1
    done = _already_done(session, [(r.user_id, key) for r, key in due])
    todo = [(r, key) for r, key in due if (r.user_id, key) not in done]
    report.already_done += len(due) - len(todo)
    contents = build_contents(session, [r for r, _ in todo], now)
    session.commit()  # end the read transaction before writing (SQLite)
    planned = []
    for r, key in todo:
        content = contents[r.user_id]
        email = None if content.is_empty else _compose(r, content, settings)
        planned.append(PlannedDigest(recipient=r, period_key=key, content=content, email=email))
    return planned


def _compose(recipient: Recipient, content: DigestContent, settings: ServiceSettings) -> ComposedEmail:
    return compose_digest(recipient, content, settings.links, secret=settings.secret,
                          unsubscribe_mailto=settings.unsubscribe_mailto)


def _insert(session: Session, planned: list[PlannedDigest]) -> None:
    """Outbox rows, run rows, then item rows: multi-row INSERTs in the caller's transaction."""
    if not planned:
        return
    message_ids = enqueue_per_user(session, [
        outbox_values(kind="digest", to_address=p.recipient.email, to_name=p.recipient.name,
                      subject=p.email.subject, text_body=p.email.text, html_body=p.email.html,
                      user_id=p.recipient.user_id, headers=p.email.headers) for p in planned if p.email is not None])
    runs = DigestRun.__table__
    run_ids = {user_id: run_id for user_id, run_id in session.execute(
        insert(runs).returning(runs.c.user_id, runs.c.id),
        [{"user_id": p.recipient.user_id, "period_key": p.period_key, "item_count": len(p.content.entries),
          "outbox_message_id": message_ids.get(p.recipient.user_id)} for p in planned])}
    items = [{"user_id": p.recipient.user_id, "item_key": e.key, "run_id": run_ids[p.recipient.user_id],
              "challenge_id": e.challenge_id} for p in planned for e in p.content.entries]
    if items:
        session.execute(insert(DigestItem.__table__), items)


def _store(session: Session, planned: list[PlannedDigest], report: DigestRunReport) -> None:
    """Store the batch in one transaction; if a parallel run got some users first, retry user by user."""
    try:
        _insert(session, planned)
        session.commit()
        stored = planned
    except IntegrityError:
        session.rollback()
        stored = []
        for p in planned:
            try:
                _insert(session, [p])
                session.commit()
                stored.append(p)
            except IntegrityError:
                session.rollback()
                report.conflicts += 1
    _count(stored, report)


def _count(planned: list[PlannedDigest], report: DigestRunReport) -> None:
    report.queued += sum(1 for p in planned if p.email is not None)
    report.empty += sum(1 for p in planned if p.email is None)


def run_digests(session: Session, settings: ServiceSettings, options: RunOptions = RunOptions(), *,
                now: datetime | None = None, user_ids: list[int] | None = None,
                progress: Callable[[int], None] = lambda n: None) -> DigestRunReport:
    """Queue the digests that are due (or all, with ``ignore_schedule``); returns counts for the summary.

    ``user_ids`` limits the run to those users (the Celery fan-out gives each task one batch).
    """
    now = now or utcnow()
    recipients = opted_in_recipients(session, options.frequency, user_ids)
    report = DigestRunReport(considered=len(recipients), dry_run=options.dry_run)
    for start in range(0, len(recipients), options.batch_size):
        batch = recipients[start:start + options.batch_size]
        planned = _plan_batch(session, batch, options, now, settings, report)
        if options.dry_run:
            _count(planned, report)
        else:
            _store(session, planned, report)
        progress(len(batch))
    return report


@dataclass
class DigestPreview:
    recipient: Recipient
    content: DigestContent
    email: ComposedEmail | None


def preview_digest(session: Session, actor_id: int, user_id: int, settings: ServiceSettings,
                   now: datetime | None = None) -> DigestPreview:
    """The digest ``user_id`` would get next (unsent items over their threshold); stores nothing. Admins only."""
    actor = session.get(User, actor_id)
    if actor is None or not actor.is_admin:
        raise Forbidden("Only platform administrators can preview other people's digests.")
    row = session.execute(select(User, Organisation.side, DigestPreference)
                          .join(Organisation, Organisation.id == User.organisation_id)
                          .outerjoin(DigestPreference, DigestPreference.user_id == User.id)
                          .where(User.id == user_id)).first()
    if row is None:
        raise NotFound("No such member of an organisation.")
    recipient = _recipient(*row)
    content = build_contents(session, [recipient], now or utcnow())[recipient.user_id]
    email = None if content.is_empty else _compose(recipient, content, settings)
    session.rollback()
    return DigestPreview(recipient=recipient, content=content, email=email)
