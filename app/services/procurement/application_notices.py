"""E-mails to applicants when their application changes status (queued in the outbox)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.mail.outbox import enqueue
from app.mail.rendering import render_email
from app.models import Application, User
from app.services.settings import ServiceSettings

SUBJECTS = {
    "shortlisted": "Your application was shortlisted",
    "rejected": "Your application was not successful",
    "awarded": "Your application won a pilot",
}


def recipients(session: Session, application: Application) -> list[User]:
    """The person who applied, or every member of the applying organisation if that account is gone."""
    if application.submitted_by_id is not None:
        user = session.get(User, application.submitted_by_id)
        if user is not None:
            return [user]
    return list(application.organisation.members)


def notify_status(session: Session, application: Application, settings: ServiceSettings) -> None:
    """Queue one message per recipient in the caller's transaction; links are absolute (``settings.base_url``)."""
    base_url = settings.base_url
    link = settings.links.url("applications.detail", application_id=application.id)
    subject = f"{SUBJECTS.get(application.status, 'Your application changed')}: {application.challenge.title}"
    for user in recipients(session, application):
        text, html = render_email("application_status", user=user, application=application, link=link,
                                  base_url=base_url)
        enqueue(session, kind="application_status", to_address=user.email, to_name=user.name, subject=subject,
                text_body=text, html_body=html, user_id=user.id)
