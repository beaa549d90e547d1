"""Password reset and e-mail confirmation by signed, expiring, single-use links sent through the outbox."""
from __future__ import annotations

import hashlib
import hmac

from sqlalchemy.orm import Session

from app.db import utcnow
from app.mail.outbox import enqueue
from app.mail.rendering import render_email
from app.models import User
from app.services.accounts.passwords import hash_password, password_problem
from app.services.accounts.users import find_user_by_email, normalise_email
from app.services.errors import NotFound, ValidationFailed
from app.services.settings import ServiceSettings
from app.signed_links import TokenInvalid, make_token, read_token

RESET_PURPOSE = "password-reset"
CONFIRM_PURPOSE = "email-confirm"


def _fingerprint(value: str) -> str:
    # Binds a reset link to the current password hash: once the password changes, the link is dead.
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def request_password_reset(session: Session, email: str, *, settings: ServiceSettings) -> None:
    """E-mail a reset link if the address belongs to an active account; the caller's answer never says which."""
    user = find_user_by_email(session, email)
    if user is None or user.suspended_at is not None:
        return
    token = make_token(settings.secret, RESET_PURPOSE, {"u": user.id, "p": _fingerprint(user.password_hash)})
    link = settings.links.url("recovery.reset_password", token=token)
    text, html = render_email("password_reset", user=user, link=link,
                              valid_minutes=settings.password_reset_max_age_s // 60)
    enqueue(session, kind="password_reset", to_address=user.email, to_name=user.name, user_id=user.id,
            subject="Reset your CiviMatch password", text_body=text, html_body=html)
    session.commit()


def user_for_reset_token(session: Session, token: str, *, settings: ServiceSettings) -> User:
    """The user a reset link is for; NotFound for tampered, expired or already used links."""
    try:
        payload = read_token(settings.secret, RESET_PURPOSE, token, settings.password_reset_max_age_s)
    except TokenInvalid as exc:
        raise NotFound("This reset link has expired." if exc.expired else "This reset link is not valid.") from exc
    user_id = payload.get("u") if isinstance(payload, dict) else None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.suspended_at is not None or not hmac.compare_digest(
            str(payload.get("p", "")), _fingerprint(user.password_hash)):
        raise NotFound("This reset link has already been used or is no longer valid.")
    return user


def reset_password(session: Session, token: str, new_password: str, *, settings: ServiceSettings) -> User:
    """Set a new password from a reset link; every existing session of the user ends."""
    user = user_for_reset_token(session, token, settings=settings)
    problem = password_problem(new_password, name=user.name, email=user.email)
    if problem:
        raise ValidationFailed({"password": problem})
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # the link reached this mailbox: the address works
    session.commit()
    return user


def send_email_confirmation(session: Session, user_id: int, *, settings: ServiceSettings) -> bool:
    """Queue a confirmation link for the user's address; False when it is already confirmed."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    if user.email_confirmed_at is not None:
        return False
    token = make_token(settings.secret, CONFIRM_PURPOSE, {"u": user.id, "e": user.email})
    link = settings.links.url("recovery.confirm_email", token=token)
    text, html = render_email("confirm_email", user=user, link=link)
    enqueue(session, kind="email_confirmation", to_address=user.email, to_name=user.name, user_id=user.id,
            subject="Confirm your e-mail address for CiviMatch", text_body=text, html_body=html)
    session.commit()
    return True


def confirm_email(session: Session, token: str, *, settings: ServiceSettings) -> User:
    """Mark the address in a confirmation link as confirmed; NotFound for bad, expired or stale links."""
    try:
        payload = read_token(settings.secret, CONFIRM_PURPOSE, token, settings.email_confirm_max_age_s)
    except TokenInvalid as exc:
        raise NotFound("This link has expired." if exc.expired else "This link is not valid.") from exc
    user_id = payload.get("u") if isinstance(payload, dict) else None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or normalise_email(str(payload.get("e", ""))) != user.email:
        raise NotFound("This link is no longer valid.")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        session.commit()
    return user
