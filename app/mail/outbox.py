"""Queue messages in the outbox; delivery happens later, outside the request."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.models.outbox import OutboxMessage


def single_line(value: str) -> str:
    """Fold any line break away: a header value with a newline could inject headers."""
    return " ".join(value.replace("\r", " ").replace("\n", " ").split())


def render_email(template: str, **context) -> tuple[str, str]:
    """Render the ``email/<template>.txt`` and ``.html`` pair; needs an app context."""
    text = render_template(f"email/{template}.txt", **context)
    html = render_template(f"email/{template}.html", **context)
    return text, html


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


def enqueue_many(session: Session, rows: list[dict]) -> list[int]:
    """Insert many ``outbox_values`` rows in the caller's transaction (multi-row INSERTs); their ids, in order."""
    if not rows:
        return []
    statement = insert(OutboxMessage).returning(OutboxMessage.id, sort_by_parameter_order=True)
    return list(session.execute(statement, rows).scalars())
