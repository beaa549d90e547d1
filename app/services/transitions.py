"""Status changes that exactly one of several simultaneous requests can win."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.services.errors import InvalidTransition


def claim_status(session: Session, row, new_status: str, *, noun: str) -> None:
    """Move ``row`` from the status it was read with to ``new_status``, or raise InvalidTransition.

    The check the caller made on the loaded status is only a hint: two requests can both read
    "draft". The guarded ``UPDATE … WHERE status = :old`` is the real test. On PostgreSQL the
    second UPDATE waits for the first transaction's row lock and then matches no row; on SQLite
    writers are serialised, and the statement sees the committed status. Call it after the
    read-only checks and before any other change, so a loser has nothing to undo but this.
    """
    model = type(row)
    old_status = row.status
    result = session.execute(
        update(model).where(model.id == row.id, model.status == old_status).values(status=new_status)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.rollback()
        raise InvalidTransition(f"This {noun} was changed by someone else a moment ago; "
                                "reload the page to see its current status.")
    set_committed_value(row, "status", new_status)  # already written: no second UPDATE
