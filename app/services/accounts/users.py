"""Sign-up, authentication, revocable sessions, invitations and admin accounts."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.code_lists import BUYER_KINDS, COUNTRIES, INNOVATOR_KINDS, ORG_SIZES
from app.db import utcnow
from app.mail.outbox import enqueue
from app.mail.rendering import render_email
from app.models import Invitation, Organisation, User
from app.services.accounts.passwords import hash_password, password_problem, verify_password
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.settings import ServiceSettings
from app.signed_links import TokenInvalid, make_token, read_token

INVITATION_PURPOSE = "invitation"


@dataclass(frozen=True)
class OrganisationData:
    name: str
    side: str  # buyer | innovator
    kind: str
    country: str
    city: str = ""
    size: str = ""
    website: str = ""
    description: str = ""


@dataclass(frozen=True)
class SignupData:
    name: str
    email: str
    password: str
    organisation: OrganisationData


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def organisation_problems(data: OrganisationData) -> dict[str, str]:
    """Field errors for organisation data (shared by sign-up and profile edits)."""
    errors: dict[str, str] = {}
    kinds = BUYER_KINDS if data.side == "buyer" else INNOVATOR_KINDS if data.side == "innovator" else {}
    if not kinds:
        errors["side"] = "Choose buyer or innovator."
    elif data.kind not in kinds:
        errors["kind"] = "This kind of organisation does not fit the side you chose."
    if data.country not in COUNTRIES:
        errors["country"] = "Choose a country from the list."
    if data.size and data.size not in ORG_SIZES:
        errors["size"] = "Choose a size from the list."
    if data.website and not data.website.lower().startswith(("https://", "http://")):
        # Shown as a link on the profile: another scheme (javascript:, data:) would run in visitors' browsers.
        errors["website"] = "Give a web address starting with https://"
    if not data.name.strip():
        errors["organisation_name"] = "Give the organisation's name."
    return errors


def sign_up(session: Session, data: SignupData) -> User:
    """Create an organisation with its first member; raises ValidationFailed."""
    errors = organisation_problems(data.organisation)
    problem = password_problem(data.password, name=data.name, email=data.email)
    if problem:
        errors["password"] = problem
    if find_user_by_email(session, data.email):
        errors["email"] = "An account with this e-mail address already exists."
    if errors:
        raise ValidationFailed(errors)
    org = Organisation(**{**data.organisation.__dict__, "name": data.organisation.name.strip()})
    user = User(
        email=normalise_email(data.email), name=data.name.strip(), password_hash=hash_password(data.password)
    )
    org.members.append(user)
    session.add(org)
    session.commit()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user whose credentials these are, or None; unknown e-mails cost the same time."""
    user = find_user_by_email(session, email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user.suspended_at is not None:  # suspended by a platform admin (app.services.moderation.actions)
        return None
    user.last_login_at = utcnow()
    session.commit()
    return user


def user_for_session(session: Session, session_id: str) -> User | None:
    """Resolve a login-session id ``"<user id>:<version>"``; stale versions resolve to nobody."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or user.suspended_at is not None:
        return None
    return user


def end_all_sessions(session: Session, user_id: int) -> None:
    """Invalidate every login session of the user (logout, password change)."""
    user = session.get(User, user_id)
    if user is not None:
        user.session_version += 1
        session.commit()


def change_password(session: Session, user_id: int, current: str, new: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    if not verify_password(user.password_hash, current):
        raise ValidationFailed({"current_password": "The current password is not correct."})
    problem = password_problem(new, name=user.name, email=user.email)
    if problem:
        raise ValidationFailed({"new_password": problem})
    user.password_hash = hash_password(new)
    user.session_version += 1
    session.commit()
    return user


def create_admin(session: Session, email: str, name: str, password: str) -> User:
    """Create a platform administrator (no organisation)."""
    problem = password_problem(password, name=name, email=email)
    if problem:
        raise ValidationFailed({"password": problem})
    if find_user_by_email(session, email):
        raise ValidationFailed({"email": "An account with this e-mail address already exists."})
    user = User(email=normalise_email(email), name=name, password_hash=hash_password(password), is_admin=True)
    session.add(user)
    session.commit()
    return user


def invite_member(session: Session, actor_id: int, email: str, *, settings: ServiceSettings) -> Invitation:
    """Invite someone to the actor's organisation; the e-mail goes out through the outbox."""
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation_id is None:
        raise Forbidden("Only members of an organisation can invite.")
    if find_user_by_email(session, email):
        raise ValidationFailed({"email": "This person already has an account."})
    invitation = Invitation(organisation_id=actor.organisation_id, email=normalise_email(email), invited_by_id=actor.id)
    session.add(invitation)
    session.flush()
    token = make_token(settings.secret, INVITATION_PURPOSE, invitation.id)
    link = settings.links.url("auth.accept_invitation", token=token)
    text, html = render_email("invitation", inviter=actor, organisation=actor.organisation, link=link)
    enqueue(
        session,
        kind="invitation",
        to_address=invitation.email,
        subject=f"{actor.name} invites you to {actor.organisation.name} on CiviMatch",
        text_body=text,
        html_body=html,
    )
    session.commit()
    return invitation


def invitation_from_token(session: Session, token: str, *, settings: ServiceSettings) -> Invitation:
    """The open invitation a link points to; raises NotFound for bad, expired or used links."""
    try:
        invitation_id = read_token(settings.secret, INVITATION_PURPOSE, token, settings.invitation_max_age_s)
    except TokenInvalid as exc:
        reason = "This invitation link has expired." if exc.expired else "This invitation link is not valid."
        raise NotFound(reason) from exc
    invitation = session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    if invitation is None or invitation.accepted_at is not None:
        raise NotFound("This invitation has already been used or withdrawn.")
    return invitation


def accept_invitation(session: Session, invitation: Invitation, name: str, password: str) -> User:
    problem = password_problem(password, name=name, email=invitation.email)
    if problem:
        raise ValidationFailed({"password": problem})
    if find_user_by_email(session, invitation.email):
        raise ValidationFailed({"name": "This invitation has already been used."})
    user = User(
        email=invitation.email,
        name=name.strip(),
        password_hash=hash_password(password),
        organisation_id=invitation.organisation_id,
    )
    invitation.accepted_at = utcnow()
    session.add(user)
    session.commit()
    return user


def session_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user
