"""Queue messages in the outbox; delivery happens later, outside the request."""
from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.models.outbox import OutboxMessage


def single_line(value: str) -> str:
    """Fold any line break away: a header value with a newline could inject headers."""
    return " ".join(value.replace("\r", " ").replace("\n", " ").split())


def outbox_values(
    *,
    kind: str,
    to_address: str,
    subject: str,
    text_body: str,
    html_body: str = "",
    to_name: str = "",
    user_id: int | None = None,
    headers: dict[str, str] | None = None,
) -> dict:
    """The column values of one outbox row; address, name, subject and headers are folded to one line."""
    return {
        "kind": kind,
        "user_id": user_id,
        "to_address": single_line(to_address),
        "to_name": single_line(to_name),
        "subject": single_line(subject),
        "text_body": text_body,
        "html_body": html_body,
        "headers": {single_line(k): single_line(v) for k, v in (headers or {}).items()},
    }


def enqueue(session: Session, **fields) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction (the caller commits); fields as ``outbox_values``."""
    message = OutboxMessage(**outbox_values(**fields))
    session.add(message)
    return message


def enqueue_per_user(session: Session, rows: list[dict]) -> dict[int, int]:
    """Insert ``outbox_values`` rows, one per user, in the caller's transaction; the new ids by user id.

    Multi-row INSERTs with RETURNING: the returned rows are matched by user id, because asking the database to
    return them in parameter order would make SQLAlchemy insert them one at a time on SQLite.
    """
    if len({row["user_id"] for row in rows}) != len(rows) or any(row["user_id"] is None for row in rows):
        raise ValueError("enqueue_per_user takes at most one message per user")
    if not rows:
        return {}
    table = OutboxMessage.__table__
    returned = session.execute(insert(table).returning(table.c.id, table.c.user_id), rows)
    return {user_id: message_id for message_id, user_id in returned}
