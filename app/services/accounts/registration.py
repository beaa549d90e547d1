"""Sign-up and invitations that answer the same whether or not an address has an account.

The difference goes only to the mailbox: a new address gets a confirmation link, an address that
already has an account gets "you already have one, log in or reset your password". Both paths hash a
password once and queue one e-mail, so neither the page nor its timing tells an onlooker which it was.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.mail.outbox import enqueue
from app.mail.rendering import render_email
from app.models import User
from app.services.accounts import recovery
from app.services.accounts.passwords import hash_password, password_problem
from app.services.accounts.users import (
    SignupData,
    find_user_by_email,
    invite_member,
    organisation_problems,
    sign_up,
)
from app.services.errors import Forbidden, ValidationFailed
from app.services.settings import ServiceSettings


def register(session: Session, data: SignupData, *, settings: ServiceSettings) -> None:
    """Create the organisation and an unconfirmed first member, or tell the existing account holder.

    Raises ValidationFailed only for problems of the form itself (never "this address is taken").
    """
    errors = organisation_problems(data.organisation)
    problem = password_problem(data.password, name=data.name, email=data.email)
    if problem:
        errors["password"] = problem
    if errors:
        raise ValidationFailed(errors)
    existing = find_user_by_email(session, data.email)
    if existing is None:
        user = sign_up(session, data)
        recovery.send_email_confirmation(session, user.id, settings=settings)
        return
    hash_password(data.password)  # the cost a new account would have paid: same timing
    _tell_existing_holder(session, existing, settings)


def _tell_existing_holder(session: Session, user: User, settings: ServiceSettings) -> None:
    text, html = render_email("account_exists", user=user, login_link=settings.links.url("auth.login"),
                              reset_link=settings.links.url("recovery.forgot_password"))
    enqueue(session, kind="account_exists", to_address=user.email, to_name=user.name, user_id=user.id,
            subject="You already have a CiviMatch account", text_body=text, html_body=html)
    session.commit()


def invite(session: Session, actor_id: int, email: str, *, settings: ServiceSettings) -> None:
    """Invite someone to the actor's organisation; the answer is the same if they already have an account.

    A person with an account cannot accept an invitation (one organisation per person), so they get a
    note naming the inviter instead of a link.
    """
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation_id is None:
        raise Forbidden("Only members of an organisation can invite.")
    existing = find_user_by_email(session, email)
    if existing is None:
        invite_member(session, actor_id, email, settings=settings)
        return
    text, html = render_email("invitation_existing_account", user=existing, inviter=actor,
                              organisation=actor.organisation, login_link=settings.links.url("auth.login"))
    enqueue(session, kind="invitation", to_address=existing.email, to_name=existing.name, user_id=existing.id,
            subject=f"{actor.name} invites you to {actor.organisation.name} on CiviMatch",
            text_body=text, html_body=html)
    session.commit()
