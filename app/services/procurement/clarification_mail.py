"""E-mails about a published answer or notice: one per interested user, through the outbox, never twice.

Interested: users who saved the challenge, members of organisations that applied to it, and members of
organisations with a stored match for it at or above the default minimum score; each can turn these off with
the "answers and notices" switch of their digest settings. The ``clarification_mails`` unique key
(user, "enquiry:<id>" | "notice:<id>") makes a rerun or a re-published answer send nothing twice.
"""
from __future__ import annotations

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from app.mail.outbox import enqueue_per_user, outbox_values
from app.mail.rendering import render_email
from app.models import Application, ClarificationMail, DigestPreference, Match, SavedChallenge, Solution, User
from app.models.digest import DEFAULT_MIN_SCORE
from app.services.settings import ServiceSettings

KIND = "challenge_update"


def interested_user_ids(session: Session, challenge_id: int) -> list[int]:
    """Users following a challenge (saved, applied, matched) who did not turn these e-mails off."""
    saved = select(SavedChallenge.user_id).where(SavedChallenge.challenge_id == challenge_id)
    applied = select(User.id).join(Application, Application.organisation_id == User.organisation_id).where(
        Application.challenge_id == challenge_id)
    matched = select(User.id).join(Solution, Solution.organisation_id == User.organisation_id).join(
        Match, Match.solution_id == Solution.id).where(
        Match.challenge_id == challenge_id, Match.score >= DEFAULT_MIN_SCORE)
    followers = union(saved, applied, matched).subquery()
    opted_out = select(DigestPreference.user_id).where(DigestPreference.follow_emails.is_(False))
    return list(session.scalars(select(User.id).where(
        User.id.in_(select(followers.c[0])), User.id.not_in(opted_out),
        User.erased_at.is_(None), User.suspended_at.is_(None)).order_by(User.id)))


def notify_followers(session: Session, challenge, item_key: str, subject: str, template: str,
                     settings: ServiceSettings, **context) -> int:
    """Queue the e-mail about ``item_key`` for every interested user not yet told; the number queued.

    Runs in the caller's transaction (the caller commits), so the log and the outbox rows commit together.
    """
    already = set(session.scalars(select(ClarificationMail.user_id).where(ClarificationMail.item_key == item_key)))
    users = [session.get(User, uid) for uid in interested_user_ids(session, challenge.id) if uid not in already]
    if not users:
        return 0
    link = settings.links.url("challenges.detail", challenge_id=challenge.id)
    settings_link = settings.links.url("digests.settings")
    rows = []
    for user in users:
        text, html = render_email(template, user=user, challenge=challenge, link=link,
                                  settings_link=settings_link, **context)
        rows.append(outbox_values(kind=KIND, to_address=user.email, to_name=user.name, subject=subject,
                                  text_body=text, html_body=html, user_id=user.id))
    ids = enqueue_per_user(session, rows)
    session.add_all([ClarificationMail(user_id=user.id, item_key=item_key, outbox_message_id=ids.get(user.id))
                     for user in users])
    return len(users)
