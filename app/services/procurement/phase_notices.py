"""E-mails of phased procurement (consultation report, challenge opened, not carried on), queued in the outbox."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.mail.outbox import enqueue
from app.mail.rendering import render_email
from app.models import Organisation, User
from app.services.settings import ServiceSettings


def people(session: Session, submitted_by_id: int | None, organisation: Organisation) -> list[User]:
    """The person who answered or applied, or every member of the organisation if that account is gone."""
    user = session.get(User, submitted_by_id) if submitted_by_id is not None else None
    return [user] if user is not None else list(organisation.members)


def notify(session: Session, users: list[User], *, kind: str, subject: str, body: str, link: str,
           settings: ServiceSettings) -> None:
    """Queue one message per user in the caller's transaction (the caller commits)."""
    for user in users:
        text, html = render_email("procurement_notice", user=user, subject=subject, body=body, link=link,
                                  base_url=settings.base_url)
        enqueue(session, kind=kind, to_address=user.email, to_name=user.name, subject=subject, text_body=text,
                html_body=html, user_id=user.id)
