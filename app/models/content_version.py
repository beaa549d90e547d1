"""One counter that moves whenever anything a public page shows may have changed (the page cache's key).

A listener on every ORM session bumps it in the same transaction as the change, so a cached public page
can never outlive a commit that hides, closes, edits or publishes what it shows: the cache key holds the
version, and a new version misses. Tables that no public page reads are listed in PRIVATE_TABLES; any
other table bumps it, so a model added later is safe (at worst cached less) until someone lists it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, event, insert, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db import Base, UTCDateTime, utcnow

# Written often (logins, feedback, digests, refresh jobs, matches) and never shown to anonymous visitors.
PRIVATE_TABLES = frozenset({
    "admin_audit", "api_tokens", "conflict_declarations", "digest_items", "digest_preferences", "digest_runs",
    "invitations", "match_feedback", "match_models", "match_refresh", "matches", "outbox_messages", "reports",
    "saved_challenges", "score_changes", "scores", "users", "content_versions", "clarification_mails",
})
ROW_ID = 1
PENDING = "public_content_changed"


class ContentVersion(Base):
    __tablename__ = "content_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _public(tables) -> bool:
    return any(name not in PRIVATE_TABLES for name in tables)


def bump(connection) -> None:
    """Move the version on; creates its row when missing (an emptied database)."""
    now = utcnow()
    done = connection.execute(update(ContentVersion).where(ContentVersion.id == ROW_ID)
                              .values(version=ContentVersion.version + 1, changed_at=now))
    if done.rowcount == 0:
        connection.execute(insert(ContentVersion).values(id=ROW_ID, version=1, changed_at=now))


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context) -> None:
    changed = [type(obj).__tablename__ for obj in (*session.new, *session.deleted)]
    changed += [type(obj).__tablename__ for obj in session.dirty if session.is_modified(obj)]
    if _public(changed):
        session.info[PENDING] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_write(state) -> None:
    """UPDATE / DELETE / INSERT statements run through a session (bulk moderation, imports)."""
    table = getattr(state.statement, "table", None)
    if (state.is_update or state.is_delete or state.is_insert) and table is not None and _public([table.name]):
        state.session.info[PENDING] = True


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session: Session) -> None:
    # Flush first so the changes commit() would flush are seen; the counter's row is then the last lock
    # this transaction takes, just before it commits, so two writers never wait on each other in a cycle.
    session.flush()
    if session.info.pop(PENDING, False):
        bump(session.connection())


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)
