"""Items whose matches are due: recorded with the change that makes them due, claimed by refresh runs.

One ``match_refresh`` row per waiting item. A publish or edit writes it in its own transaction (so a change
is never committed without its refresh being recorded); a refresh run claims it, ranks the item and deletes
it. Claiming pushes ``next_attempt_at`` a lease ahead and counts the attempt, so a run that dies midway
gives the row back when the lease ends and a crash loop still reaches the attempt limit. A failure sets a
back-off; after ``max_attempts`` the row is given up (kept, with its error, for `flask matches due`; the
nightly rebuild covers it). Every update checks ``requested_at``: an item edited again while a run was
ranking it stays due, so the newer version is ranked too.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db import UTCDateTime, utcnow
from app.models import Challenge, MatchRefresh, Solution

CHALLENGE, SOLUTION = "challenge", "solution"
# session.info key set when a transaction requests a refresh: the web layer starts a run after the commit.
REQUESTED = "match_refresh_requested"
MAX_BACKOFF = timedelta(hours=6)
REFRESH = MatchRefresh.__table__


@dataclass(frozen=True)
class RefreshPolicy:
    max_attempts: int = 5
    retry_base_s: int = 60
    lease_s: int = 300

    @classmethod
    def from_config(cls, config) -> RefreshPolicy:
        return cls(max_attempts=int(config.get("MATCH_REFRESH_MAX_ATTEMPTS", 5)),
                   retry_base_s=int(config.get("MATCH_REFRESH_RETRY_BASE_S", 60)),
                   lease_s=int(config.get("MATCH_REFRESH_LEASE_S", 300)))

    def backoff(self, attempts: int) -> timedelta:
        """Base, 2*base, 4*base ... after ``attempts`` failed tries, capped at 6 hours."""
        return min(timedelta(seconds=self.retry_base_s * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass(frozen=True)
class Claim:
    """A due row this run holds: which item, and the request (``requested_at``) it answers."""

    id: int
    kind: str
    item_id: int
    requested_at: datetime
    attempts: int  # including this one


def kind_of(row: Challenge | Solution) -> str:
    return CHALLENGE if isinstance(row, Challenge) else SOLUTION


def mark_due(session: Session, kind: str, item_id: int, now: datetime | None = None) -> None:
    """Record that the item's matches are due; the caller commits, with the change that made them due.

    An item already waiting is due again from now with its failures forgotten (the new version may rank
    fine). An upsert, so two requests marking the same item at once never collide on the unique key.
    """
    now = now or utcnow()
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(REFRESH).values(item_kind=kind, item_id=item_id, requested_at=now, attempts=0,
                                       next_attempt_at=now, last_error="", gave_up_at=None)
    fresh = ("requested_at", "attempts", "next_attempt_at", "last_error", "gave_up_at")
    session.execute(statement.on_conflict_do_update(
        index_elements=["item_kind", "item_id"], set_={name: statement.excluded[name] for name in fresh}))
    session.info[REQUESTED] = True


def _claimable(now: datetime):
    return REFRESH.c.gave_up_at.is_(None), REFRESH.c.next_attempt_at <= now


def count_due(session: Session, now: datetime | None = None) -> int:
    """How many items a run would refresh now."""
    return session.scalar(select(func.count(REFRESH.c.id)).where(*_claimable(now or utcnow()))) or 0


def claim(session: Session, size: int, policy: RefreshPolicy, now: datetime) -> list[Claim]:
    """Take up to ``size`` due rows for this run (and commit): no other run takes them during the lease.

    One UPDATE ... RETURNING takes them: atomic under SQLite's write lock, and on PostgreSQL the candidate
    rows are locked with SKIP LOCKED so concurrent runs take different rows (a locked row that changed is
    re-checked against the outer conditions). Rows found at their attempt limit were never given a
    verdict (their run died during the last attempt): they are given up instead of tried once more.
    """
    session.execute(update(REFRESH).where(*_claimable(now), REFRESH.c.attempts >= policy.max_attempts).values(
        gave_up_at=now,
        last_error=func.coalesce(func.nullif(REFRESH.c.last_error, ""), "the run stopped during its last attempt")))
    candidates = select(REFRESH.c.id).where(*_claimable(now), REFRESH.c.attempts < policy.max_attempts) \
        .order_by(REFRESH.c.next_attempt_at, REFRESH.c.id).limit(size)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    taken = session.execute(
        update(REFRESH).where(REFRESH.c.id.in_(candidates.scalar_subquery()), *_claimable(now))
        .values(attempts=REFRESH.c.attempts + 1, next_attempt_at=now + timedelta(seconds=policy.lease_s))
        .returning(REFRESH.c.id, REFRESH.c.item_kind, REFRESH.c.item_id, REFRESH.c.requested_at,
                   REFRESH.c.attempts)
    ).all()
    session.commit()
    return sorted((Claim(*row) for row in taken), key=lambda c: c.id)


def _same_request(claimed: Claim):
    return REFRESH.c.id == claimed.id, REFRESH.c.requested_at == claimed.requested_at


def forget(session: Session, claimed: Claim) -> None:
    """The item's matches are stored: drop its row, unless it was requested again meanwhile (no commit)."""
    session.execute(delete(REFRESH).where(*_same_request(claimed)))


def record_failure(session: Session, claimed: Claim, error: str, policy: RefreshPolicy, now: datetime) -> bool:
    """Keep the row due after a back-off with the error; give it up at the attempt limit. Commits.

    Returns whether it was given up.
    """
    gave_up = claimed.attempts >= policy.max_attempts
    session.execute(update(REFRESH).where(*_same_request(claimed)).values(
        last_error=error[:2000], next_attempt_at=now + policy.backoff(claimed.attempts),
        gave_up_at=now if gave_up else None))
    session.commit()
    return gave_up


def status(session: Session, kind: str, item_id: int) -> str | None:
    """``"due"`` while the item's matches wait to be computed, ``"failed"`` once given up, else None."""
    gave_up_at = session.execute(select(REFRESH.c.gave_up_at).where(
        REFRESH.c.item_kind == kind, REFRESH.c.item_id == item_id)).first()
    if gave_up_at is None:
        return None
    return "due" if gave_up_at[0] is None else "failed"


def waiting(session: Session, limit: int = 100) -> list[MatchRefresh]:
    """Waiting items, given-up and failing ones first (for `flask matches due`)."""
    return list(session.scalars(select(MatchRefresh).order_by(
        MatchRefresh.gave_up_at.is_(None), MatchRefresh.attempts.desc(), MatchRefresh.id).limit(limit)))


def seen(session: Session) -> list[tuple[int, datetime]]:
    """(id, requested_at) of every waiting row; read by a rebuild before it reads the items."""
    return [tuple(row) for row in session.execute(select(REFRESH.c.id, REFRESH.c.requested_at))]


FORGET_SEEN = delete(REFRESH).where(REFRESH.c.id == bindparam("row_id"),
                                    REFRESH.c.requested_at == bindparam("requested", type_=UTCDateTime()))


def forget_seen(session: Session, rows: Sequence[tuple[int, datetime]]) -> None:
    """Drop the rows a rebuild covered, unless requested again since it read them (no commit)."""
    if rows:
        session.execute(FORGET_SEEN, [{"row_id": row_id, "requested": requested} for row_id, requested in rows])
