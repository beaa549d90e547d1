"""What one viewer has already done with challenges (saved, applied), so every list can show it."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Application, SavedChallenge, User


@dataclass(frozen=True)
class ViewerMarks:
    saved: frozenset[int] = field(default_factory=frozenset)
    applied: frozenset[int] = field(default_factory=frozenset)


def marks_for(session: Session, user_id: int | None) -> ViewerMarks:
    """Ids of the challenges this user saved and those their organisation applied to (not withdrawn)."""
    user = session.get(User, user_id) if user_id else None
    if user is None or user.organisation_id is None:
        return ViewerMarks()
    saved = session.scalars(select(SavedChallenge.challenge_id).where(SavedChallenge.user_id == user.id))
    applied = session.scalars(select(Application.challenge_id).where(
        Application.organisation_id == user.organisation_id, Application.status != "withdrawn"))
    return ViewerMarks(saved=frozenset(saved), applied=frozenset(applied))
