"""Bookmarks: a user saves an open challenge to be reminded of its deadline in the digest."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Challenge, SavedChallenge, User
from app.services.errors import Forbidden, InvalidTransition, NotFound


def save_challenge(session: Session, actor_id: int, challenge_id: int) -> None:
    """Save an open challenge for the actor; saving twice is harmless."""
    actor = session.get(User, actor_id)
    if actor is None or actor.organisation_id is None:
        raise Forbidden("Only members of an organisation can save challenges.")
    challenge = session.get(Challenge, challenge_id)
    if challenge is None or challenge.status == "draft" or getattr(challenge, "hidden_at", None) is not None:
        raise NotFound("No such challenge.")
    if challenge.status != "open":
        raise InvalidTransition("Only open challenges can be saved.")
    if is_saved(session, actor_id, challenge_id):
        return
    session.add(SavedChallenge(user_id=actor_id, challenge_id=challenge_id))
    try:
        session.commit()
    except IntegrityError:  # a double click raced us: the bookmark exists, which is what was asked
        session.rollback()


def unsave_challenge(session: Session, actor_id: int, challenge_id: int) -> None:
    session.execute(delete(SavedChallenge).where(SavedChallenge.user_id == actor_id,
                                                 SavedChallenge.challenge_id == challenge_id))
    session.commit()


def is_saved(session: Session, user_id: int, challenge_id: int) -> bool:
    return session.scalar(select(SavedChallenge.id).where(SavedChallenge.user_id == user_id,
                                                          SavedChallenge.challenge_id == challenge_id)) is not None


def saved_of(session: Session, user_id: int) -> list[Challenge]:
    """The challenges the user saved that are still public, soonest deadline first."""
    statement = (select(Challenge).join(SavedChallenge, SavedChallenge.challenge_id == Challenge.id)
                 .where(SavedChallenge.user_id == user_id, Challenge.status != "draft", Challenge.hidden_at.is_(None))
                 .order_by(Challenge.deadline, Challenge.id))
    return list(session.scalars(statement))
