"""What a signed-in member sees first: their organisation's items."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Challenge, Organisation, Solution, User


@dataclass
class Overview:
    user: User
    organisation: Organisation | None
    challenges: list[Challenge]
    solutions: list[Solution]


def overview(session: Session, actor_id: int) -> Overview:
    user = session.get(User, actor_id)
    org = user.organisation if user else None
    challenges: list[Challenge] = []
    solutions: list[Solution] = []
    if org is not None:
        challenges = list(session.scalars(
            select(Challenge).where(Challenge.organisation_id == org.id).order_by(Challenge.id.desc())))
        solutions = list(session.scalars(
            select(Solution).where(Solution.organisation_id == org.id).order_by(Solution.id.desc())))
    return Overview(user=user, organisation=org, challenges=challenges, solutions=solutions)


def platform_counts(session: Session) -> dict[str, int]:
    return {
        "open_challenges": session.scalar(
            select(func.count()).where(Challenge.status == "open", Challenge.hidden_at.is_(None))) or 0,
        "solutions": session.scalar(
            select(func.count()).where(Solution.status == "published", Solution.hidden_at.is_(None))) or 0,
        "buyers": session.scalar(select(func.count()).where(Organisation.side == "buyer")) or 0,
        "innovators": session.scalar(select(func.count()).where(Organisation.side == "innovator")) or 0,
    }
