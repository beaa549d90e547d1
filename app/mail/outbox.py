"""Queue messages in the outbox; delivery happens later, outside the request."""
from __future__ import annotations

from flask import render_template
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


def enqueue(
    session: Session,
    *,
    kind: str,
    to_address: str,
    subject: str,
    text_body: str,
    html_body: str = "",
    to_name: str = "",
    user_id: int | None = None,
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction (the caller commits)."""
    message = OutboxMessage(
        kind=kind,
        user_id=user_id,
        to_address=single_line(to_address),
        to_name=single_line(to_name),
        subject=single_line(subject),
        text_body=text_body,
        html_body=html_body,
        headers={single_line(k): single_line(v) for k, v in (headers or {}).items()},
    )
    session.add(message)
    return message
